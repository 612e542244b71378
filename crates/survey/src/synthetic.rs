//! Seeded synthetic answers, for benchmarks and load tests only: the same
//! run always makes the same answers, each valid by [`crate::validate`].
//! Nothing here is, or should be taken for, real survey data.

use linli_facilities::model::ServiceFunction;
use linli_facilities::places::Place;
use linli_facilities::seeded::SplitMix64;

use crate::questionnaire::{TIMES, WALK_MINUTES};
use crate::response::{CommunityRef, TimeNeed};
use crate::{Household, Need, PayAnswer, Response};

/// A valid answer, the `i`th of a run (its id is made from `i`), from one
/// of `places`: a quarter of the communities give most answers, as real
/// survey rounds are uneven.
///
/// # Panics
///
/// If `places` is empty.
pub fn response(rng: &mut SplitMix64, i: u64, places: &[Place]) -> Response {
    let n = places.len() as u64;
    let place = if rng.below(4) == 0 {
        &places[rng.below(n) as usize]
    } else {
        &places[rng.below(n / 4 + 1) as usize]
    };
    let mut needs = Vec::new();
    let mut pay = Vec::new();
    for priority in 1..=rng.below(3) as u8 + 1 {
        let function = ServiceFunction::ALL[rng.below(9) as usize];
        if needs.iter().any(|n: &Need| n.function == function) {
            continue;
        }
        needs.push(Need { function, priority });
        if rng.below(2) == 0 {
            pay.push(PayAnswer {
                function,
                band: rng.below(6) as u8,
            });
        }
    }
    let all_times = [
        TimeNeed::WeekdayDaytime,
        TimeNeed::WeekdayEvening,
        TimeNeed::Weekend,
        TimeNeed::SchoolHolidays,
    ];
    let mut times: Vec<TimeNeed> = (0..TIMES.len())
        .filter(|_| rng.below(2) == 0)
        .map(|t| all_times[t])
        .collect();
    if times.is_empty() {
        times.push(all_times[rng.below(4) as usize]);
    }
    let mut band = || rng.below(3) as u8;
    Response {
        id: format!("00000000-0000-4000-8000-{i:012x}"),
        questionnaire: 1,
        consent: true,
        community: CommunityRef {
            district_code: place.district_code.clone(),
            subdistrict: place.subdistrict.clone(),
            community: place.community.clone(),
        },
        household: Household {
            age_0_3: band() / 2,
            age_3_6: band() / 2,
            age_6_12: band() / 2,
            age_12_18: band() / 2,
            age_18_59: band() + 1,
            age_60_79: band(),
            age_80_plus: band() / 2,
        },
        needs,
        times,
        pay,
        walk_minutes: WALK_MINUTES[rng.below(5) as usize],
        comment: None,
    }
}

/// One community to draw answers from, for tests.
#[cfg(test)]
pub(crate) fn one_place() -> Place {
    Place {
        district_code: "110101".to_owned(),
        district_name: "东城区".to_owned(),
        subdistrict: "东四街道".to_owned(),
        community: "示例第1社区".to_owned(),
        lon: 116.417,
        lat: 39.929,
        facilities: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_answers_are_valid_and_repeatable() {
        let places = [one_place()];
        let (mut a, mut b) = (SplitMix64::new(7), SplitMix64::new(7));
        for i in 0..500 {
            let r = response(&mut a, i, &places);
            assert_eq!(crate::validate(&r), Ok(()), "{r:?}");
            assert_eq!(r, response(&mut b, i, &places));
        }
    }
}
