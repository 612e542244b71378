//! The resident's filters over the hand-written fixture, each checked with
//! one `check(filters, at, expected ids)` call.

use chrono::NaiveDateTime;
use linli_facilities::calendar::HolidayCalendar;
use linli_facilities::dataset::parse_feature_collection;
use linli_facilities::finder::{
    AgeBand, Filters, HoursBook, Matches, OpenAt, SearchKeys, comparable_price_yuan, find,
    find_near, searched_ages,
};
use linli_facilities::geometry::{LonLat, WalkingModel};
use linli_facilities::hours::State;
use linli_facilities::index::SpatialIndex;
use linli_facilities::model::{
    AgeRange, Category, Eligibility, Facility, Price, PriceUnit, Service, ServiceFunction,
};
use linli_facilities::seeded::SplitMix64;

const SAMPLE: &str = include_str!("fixtures/sample.geojson");
/// Near Dongsi: lc-sample-001 is 159 m away, 002 952 m, 006 1382 m.
const ORIGIN: LonLat = LonLat::new(116.4170, 39.9290);

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
}

fn sample() -> Vec<Facility> {
    parse_feature_collection(SAMPLE).unwrap().facilities
}

/// The full scan (`find`), with the keys of `facilities` built for it.
fn scan(
    facilities: &[Facility],
    origin: LonLat,
    filters: &Filters,
    now: NaiveDateTime,
    calendar: &HolidayCalendar,
    book: &mut HoursBook,
) -> Matches {
    find(
        &SearchKeys::new(facilities),
        origin,
        filters,
        now,
        calendar,
        book,
    )
}

/// Runs the search at `now` and compares the ids, nearest first.
fn check(filters: &Filters, now: &str, expect: &[&str]) {
    let calendar =
        HolidayCalendar::from_json(include_str!("../../../public/data/holidays.json")).unwrap();
    let facilities = sample();
    let hits = scan(
        &facilities,
        ORIGIN,
        filters,
        at(now),
        &calendar,
        &mut HoursBook::default(),
    );
    let ids: Vec<&str> = hits
        .iter()
        .map(|h| facilities[h.index].id.as_str())
        .collect();
    assert_eq!(ids, expect, "{filters:?} at {now}");
    let index = SpatialIndex::new(&facilities);
    let near = find_near(
        &index,
        ORIGIN,
        filters,
        at(now),
        &calendar,
        &mut HoursBook::default(),
    );
    assert_eq!(near, hits, "the index changes nothing");
}

/// Thousands of copies of the fixture scattered over Beijing, searched from
/// many points with several walks: the indexed search always equals the
/// search that measures every facility.
#[test]
fn the_spatial_index_finds_exactly_what_a_full_scan_finds() {
    let calendar =
        HolidayCalendar::from_json(include_str!("../../../public/data/holidays.json")).unwrap();
    let base = sample();
    let mut rng = SplitMix64::new(2026);
    let mut facilities = Vec::new();
    for i in 0..5_000 {
        let mut f = base[i % base.len()].clone();
        f.id = format!("copy-{i:05}");
        f.position = LonLat::new(116.20 + 0.4 * rng.unit(), 39.75 + 0.3 * rng.unit());
        facilities.push(f);
    }
    let index = SpatialIndex::new(&facilities);
    let keys = SearchKeys::new(&facilities);
    let now = at(WEDNESDAY);
    let mut found = 0;
    for q in 0..200 {
        let origin = LonLat::new(116.20 + 0.4 * rng.unit(), 39.75 + 0.3 * rng.unit());
        let filters = Filters {
            walk_minutes: [5, 10, 15, 20, 30][q % 5],
            walking: if q % 2 == 0 {
                WalkingModel::STANDARD
            } else {
                WalkingModel::SENIOR
            },
            functions: if q % 3 == 0 {
                vec![ServiceFunction::Meals]
            } else {
                vec![]
            },
            open: if q % 4 == 0 {
                OpenAt::At(now)
            } else {
                OpenAt::Any
            },
            ..Filters::default()
        };
        let full = find(
            &keys,
            origin,
            &filters,
            now,
            &calendar,
            &mut HoursBook::default(),
        );
        let near = find_near(
            &index,
            origin,
            &filters,
            now,
            &calendar,
            &mut HoursBook::default(),
        );
        assert_eq!(near, full, "query {q} from {origin:?}");
        found += full.len();
    }
    assert!(found > 200, "the queries reach facilities ({found})");
}

/// A 30-minute walk at the standard speed reaches 1,385 m: 001, 002, 006.
fn walk30() -> Filters {
    Filters {
        walk_minutes: 30,
        ..Filters::default()
    }
}

fn only(function: ServiceFunction) -> Filters {
    Filters {
        functions: vec![function],
        ..walk30()
    }
}

const WEDNESDAY: &str = "2026-10-14T10:00";

#[test]
fn walking_time_and_speed_set_the_reach() {
    // 15 minutes at 60 m/min with the 1.3 detour factor: 692 m.
    check(&Filters::default(), WEDNESDAY, &["lc-sample-001"]);
    check(
        &walk30(),
        WEDNESDAY,
        &["lc-sample-001", "lc-sample-002", "lc-sample-006"],
    );
    // The senior speed of 45 m/min reaches 1,038 m in 30 minutes.
    let senior = Filters {
        walking: WalkingModel::SENIOR,
        ..walk30()
    };
    check(&senior, WEDNESDAY, &["lc-sample-001", "lc-sample-002"]);
    check(
        &Filters {
            walk_minutes: 5,
            ..Filters::default()
        },
        WEDNESDAY,
        &["lc-sample-001"],
    );
}

#[test]
fn functions_and_categories() {
    check(
        &only(ServiceFunction::InfantCare),
        WEDNESDAY,
        &["lc-sample-002"],
    );
    check(
        &only(ServiceFunction::Meals),
        WEDNESDAY,
        &["lc-sample-001", "lc-sample-006"],
    );
    let commercial = Filters {
        categories: vec![Category::Commercial],
        ..walk30()
    };
    check(&commercial, WEDNESDAY, &["lc-sample-001"]);
    let either = Filters {
        functions: vec![ServiceFunction::Play, ServiceFunction::Health],
        ..walk30()
    };
    check(
        &either,
        WEDNESDAY,
        &["lc-sample-001", "lc-sample-002", "lc-sample-006"],
    );
}

#[test]
fn open_at_a_time_follows_the_holiday_calendar() {
    let elder_open = |t: &str| Filters {
        open: OpenAt::At(at(t)),
        ..only(ServiceFunction::ElderCare)
    };
    // 001's day care is Mo-Fr 08:00-17:30 with PH off; 006's post opens every day.
    check(
        &elder_open(WEDNESDAY),
        WEDNESDAY,
        &["lc-sample-001", "lc-sample-006"],
    );
    // An ordinary Sunday.
    check(
        &elder_open("2026-10-11T10:00"),
        WEDNESDAY,
        &["lc-sample-006"],
    );
    // National Day, a public holiday on a Thursday.
    check(
        &elder_open("2026-10-01T10:00"),
        WEDNESDAY,
        &["lc-sample-006"],
    );
    // Saturday 2026-10-10 is an adjusted working day: the day care opens.
    check(
        &elder_open("2026-10-10T10:00"),
        WEDNESDAY,
        &["lc-sample-001", "lc-sample-006"],
    );
    // After hours nobody is open.
    check(&elder_open("2026-10-14T21:00"), WEDNESDAY, &[]);
    // Past the calendar's years (2027 is not listed), the day care (with its
    // PH rule) is kept on an ordinary Monday, its hours to be confirmed,
    // rather than dropped as unknown; not on a Sunday, nor after hours.
    check(
        &elder_open("2027-01-04T10:00"),
        WEDNESDAY,
        &["lc-sample-001", "lc-sample-006"],
    );
    check(
        &elder_open("2027-01-10T10:00"),
        WEDNESDAY,
        &["lc-sample-006"],
    );
    check(&elder_open("2027-01-04T21:00"), WEDNESDAY, &[]);
    // 1 January is a day off by law, notice or not: the day care is closed.
    check(
        &elder_open("2027-01-01T10:00"),
        WEDNESDAY,
        &["lc-sample-006"],
    );
    // "Open now" is the same filter with the caller's clock.
    let now = "2026-10-11T10:00";
    check(&elder_open(now), now, &["lc-sample-006"]);
}

#[test]
fn free_places_ages_and_prices() {
    // 002's infant care has 4 of 40 places free; its after-school care none.
    let free = |f| Filters {
        free_places: true,
        ..only(f)
    };
    check(
        &free(ServiceFunction::InfantCare),
        WEDNESDAY,
        &["lc-sample-002"],
    );
    check(&free(ServiceFunction::ChildCare), WEDNESDAY, &[]);
    // 001 has 3 free elder-care beds.
    check(
        &free(ServiceFunction::ElderCare),
        WEDNESDAY,
        &["lc-sample-001"],
    );

    let age = |band| Filters {
        age: Some(band),
        ..walk30()
    };
    check(&age(AgeBand::Under3), WEDNESDAY, &["lc-sample-002"]);
    check(&age(AgeBand::From6To12), WEDNESDAY, &["lc-sample-002"]);
    check(&age(AgeBand::From12To18), WEDNESDAY, &[]);
    // 60 and over: 001's day care says so; 006's 养老驿站 (elder care) and
    // its canteen (a price for 80 and over) say no ages, but serve older
    // people.
    check(
        &age(AgeBand::Senior),
        WEDNESDAY,
        &["lc-sample-001", "lc-sample-006"],
    );
    let senior_meals = Filters {
        age: Some(AgeBand::Senior),
        ..only(ServiceFunction::Meals)
    };
    check(
        &senior_meals,
        WEDNESDAY,
        &["lc-sample-001", "lc-sample-006"],
    );

    // A canteen named for older people is theirs whatever its prices; one
    // with no such name and no price for them is for no particular age.
    let canteen = |name: &str| Service {
        function: ServiceFunction::Meals,
        category: Category::Affordable,
        name: Some(name.to_owned()),
        opening_hours: None,
        hours_text: None,
        prices: vec![Price {
            amount_yuan: 13.0,
            unit: PriceUnit::PerMeal,
            eligible: vec![Eligibility::LowIncome],
            note: None,
        }],
        capacity: None,
        ages: None,
        no_fixed_site: false,
    };
    let senior = Some(AgeRange {
        min_months: AgeBand::Senior.months().0,
        max_months: None,
    });
    assert_eq!(searched_ages(&canteen("长者食堂")), senior);
    assert_eq!(searched_ages(&canteen("老年餐桌")), senior);
    assert_eq!(searched_ages(&canteen("社区食堂")), None);

    // Meals: 001 at 18 yuan for anyone (15 for 80 and over, 12 for low
    // income), 006 at 15 (10 for 80 and over or living alone). A maximum
    // counts what anyone pays: the reduced prices are for some only.
    let meals_under = |max| Filters {
        max_price_yuan: Some(max),
        ..only(ServiceFunction::Meals)
    };
    check(
        &meals_under(18.0),
        WEDNESDAY,
        &["lc-sample-001", "lc-sample-006"],
    );
    check(&meals_under(16.0), WEDNESDAY, &["lc-sample-006"]);
    check(&meals_under(12.0), WEDNESDAY, &[]);
    // Infant care: 002 at 3,800, 2,400 a month or 60 an hour; a maximum
    // is in yuan a month, so 100 finds none, 2,400 finds 002.
    let infant_under = |max| Filters {
        max_price_yuan: Some(max),
        ..only(ServiceFunction::InfantCare)
    };
    check(&infant_under(100.0), WEDNESDAY, &[]);
    check(&infant_under(2400.0), WEDNESDAY, &["lc-sample-002"]);
}

#[test]
fn matches_carry_their_services_and_open_state() {
    let calendar =
        HolidayCalendar::from_json(include_str!("../../../public/data/holidays.json")).unwrap();
    let facilities = sample();
    let mut book = HoursBook::default();
    let hits = scan(
        &facilities,
        ORIGIN,
        &only(ServiceFunction::Meals),
        at("2026-10-14T12:00"),
        &calendar,
        &mut book,
    );
    let first = hits.get(0).expect("a meal nearby");
    let service = &facilities[first.index].services[first.services[0].service];
    assert_eq!(service.function, ServiceFunction::Meals);
    assert_eq!(first.services[0].status.state, State::Open);
    assert_eq!(
        first.services[0].status.next_change,
        Some((at("2026-10-14T13:00"), State::Closed))
    );
    assert_eq!(
        comparable_price_yuan(service),
        Some(18.0),
        "not 12, for low income only"
    );
    let walks: Vec<f64> = hits.iter().map(|h| h.walk_minutes).collect();
    assert!(walks.is_sorted(), "nearest first: {walks:?}");
    // 003's 助浴 has no opening_hours: its state is unknown, never guessed.
    let far = Filters {
        walk_minutes: 30,
        walking: WalkingModel {
            speed_m_per_min: 80.0,
            detour_factor: 1.3,
        },
        ..Filters::default()
    };
    let hits = scan(
        &facilities,
        ORIGIN,
        &far,
        at(WEDNESDAY),
        &calendar,
        &mut book,
    );
    let bath = hits
        .iter()
        .find(|h| facilities[h.index].id == "lc-sample-003")
        .and_then(|h| {
            h.services
                .iter()
                .find(|m| facilities[h.index].services[m.service].name.as_deref() == Some("助浴"))
        })
        .expect("003 is within a fast 30-minute walk");
    assert_eq!(bath.status.state, State::Unknown);
}

/// One book kept across searches, as the app keeps it for a loaded dataset,
/// answers every search exactly as a fresh book does: moving the time on,
/// back, and across a holiday and an adjusted working day never returns a
/// status remembered from another time.
#[test]
fn a_kept_book_answers_as_a_fresh_one() {
    let calendar =
        HolidayCalendar::from_json(include_str!("../../../public/data/holidays.json")).unwrap();
    let facilities = sample();
    let mut kept = HoursBook::default();
    let times = [
        "2026-10-14T12:00",
        "2026-10-14T12:59",
        "2026-10-14T13:00",
        "2026-10-01T10:00", // National Day holiday
        "2026-10-14T12:00", // back again
        "2026-10-10T09:00", // adjusted working Saturday
        "2026-10-11T09:00",
        "2026-10-14T23:30",
    ];
    let mut open_counts = Vec::new();
    for now in times {
        for open in [OpenAt::Any, OpenAt::At(at(now))] {
            let filters = Filters {
                walk_minutes: 30,
                open,
                ..Filters::default()
            };
            let fresh = scan(
                &facilities,
                ORIGIN,
                &filters,
                at(now),
                &calendar,
                &mut HoursBook::default(),
            );
            let reused = scan(&facilities, ORIGIN, &filters, at(now), &calendar, &mut kept);
            assert_eq!(reused, fresh, "{filters:?} at {now}");
            if open != OpenAt::Any {
                open_counts.push(fresh.len());
            }
        }
    }
    // The times were chosen so that "open now" does change between them;
    // otherwise a book stuck on its first answer could pass.
    open_counts.sort_unstable();
    open_counts.dedup();
    assert!(open_counts.len() > 1, "open counts {open_counts:?}");
}

/// One book used in turn with the indexes of two datasets, whose schedules
/// are numbered differently, answers each as a fresh book does: it never
/// reads one index's schedule number as the other's.
#[test]
fn a_book_shared_by_two_indexes_keeps_them_apart() {
    let calendar =
        HolidayCalendar::from_json(include_str!("../../../public/data/holidays.json")).unwrap();
    let first = sample();
    // The same sites with every schedule moved to the next service in
    // turn, so the distinct values are met in another order.
    let mut second = sample();
    let mut schedules: Vec<Option<String>> = second
        .iter()
        .flat_map(|f| f.services.iter().map(|s| s.opening_hours.clone()))
        .collect();
    schedules.rotate_left(1);
    let mut moved = schedules.into_iter();
    for s in second.iter_mut().flat_map(|f| f.services.iter_mut()) {
        s.opening_hours = moved.next().unwrap();
    }
    let indexes = [SpatialIndex::new(&first), SpatialIndex::new(&second)];
    let now = at("2026-10-14T12:00");
    let filters = Filters {
        walk_minutes: 30,
        open: OpenAt::At(now),
        ..Filters::default()
    };
    let mut shared = HoursBook::default();
    let mut answers = Vec::new();
    for round in 0..4 {
        let which = round % 2;
        let run = |book: &mut HoursBook| {
            find_near(&indexes[which], ORIGIN, &filters, now, &calendar, book)
        };
        let fresh = run(&mut HoursBook::default());
        assert_eq!(run(&mut shared), fresh, "dataset {which}, round {round}");
        answers.push(fresh);
    }
    assert_ne!(answers[0], answers[1], "the two datasets must differ");
}

/// A price for an age group is one every user pays when the service takes
/// no one younger: an elder-care service free for 60 and over passes any
/// maximum, while a canteen open to all keeps its 60-and-over price out of
/// the comparison, and a price for 80 and over stays a reduced one at a
/// service that takes 60 and over.
#[test]
fn an_age_groups_price_counts_where_the_service_takes_only_that_age() {
    let service = |json: &str| -> Service { serde_json::from_str(json).expect("a service") };
    let elder_free = service(
        r#"{"function": "elder_care", "category": "basic_public",
            "prices": [{"amount_yuan": 0, "unit": "per_day", "eligible": ["age_60_plus"]}]}"#,
    );
    assert_eq!(comparable_price_yuan(&elder_free), Some(0.0));
    let elder_80 = service(
        r#"{"function": "elder_care", "category": "affordable",
            "prices": [{"amount_yuan": 30, "unit": "per_day", "eligible": ["age_80_plus"]},
                       {"amount_yuan": 50, "unit": "per_day"}]}"#,
    );
    assert_eq!(
        comparable_price_yuan(&elder_80),
        Some(50.0),
        "not 30, for 80 and over only"
    );
    let only_80 = service(
        r#"{"function": "elder_care", "category": "affordable", "ages": {"min_months": 960},
            "prices": [{"amount_yuan": 30, "unit": "per_day", "eligible": ["age_80_plus"]}]}"#,
    );
    assert_eq!(
        comparable_price_yuan(&only_80),
        Some(30.0),
        "it takes 80 and over only"
    );
    let mixed = service(
        r#"{"function": "elder_care", "category": "affordable",
            "prices": [{"amount_yuan": 10, "unit": "per_day", "eligible": ["age_60_plus", "low_income"]}]}"#,
    );
    assert_eq!(
        comparable_price_yuan(&mixed),
        None,
        "low income is not an age"
    );
    let canteen = service(
        r#"{"function": "meals", "category": "affordable",
            "prices": [{"amount_yuan": 8, "unit": "per_meal", "eligible": ["age_60_plus"]},
                       {"amount_yuan": 15, "unit": "per_meal"}]}"#,
    );
    assert_eq!(
        comparable_price_yuan(&canteen),
        Some(15.0),
        "a canteen serves everyone"
    );
}
