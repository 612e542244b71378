//! The search file gives the finder exactly what the parsed shards give,
//! points at each record's Feature, and refuses damaged files with the
//! byte at fault.

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use linli_facilities::calendar::HolidayCalendar;
use linli_facilities::dataset::{parse_feature_collection, read_record};
use linli_facilities::finder::{
    AgeBand, Filters, HoursBook, Matches, OpenAt, ServiceMatch, find_near,
};
use linli_facilities::geometry::{LonLat, WalkingModel};
use linli_facilities::index::SpatialIndex;
use linli_facilities::manifest::Manifest;
use linli_facilities::model::{Category, Facility, ServiceFunction};
use linli_facilities::search_file::{self, ShardKeys, decode, encode};
use linli_facilities::seeded::SplitMix64;

const SAMPLE: &str = include_str!("fixtures/sample.geojson");
const HASH: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

fn calendar() -> HolidayCalendar {
    HolidayCalendar::from_json(include_str!("../../../public/data/holidays.json")).unwrap()
}

/// The published sample's shards, as text, in the manifest's order.
fn published() -> Vec<(String, String)> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/data");
    let manifest =
        Manifest::from_json(&std::fs::read_to_string(data.join("manifest.json")).unwrap()).unwrap();
    manifest
        .districts
        .iter()
        .map(|d| {
            let text = std::fs::read_to_string(data.join(&d.file)).unwrap();
            (d.sha256.clone(), text)
        })
        .collect()
}

/// Every kind of filter, from seeded origins around Beijing's centre.
fn queries(count: usize) -> Vec<(LonLat, Filters)> {
    let mut rng = SplitMix64::new(11);
    (0..count)
        .map(|q| {
            let origin = LonLat::new(116.25 + 0.3 * rng.unit(), 39.80 + 0.25 * rng.unit());
            let function = ServiceFunction::ALL[rng.below(9) as usize];
            let filters = Filters {
                functions: match q % 4 {
                    0 => vec![],
                    _ => vec![function],
                },
                categories: match q % 5 {
                    0 => vec![Category::Affordable],
                    1 => vec![Category::BasicPublic, Category::Commercial],
                    _ => vec![],
                },
                walk_minutes: [5, 10, 15, 20, 30][q % 5],
                walking: if q % 2 == 0 {
                    WalkingModel::STANDARD
                } else {
                    WalkingModel::SENIOR
                },
                open: if q % 3 == 0 {
                    OpenAt::At(at(8 + q as u32 % 12))
                } else {
                    OpenAt::Any
                },
                free_places: q % 7 == 0,
                age: match q % 6 {
                    0 => Some(AgeBand::Under3),
                    1 => Some(AgeBand::Senior),
                    2 => Some(AgeBand::From6To12),
                    _ => None,
                },
                max_price_yuan: (q % 8 == 0).then_some(20.0),
            };
            (origin, filters)
        })
        .collect()
}

/// Wednesday 14 October 2026 at `hour`:00.
fn at(hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 10, 14)
        .unwrap()
        .and_hms_opt(hour, 0, 0)
        .unwrap()
}

#[test]
fn the_published_search_files_find_what_the_parsed_shards_find() {
    let calendar = calendar();
    let shards = published();
    let mut facilities: Vec<Facility> = Vec::new();
    let mut files: Vec<ShardKeys> = Vec::new();
    for (sha256, text) in &shards {
        let parsed = parse_feature_collection(text).unwrap();
        let file = decode(&encode(text, sha256).unwrap()).unwrap();
        assert_eq!(&file.shard_sha256, sha256);
        assert_eq!(file.shard_bytes, text.len() as u64);
        assert_eq!(file.sample, parsed.sample);
        assert_eq!(file.skipped as usize, parsed.skipped());
        assert_eq!(file.len(), parsed.facilities.len());
        // Each span holds its facility's Feature, in the grid's order.
        let mut ids: Vec<&str> = Vec::new();
        for (i, span) in file.spans.iter().enumerate() {
            let feature = &text[span.start as usize..(span.start + span.len) as usize];
            let f = read_record(feature).unwrap();
            assert_eq!(file.id(i), f.id);
            assert!(parsed.facilities.contains(&f), "record {i}");
            ids.push(file.id(i));
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), parsed.facilities.len(), "every record once");
        facilities.extend(parsed.facilities);
        files.push(file);
    }
    assert!(facilities.len() > 1_000, "the sample is published");
    let from_files = search_file::index(&mut files);
    let from_records = SpatialIndex::new(&facilities);
    assert_eq!(from_files.len(), facilities.len());
    let mut found = 0;
    for (q, (origin, filters)) in queries(400).into_iter().enumerate() {
        let run = |index: &SpatialIndex| {
            find_near(
                index,
                origin,
                &filters,
                at(10),
                &calendar,
                &mut HoursBook::default(),
            )
        };
        // Facilities are numbered in each file's order: compare by id.
        let want = listed(&from_records, &run(&from_records));
        assert_eq!(
            listed(&from_files, &run(&from_files)),
            want,
            "query {q}: {filters:?} from {origin:?}"
        );
        found += want.len();
    }
    assert!(found > 200, "the queries find facilities ({found})");
    // Every record is what the keys say of the facility with its id.
    let keys = from_files.keys();
    for f in &facilities {
        let i = keys.index_of(&f.id).unwrap();
        assert_eq!(keys.id(i), f.id);
        assert!(keys.describes(i, f), "{}", f.id);
    }
}

/// What a search found, by id: distance, walk and services.
fn listed(index: &SpatialIndex, found: &Matches) -> Vec<(String, u64, u64, Vec<ServiceMatch>)> {
    found
        .iter()
        .map(|hit| {
            (
                index.keys().id(hit.index).to_owned(),
                hit.distance_m.to_bits(),
                hit.walk_minutes.to_bits(),
                hit.services.to_vec(),
            )
        })
        .collect()
}

#[test]
fn a_record_that_differs_from_its_keys_is_not_described() {
    let facilities = parse_feature_collection(SAMPLE).unwrap().facilities;
    let mut files = [decode(&encode(SAMPLE, HASH).unwrap()).unwrap()];
    let index = search_file::index(&mut files);
    let keys = index.keys();
    let f = facilities
        .iter()
        .find(|f| {
            f.services
                .iter()
                .any(|s| s.capacity.as_ref().is_some_and(|c| c.available > 0))
        })
        .unwrap();
    let i = keys.index_of(&f.id).unwrap();
    assert!(keys.describes(i, f));
    assert!(
        !keys.describes((i + 1) % facilities.len(), f),
        "another facility's record"
    );
    assert!(!keys.describes(facilities.len(), f), "past the end");
    let changed = |change: &dyn Fn(&mut Facility)| {
        let mut g = f.clone();
        change(&mut g);
        keys.describes(i, &g)
    };
    assert!(
        changed(&|g| g.name.zh.push('站')),
        "what the search does not read may change"
    );
    assert!(!changed(&|g| g.id.push('x')));
    assert!(!changed(&|g| g.position.lon += 1e-9));
    assert!(!changed(&|g| {
        g.services.pop();
    }));
    assert!(!changed(&|g| {
        for c in g.services.iter_mut().filter_map(|s| s.capacity.as_mut()) {
            c.available = 0;
        }
    }));
    assert!(!changed(
        &|g| g.services[0].opening_hours = Some("Mo-Su 00:00-24:00".into())
    ));
    assert!(!changed(
        &|g| g.services[0].category = match g.services[0].category {
            Category::Commercial => Category::Affordable,
            _ => Category::Commercial,
        }
    ));
}

#[test]
fn records_with_errors_are_counted_and_left_out() {
    let mut lines: Vec<String> = SAMPLE.lines().map(str::to_owned).collect();
    let feature = lines
        .iter()
        .position(|l| l.contains("\"lc-sample-002\""))
        .unwrap();
    lines[feature] = lines[feature].replace("\"Point\"", "\"Polygon\"");
    let text = lines.join("\n");
    let parsed = parse_feature_collection(&text).unwrap();
    assert_eq!(parsed.skipped(), 1);
    let file = decode(&encode(&text, HASH).unwrap()).unwrap();
    assert_eq!(file.skipped, 1);
    assert_eq!(file.len(), parsed.facilities.len());
    assert!((0..file.len()).all(|i| file.id(i) != "lc-sample-002"));
    for (i, span) in file.spans.iter().enumerate() {
        let feature = &text[span.start as usize..(span.start + span.len) as usize];
        let f = read_record(feature).unwrap();
        assert_eq!(f.id, file.id(i));
        assert!(parsed.facilities.contains(&f));
    }
    // The skipped record, read on its own, says what is wrong.
    let bad = text.lines().nth(feature).unwrap().trim_end_matches(',');
    let problems = read_record(bad).unwrap_err();
    assert_eq!(problems[0].field, "geometry.type");
}

#[test]
fn a_byte_order_mark_moves_the_spans_with_it() {
    let text = format!("\u{feff}{SAMPLE}");
    let file = decode(&encode(&text, HASH).unwrap()).unwrap();
    let span = file.spans[0];
    let feature = &text[span.start as usize..(span.start + span.len) as usize];
    assert_eq!(read_record(feature).unwrap().id, file.id(0));
}

#[test]
fn a_shard_that_is_not_a_collection_is_refused() {
    assert!(encode("{\"type\":\"Feature\"}", HASH).is_err());
}

#[test]
fn damaged_files_are_refused_with_the_byte_at_fault() {
    let bytes = encode(SAMPLE, HASH).unwrap();
    decode(&bytes).unwrap();
    // Cut anywhere: an error, never a panic, and never a shorter file read
    // as whole.
    for len in 0..bytes.len() {
        let error = decode(&bytes[..len]).unwrap_err();
        assert!(error.byte <= len, "cut at {len}: {error}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    let error = decode(&longer).unwrap_err();
    assert_eq!(error.byte, bytes.len());
    assert!(error.message.contains("after the last schedule"), "{error}");

    let mut other = bytes.clone();
    other[0] = b'X';
    let error = decode(&other).unwrap_err();
    assert_eq!(
        (error.byte, error.to_string().contains("LNLSRCH3")),
        (0, true)
    );

    // The header: facilities, services, schedules, skipped, bytes of ids.
    let count = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    let header = 8 + 64 + 8 + 1;
    let (n, ids) = (count(header), count(header + 16));
    let first_service = header + 20 + n * (16 + 8 + 4 + 4) + ids;
    let mut bad_function = bytes.clone();
    bad_function[first_service] = 9;
    let error = decode(&bad_function).unwrap_err();
    assert_eq!(error.byte, first_service);
    assert!(error.message.contains("service 0: function 9"), "{error}");

    let mut bad_category = bytes.clone();
    bad_category[first_service + 1] = 3;
    assert_eq!(decode(&bad_category).unwrap_err().byte, first_service + 1);

    let mut off_the_globe = bytes.clone();
    off_the_globe[header + 20..header + 28].copy_from_slice(&200.0f64.to_le_bytes());
    let error = decode(&off_the_globe).unwrap_err();
    assert!(
        error.message.contains("facility 0: position 200"),
        "{error}"
    );

    let mut past_the_shard = bytes.clone();
    let spans = header + 20 + n * 16;
    past_the_shard[spans..spans + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let error = decode(&past_the_shard).unwrap_err();
    assert_eq!(error.byte, spans);
    assert!(error.message.contains("ends past the shard"), "{error}");

    let mut past_the_schedules = bytes.clone();
    let h = count(header + 8);
    past_the_schedules[first_service + 19..first_service + 23]
        .copy_from_slice(&(h as u32).to_le_bytes());
    let error = decode(&past_the_schedules).unwrap_err();
    assert_eq!(error.byte, first_service + 19);
    assert!(error.message.contains("service 0: schedule"), "{error}");

    let mut not_a_price = bytes.clone();
    not_a_price[first_service + 2] |= 8;
    not_a_price[first_service + 11..first_service + 19].copy_from_slice(&f64::NAN.to_le_bytes());
    let error = decode(&not_a_price).unwrap_err();
    assert_eq!(error.byte, first_service + 11);

    let mut too_many = bytes.clone();
    too_many[header..header + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(decode(&too_many).is_err());
}

#[test]
fn no_damaged_byte_makes_the_reader_panic() {
    let bytes = encode(SAMPLE, HASH).unwrap();
    for at in 0..bytes.len() {
        for flip in [0x01, 0x80, 0xff] {
            let mut damaged = bytes.clone();
            damaged[at] ^= flip;
            if let Ok(file) = decode(&damaged) {
                // Whatever still reads is indexable.
                let mut files = [file];
                search_file::index(&mut files);
            }
        }
    }
}
