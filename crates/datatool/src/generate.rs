//! The deterministic sample dataset: invented facilities at plausible places
//! in Beijing's real sub-districts.
//!
//! The same seed, count and as-of date always give the same records. Every
//! record is labelled sample: names start with 【示例】, addresses say 示例地址,
//! operators are 【示例】运营机构NNN, and phone numbers start `010-0`, which no
//! Beijing line does, so none can reach a real person.

use chrono::{Duration, NaiveDate};
use linli_facilities::districts::{BEIJING, District};
use linli_facilities::geometry::LonLat;
use linli_facilities::model::{
    Accessibility, AgeRange, Capacity, CapacityKind, Category, Eligibility, Facility, Form, Name,
    OperatingModel, Price, PriceUnit, Service, ServiceFunction,
};
use linli_facilities::seeded::SplitMix64;
use serde::Deserialize;

/// Real sub-district names with approximate centres, per district.
const SUBDISTRICTS: &str = include_str!("../data/beijing-subdistricts.json");

#[derive(Deserialize)]
struct Anchors {
    districts: Vec<DistrictAnchors>,
}

#[derive(Deserialize)]
struct DistrictAnchors {
    code: String,
    anchors: Vec<Anchor>,
}

#[derive(Deserialize)]
struct Anchor {
    subdistrict: String,
    lon: f64,
    lat: f64,
}

/// Relative number of facilities per district, roughly following the
/// resident population: the big inner suburbs get the most.
fn weight(code: &str) -> u32 {
    match code {
        "110105" => 14,
        "110108" => 12,
        "110106" | "110114" => 9,
        "110115" => 8,
        "110112" => 7,
        "110102" | "110113" | "110111" => 5,
        "110101" => 4,
        "110107" => 3,
        _ => 2,
    }
}

/// The generator's draws for the sample: [`SplitMix64`] with the shapes
/// the generator needs.
#[derive(Debug, Clone)]
pub struct Rng(SplitMix64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(SplitMix64::new(seed))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        self.0.unit()
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// An integer in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.0.below(u64::from(hi - lo + 1)) as u32
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.0.below(items.len() as u64) as usize]
    }

    /// A normally distributed value (Box–Muller), mean 0 and deviation 1.
    pub fn normal(&mut self) -> f64 {
        let u = self.unit().max(f64::MIN_POSITIVE);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// Generates `count` sample facilities, as of `as_of` (the newest possible
/// last-verified and capacity dates).
pub fn generate(seed: u64, count: usize, as_of: NaiveDate) -> Vec<Facility> {
    let anchors: Anchors =
        serde_json::from_str(SUBDISTRICTS).expect("bundled sub-district data is valid");
    let districts: Vec<(&District, &DistrictAnchors)> = BEIJING
        .iter()
        .map(|d| {
            let a = anchors
                .districts
                .iter()
                .find(|a| a.code == d.code)
                .expect("anchors for every district");
            (d, a)
        })
        .collect();
    let total_weight: u32 = districts.iter().map(|(d, _)| weight(d.code)).sum();
    let mut rng = Rng::new(seed);
    let mut serial = vec![0u32; districts.len()];
    (0..count)
        .map(|_| {
            let mut ticket = rng.range(0, total_weight - 1);
            let slot = districts
                .iter()
                .position(|(d, _)| {
                    let w = weight(d.code);
                    if ticket < w {
                        true
                    } else {
                        ticket -= w;
                        false
                    }
                })
                .expect("ticket below total weight");
            serial[slot] += 1;
            let (district, anchors) = districts[slot];
            facility(&mut rng, district, anchors, serial[slot], as_of)
        })
        .collect()
}

fn facility(
    rng: &mut Rng,
    district: &District,
    anchors: &DistrictAnchors,
    n: u32,
    as_of: NaiveDate,
) -> Facility {
    let anchor = rng.pick(&anchors.anchors);
    // Scatter around the sub-district centre (about 700 m standard
    // deviation), to 5 decimal places: about 1 m, plenty for a walk.
    let position = loop {
        let dlat = rng.normal() * 0.0063;
        let dlon = rng.normal() * 0.0063 / anchor.lat.to_radians().cos();
        let p = LonLat::new(round5(anchor.lon + dlon), round5(anchor.lat + dlat));
        if district.contains(p) {
            break p;
        }
    };
    let pilot = rng.chance(0.35);
    let functions = functions(rng, pilot);
    let services: Vec<Service> = functions
        .iter()
        .flat_map(|&f| services_for(rng, f, as_of))
        .collect();
    let form = if pilot || functions.len() >= 4 {
        Form::Complex
    } else {
        Form::Scattered
    };
    let community_no = rng.range(1, 24);
    let (kind_zh, kind_en) = title(&functions);
    Facility {
        id: format!("{}-{n:05}", district.code),
        version: rng.range(1, 3),
        name: Name {
            zh: format!("【示例】{}{kind_zh}{n}号", anchor.subdistrict),
            en: Some(format!("Sample {kind_en} {n}, {}", district.name_en)),
        },
        district_code: district.code.to_owned(),
        district_name: district.name_zh.to_owned(),
        subdistrict: anchor.subdistrict.clone(),
        community: format!("示例第{community_no}社区"),
        address: format!(
            "{}{}示例路{}号（示例地址）",
            district.name_zh,
            anchor.subdistrict,
            rng.range(1, 199)
        ),
        position,
        form,
        // Operators run several sites in a district, as chains do.
        operator: format!(
            "【示例】{}运营机构{:02}",
            district.name_zh.trim_end_matches('区'),
            rng.range(1, 12)
        ),
        operating_model: *rng.pick(&[
            OperatingModel::PublicBuiltPrivateRun,
            OperatingModel::PublicBuiltPrivateRun,
            OperatingModel::PrivateRunPublicAided,
            OperatingModel::GovernmentPurchase,
            OperatingModel::PublicRun,
            OperatingModel::PrivateRun,
        ]),
        phone: Some(format!(
            "010-0{:03}{:04}",
            rng.range(0, 999),
            rng.range(0, 9999)
        )),
        accessibility: accessibility(rng),
        // Districts check their lists in rounds, so dates cluster.
        last_verified: as_of
            - Duration::days((*rng.pick(&[0, 14, 45, 90, 180, 300]) + rng.range(0, 2)).into()),
        pilot,
        services,
    }
}

fn round5(x: f64) -> f64 {
    (x * 1e5).round() / 1e5
}

/// The functions of one site. Pilot sites follow 第八条: at least three
/// functions, two of them among elder care, infant care, child care and
/// meals, including elder care or infant care.
fn functions(rng: &mut Rng, pilot: bool) -> Vec<ServiceFunction> {
    use ServiceFunction::*;
    let mut chosen: Vec<ServiceFunction> = Vec::new();
    if pilot {
        if rng.chance(0.8) {
            chosen.push(ElderCare);
            chosen.push(if rng.chance(0.85) { Meals } else { InfantCare });
        } else {
            chosen.push(InfantCare);
            chosen.push(if rng.chance(0.6) { ChildCare } else { Meals });
        }
        for (f, p) in [
            (Health, 0.6),
            (InfantCare, 0.25),
            (ChildCare, 0.2),
            (Culture, 0.35),
            (Sports, 0.3),
            (Housekeeping, 0.3),
            (Play, 0.25),
        ] {
            if !chosen.contains(&f) && rng.chance(p) {
                chosen.push(f);
            }
        }
        if chosen.len() < 3 {
            chosen.push(if chosen.contains(&Health) {
                Culture
            } else {
                Health
            });
        }
    } else {
        for (f, p) in [
            (ElderCare, 0.7),
            (Meals, 0.65),
            (InfantCare, 0.12),
            (ChildCare, 0.12),
            (Health, 0.35),
            (Housekeeping, 0.25),
            (Sports, 0.15),
            (Culture, 0.15),
            (Play, 0.1),
        ] {
            if rng.chance(p) {
                chosen.push(f);
            }
        }
        if chosen.is_empty() {
            chosen.push(*rng.pick(&[ElderCare, Meals, Health]));
        }
    }
    chosen.sort();
    chosen
}

/// The kind of site, in Chinese and English, from what it offers.
fn title(functions: &[ServiceFunction]) -> (&'static str, &'static str) {
    use ServiceFunction::*;
    let has = |f| functions.contains(&f);
    if functions.len() >= 4 {
        ("社区嵌入式服务中心", "Community Service Centre")
    } else if has(ElderCare) && has(Meals) {
        ("养老助餐驿站", "Elder Care and Meals Post")
    } else if has(InfantCare) {
        ("托育服务点", "Infant Care Point")
    } else if has(ChildCare) {
        ("儿童托管站", "After-School Care Station")
    } else if has(ElderCare) {
        ("养老服务驿站", "Elder Care Post")
    } else if has(Meals) {
        ("社区食堂", "Community Canteen")
    } else {
        ("便民服务站", "Convenience Service Station")
    }
}

fn accessibility(rng: &mut Rng) -> Vec<Accessibility> {
    use Accessibility::*;
    [
        (StepFreeEntrance, 0.8),
        (Lift, 0.35),
        (AccessibleToilet, 0.55),
        (Handrails, 0.5),
        (WheelchairLoan, 0.25),
        (AccessibleParking, 0.15),
        (TactilePaving, 0.3),
        (HearingLoop, 0.05),
    ]
    .into_iter()
    .filter(|&(_, p)| rng.chance(p))
    .map(|(a, _)| a)
    .collect()
}

/// 普惠 with probability `p_affordable`, otherwise commercial.
fn affordable_or_commercial(rng: &mut Rng, p_affordable: f64) -> Category {
    if rng.chance(p_affordable) {
        Category::Affordable
    } else {
        Category::Commercial
    }
}

fn price(amount_yuan: u32, unit: PriceUnit, eligible: &[Eligibility], note: Option<&str>) -> Price {
    Price {
        amount_yuan: f64::from(amount_yuan),
        unit,
        eligible: eligible.to_vec(),
        note: note.map(str::to_owned),
    }
}

fn capacity(rng: &mut Rng, kind: CapacityKind, total: (u32, u32), as_of: NaiveDate) -> Capacity {
    let total = rng.range(total.0, total.1);
    let available = if rng.chance(0.3) {
        0
    } else {
        rng.range(0, total / 3)
    };
    // Sites report free places weekly; most reports are recent, some are
    // months old and should look stale.
    let age = 7 * if rng.chance(0.8) {
        rng.range(0, 4)
    } else {
        rng.range(5, 25)
    };
    Capacity {
        kind,
        available,
        total,
        updated: as_of - Duration::days(age.into()),
    }
}

/// One function's services, with hours, prices, capacity and ages.
fn services_for(rng: &mut Rng, function: ServiceFunction, as_of: NaiveDate) -> Vec<Service> {
    use ServiceFunction::*;
    let base = |category, name: Option<&str>, hours: Option<(&str, Option<&str>)>| Service {
        function,
        category,
        name: name.map(str::to_owned),
        opening_hours: hours.map(|(oh, _)| oh.to_owned()),
        hours_text: hours.and_then(|(_, text)| text.map(str::to_owned)),
        prices: Vec::new(),
        capacity: None,
        ages: None,
        no_fixed_site: false,
    };
    // About one service in twelve has no usable hours in the source list.
    let unknown_hours = rng.chance(0.08);
    let hours = |rng: &mut Rng, options: &[(&'static str, Option<&'static str>)]| {
        if unknown_hours {
            None
        } else {
            Some(*rng.pick(options))
        }
    };
    let mut out = Vec::new();
    match function {
        ElderCare => {
            let (name, oh, cat) = *rng.pick(&[
                (
                    "日间照料",
                    (
                        "Mo-Fr 08:00-17:30; PH off",
                        Some("周一至周五 8:00-17:30；法定节假日休息"),
                    ),
                    Category::Affordable,
                ),
                (
                    "养老驿站",
                    ("Mo-Su 08:00-18:00", Some("每天 8:00-18:00")),
                    Category::BasicPublic,
                ),
                ("短期托养", ("24/7", Some("24小时")), Category::Affordable),
                (
                    "康复护理",
                    ("Mo-Fr 08:30-11:30,13:30-17:00; PH off", None),
                    Category::Affordable,
                ),
                (
                    "辅具租赁",
                    ("Mo-Sa 09:00-17:00; PH off", None),
                    Category::Commercial,
                ),
            ]);
            let mut s = base(cat, Some(name), if unknown_hours { None } else { Some(oh) });
            s.ages = Some(AgeRange {
                min_months: 60 * 12,
                max_months: None,
            });
            s.prices = match (cat, name) {
                (Category::BasicPublic, _) => vec![price(
                    0,
                    PriceUnit::PerSession,
                    &[Eligibility::Age60Plus],
                    Some("健康咨询、文娱活动"),
                )],
                (_, "短期托养") => {
                    vec![price(rng.range(150, 320), PriceUnit::PerDay, &[], None)]
                }
                (_, "辅具租赁") => vec![price(
                    rng.range(3, 15),
                    PriceUnit::PerDay,
                    &[],
                    Some("轮椅租赁"),
                )],
                _ => {
                    let day = rng.range(60, 160);
                    vec![
                        price(day, PriceUnit::PerDay, &[], None),
                        price(
                            day * 7 / 10,
                            PriceUnit::PerDay,
                            &[Eligibility::LowIncome],
                            None,
                        ),
                    ]
                }
            };
            if matches!(name, "日间照料" | "短期托养") {
                s.capacity = Some(capacity(rng, CapacityKind::ElderBeds, (8, 40), as_of));
            }
            out.push(s);
            if rng.chance(0.2) {
                let mut bath = base(Category::Affordable, Some("助浴"), None);
                bath.hours_text = Some("预约制，请电话联系".to_owned());
                bath.prices = vec![price(rng.range(40, 80), PriceUnit::PerSession, &[], None)];
                out.push(bath);
            }
        }
        Meals => {
            let cat = affordable_or_commercial(rng, 0.8);
            let mut s = base(
                cat,
                Some("长者食堂"),
                hours(
                    rng,
                    &[
                        (
                            "Mo-Fr 11:00-13:00; PH off",
                            Some("周一至周五 11:00-13:00；节假日休息"),
                        ),
                        (
                            "Mo-Su 10:30-13:00,16:30-18:30",
                            Some("每天 10:30-13:00，16:30-18:30"),
                        ),
                        ("Mo-Sa 11:00-13:30", None),
                    ],
                ),
            );
            let meal = if cat == Category::Commercial {
                rng.range(18, 25)
            } else {
                rng.range(10, 20)
            };
            s.prices
                .push(price(meal, PriceUnit::PerMeal, &[], Some("一荤两素")));
            if rng.chance(0.7) {
                s.prices.push(price(
                    meal - rng.range(2, 5).min(meal - 5),
                    PriceUnit::PerMeal,
                    &[Eligibility::Age80Plus],
                    None,
                ));
            }
            if rng.chance(0.3) {
                s.prices.push(price(
                    meal / 2,
                    PriceUnit::PerMeal,
                    &[Eligibility::LowIncome, Eligibility::Disabled],
                    None,
                ));
            }
            out.push(s);
            if rng.chance(0.15) {
                let mut delivery = base(cat, Some("助餐送餐上门"), None);
                delivery.no_fixed_site = true;
                delivery.opening_hours = Some("Mo-Fr 10:30-12:30; PH off".to_owned());
                delivery.prices = vec![price(
                    meal + rng.range(3, 6),
                    PriceUnit::PerMeal,
                    &[],
                    Some("含配送费"),
                )];
                out.push(delivery);
            }
        }
        InfantCare => {
            let cat = affordable_or_commercial(rng, 0.7);
            let mut s = base(
                cat,
                Some("托育"),
                hours(
                    rng,
                    &[
                        (
                            "Mo-Fr 07:30-18:00; PH off",
                            Some("周一至周五 7:30-18:00；法定节假日休息"),
                        ),
                        ("Mo-Fr 08:00-17:30; PH off", None),
                    ],
                ),
            );
            let full = if cat == Category::Affordable {
                rng.range(25, 45) * 100
            } else {
                rng.range(50, 85) * 100
            };
            s.prices
                .push(price(full, PriceUnit::PerMonth, &[], Some("全日托")));
            if rng.chance(0.6) {
                s.prices.push(price(
                    full * 6 / 10 / 100 * 100,
                    PriceUnit::PerMonth,
                    &[],
                    Some("半日托"),
                ));
            }
            if rng.chance(0.5) {
                s.prices.push(price(
                    rng.range(4, 8) * 10,
                    PriceUnit::PerHour,
                    &[],
                    Some("计时托"),
                ));
            }
            s.capacity = Some(capacity(
                rng,
                CapacityKind::ChildcarePlaces,
                (15, 60),
                as_of,
            ));
            s.ages = Some(AgeRange {
                min_months: *rng.pick(&[6, 12, 18, 24]),
                max_months: Some(36),
            });
            out.push(s);
        }
        ChildCare => {
            let cat = affordable_or_commercial(rng, 0.7);
            let mut s = base(
                cat,
                Some("课后托管"),
                hours(
                    rng,
                    &[
                        (
                            "Mo-Fr 15:30-18:30; PH off",
                            Some("周一至周五 15:30-18:30；法定节假日休息"),
                        ),
                        ("Mo-Fr 16:00-19:00; Sa 09:00-17:00; PH off", None),
                    ],
                ),
            );
            s.prices.push(price(
                rng.range(8, 20) * 100,
                PriceUnit::PerMonth,
                &[],
                None,
            ));
            s.capacity = Some(capacity(
                rng,
                CapacityKind::ChildcarePlaces,
                (20, 50),
                as_of,
            ));
            s.ages = Some(*rng.pick(&[
                AgeRange {
                    min_months: 36,
                    max_months: Some(72),
                },
                AgeRange {
                    min_months: 72,
                    max_months: Some(144),
                },
                AgeRange {
                    min_months: 72,
                    max_months: Some(216),
                },
            ]));
            out.push(s);
        }
        Housekeeping => {
            let mut s = base(
                if rng.chance(0.8) {
                    Category::Commercial
                } else {
                    Category::Affordable
                },
                Some("家政服务"),
                hours(
                    rng,
                    &[("Mo-Su 08:00-18:00", None), ("Mo-Sa 08:30-17:30", None)],
                ),
            );
            s.prices
                .push(price(rng.range(40, 70), PriceUnit::PerHour, &[], None));
            out.push(s);
        }
        Health => {
            if rng.chance(0.3) {
                out.push(base(
                    Category::BasicPublic,
                    Some("24小时自助药柜"),
                    Some(("24/7", Some("24小时"))),
                ));
            }
            let mut s = base(
                Category::BasicPublic,
                Some("家庭医生签约服务"),
                hours(
                    rng,
                    &[
                        (
                            "Mo-Fr 08:00-11:30,13:30-17:00; PH off",
                            Some("周一至周五 8:00-11:30, 13:30-17:00；法定节假日休息"),
                        ),
                        ("Mo-Sa 08:00-12:00; PH off", None),
                    ],
                ),
            );
            s.prices
                .push(price(0, PriceUnit::PerSession, &[], Some("签约居民")));
            out.push(s);
        }
        Sports => {
            let free = rng.chance(0.6);
            let mut s = base(
                if free {
                    Category::BasicPublic
                } else {
                    Category::Commercial
                },
                Some("健身室"),
                hours(
                    rng,
                    &[("Mo-Su 06:00-21:00", None), ("Mo-Su 07:00-22:00", None)],
                ),
            );
            s.prices.push(if free {
                price(0, PriceUnit::PerSession, &[], None)
            } else {
                price(rng.range(10, 40), PriceUnit::PerSession, &[], None)
            });
            out.push(s);
        }
        Culture => {
            let free = rng.chance(0.7);
            let mut s = base(
                if free {
                    Category::BasicPublic
                } else {
                    Category::Commercial
                },
                Some("文化活动室"),
                hours(
                    rng,
                    &[
                        (
                            "Tu-Su 09:00-17:00; PH off",
                            Some("周二至周日 9:00-17:00；周一闭馆；节假日休息"),
                        ),
                        ("Mo-Su 09:00-20:00", None),
                    ],
                ),
            );
            if !free {
                s.prices.push(price(
                    rng.range(20, 60),
                    PriceUnit::PerSession,
                    &[],
                    Some("兴趣课程"),
                ));
            }
            out.push(s);
        }
        Play => {
            out.push(base(
                Category::BasicPublic,
                Some("儿童游戏区"),
                hours(
                    rng,
                    &[("Mo-Su 07:00-20:00", None), ("Mo-Su 08:00-19:00", None)],
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use linli_facilities::dataset::pilot_rule_breach;

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn same_seed_same_data_and_different_seed_different_data() {
        assert_eq!(generate(7, 50, as_of()), generate(7, 50, as_of()));
        assert_ne!(generate(7, 50, as_of()), generate(8, 50, as_of()));
    }

    #[test]
    fn mix_is_realistic_and_pilots_obey_article_8() {
        let all = generate(2026, 3000, as_of());
        let share = |f: ServiceFunction| {
            all.iter().filter(|x| x.offers(f)).count() as f64 / all.len() as f64
        };
        assert!(
            share(ServiceFunction::ElderCare) > 0.6,
            "most sites offer elder care"
        );
        assert!(
            share(ServiceFunction::Meals) > 0.5,
            "most sites offer meals"
        );
        assert!(
            share(ServiceFunction::InfantCare) < 0.3,
            "fewer offer infant care"
        );
        for f in all.iter().filter(|f| f.pilot) {
            assert_eq!(pilot_rule_breach(&f.functions()), None, "{}", f.id);
        }
        for code in BEIJING.iter().map(|d| d.code) {
            assert!(
                all.iter().any(|f| f.district_code == code),
                "no facility in {code}"
            );
        }
        let meal_prices: Vec<f64> = all
            .iter()
            .flat_map(|f| &f.services)
            .filter(|s| s.function == ServiceFunction::Meals && !s.no_fixed_site)
            .flat_map(|s| {
                s.prices
                    .iter()
                    .filter(|p| p.eligible.is_empty())
                    .map(|p| p.amount_yuan)
            })
            .collect();
        assert!(
            meal_prices.iter().all(|&p| (10.0..=25.0).contains(&p)),
            "meals cost ¥10–25"
        );
        let unknown = all
            .iter()
            .flat_map(|f| &f.services)
            .filter(|s| s.opening_hours.is_none())
            .count();
        assert!(unknown > 0, "some services have unknown hours");
    }
}
