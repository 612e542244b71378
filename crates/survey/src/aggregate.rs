//! Demand per community, summed from survey responses: the counts the
//! district research (issue 6) sets against supply. Plain counts only;
//! disclosure control (suppressing small cells) is applied on top before
//! anything is published.

use std::collections::BTreeMap;

use linli_facilities::model::ServiceFunction;
use serde::Serialize;

use crate::questionnaire::{PAY_BANDS, WALK_MINUTES};
use crate::response::{Household, Need, PayAnswer, Response, TimeNeed};

/// Where a group of responses lives: district code, sub-district,
/// community.
pub type CommunityKey = (String, String, String);

/// The demand of one group of respondents (a community or a sub-district).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Demand {
    /// Respondents (one response per household).
    pub respondents: u32,
    /// Households with at least one member in each age band, in the
    /// questionnaire's band order.
    pub households_with_band: [u32; 7],
    /// Households needing each function, by priority 1, 2 and 3, in
    /// [`ServiceFunction::ALL`] order.
    pub needs: [[u32; 3]; 9],
    /// Households needing services at each time: weekday daytime, weekday
    /// evenings, weekends, school holidays.
    pub times: [u32; 4],
    /// For each function, households per pay band (0 to 5).
    pub pay: [[u32; PAY_BANDS as usize]; 9],
    /// Households per acceptable walk, in [`WALK_MINUTES`] order.
    pub walk: [u32; 5],
}

impl Demand {
    /// Adds one response.
    pub fn add(&mut self, r: &Response) {
        self.add_answers(&r.household, &r.needs, &r.times, &r.pay, r.walk_minutes);
    }

    /// Adds one response's answers.
    pub fn add_answers(
        &mut self,
        household: &Household,
        needs: &[Need],
        times: &[TimeNeed],
        pay: &[PayAnswer],
        walk_minutes: u8,
    ) {
        self.respondents += 1;
        for (slot, n) in self.households_with_band.iter_mut().zip(household.counts()) {
            *slot += u32::from(n > 0);
        }
        for need in needs {
            if let Some(f) = function_index(need.function) {
                let p = usize::from(need.priority.clamp(1, 3)) - 1;
                self.needs[f][p] += 1;
            }
        }
        for t in times {
            let i = match t {
                TimeNeed::WeekdayDaytime => 0,
                TimeNeed::WeekdayEvening => 1,
                TimeNeed::Weekend => 2,
                TimeNeed::SchoolHolidays => 3,
            };
            self.times[i] += 1;
        }
        for p in pay {
            let slot =
                function_index(p.function).and_then(|f| self.pay[f].get_mut(usize::from(p.band)));
            if let Some(slot) = slot {
                *slot += 1;
            }
        }
        if let Some(i) = WALK_MINUTES.iter().position(|&m| m == walk_minutes) {
            self.walk[i] += 1;
        }
    }

    /// Adds one response given by its [`tally`].
    pub fn add_tally(&mut self, code: u64) {
        self.respondents += 1;
        let bits = |shift: u32, width: u32| ((code >> shift) & ((1 << width) - 1)) as usize;
        for (band, slot) in self.households_with_band.iter_mut().enumerate() {
            *slot += bits(TALLY_BANDS + band as u32, 1) as u32;
        }
        for f in 0..9 {
            let priority = bits(TALLY_NEEDS + 2 * f as u32, 2);
            if priority > 0 {
                self.needs[f][priority - 1] += 1;
            }
            let band = bits(TALLY_PAY + 3 * f as u32, 3);
            if let Some(slot) = band.checked_sub(1).and_then(|b| self.pay[f].get_mut(b)) {
                *slot += 1;
            }
        }
        for (t, slot) in self.times.iter_mut().enumerate() {
            *slot += bits(TALLY_TIMES + t as u32, 1) as u32;
        }
        if let Some(slot) = self.walk.get_mut(bits(TALLY_WALK, 3)) {
            *slot += 1;
        }
    }

    /// Households needing `function` at any priority.
    pub fn needing(&self, function: ServiceFunction) -> u32 {
        function_index(function).map_or(0, |f| self.needs[f].iter().sum())
    }

    /// The median acceptable walk, in minutes; `None` without respondents.
    pub fn median_walk_minutes(&self) -> Option<u8> {
        let total: u32 = self.walk.iter().sum();
        if total == 0 {
            return None;
        }
        let mut seen = 0;
        for (i, &n) in self.walk.iter().enumerate() {
            seen += n;
            if seen * 2 >= total {
                return Some(WALK_MINUTES[i]);
            }
        }
        None
    }
}

const TALLY_BANDS: u32 = 0;
const TALLY_NEEDS: u32 = 7;
const TALLY_TIMES: u32 = TALLY_NEEDS + 18;
const TALLY_PAY: u32 = TALLY_TIMES + 4;
const TALLY_WALK: u32 = TALLY_PAY + 27;

/// Everything demand counts of one response, packed into 59 bits, so that
/// the collector can store it beside the answer and count many answers
/// without reading their JSON:
///
/// | bits | what |
/// |---|---|
/// | 0–6 | a member in each age band (1 bit each) |
/// | 7–24 | each function's priority, 0 for not needed (2 bits each) |
/// | 25–28 | each time needed (1 bit each) |
/// | 29–55 | each function's pay band plus one, 0 for no answer (3 bits each) |
/// | 56–58 | the walk's index in [`WALK_MINUTES`], 7 for another value |
///
/// `Demand::add_tally(tally(r))` counts exactly what `Demand::add(r)` does.
pub fn tally(r: &Response) -> u64 {
    let mut code = 0u64;
    for (band, n) in r.household.counts().into_iter().enumerate() {
        code |= u64::from(n > 0) << (TALLY_BANDS + band as u32);
    }
    for need in &r.needs {
        if let Some(f) = function_index(need.function) {
            let priority = u64::from(need.priority.clamp(1, 3));
            code |= priority << (TALLY_NEEDS + 2 * f as u32);
        }
    }
    for t in &r.times {
        let i = match t {
            TimeNeed::WeekdayDaytime => 0,
            TimeNeed::WeekdayEvening => 1,
            TimeNeed::Weekend => 2,
            TimeNeed::SchoolHolidays => 3,
        };
        code |= 1 << (TALLY_TIMES + i);
    }
    for p in &r.pay {
        if let Some(f) = function_index(p.function).filter(|_| p.band < PAY_BANDS) {
            code |= (u64::from(p.band) + 1) << (TALLY_PAY + 3 * f as u32);
        }
    }
    let walk = WALK_MINUTES
        .iter()
        .position(|&m| m == r.walk_minutes)
        .unwrap_or(7) as u64;
    code | walk << TALLY_WALK
}

fn function_index(f: ServiceFunction) -> Option<usize> {
    ServiceFunction::ALL.iter().position(|&x| x == f)
}

/// Demand per community.
pub fn by_community<'a>(
    responses: impl IntoIterator<Item = &'a Response>,
) -> BTreeMap<CommunityKey, Demand> {
    let mut out: BTreeMap<CommunityKey, Demand> = BTreeMap::new();
    for r in responses {
        let c = &r.community;
        out.entry((
            c.district_code.clone(),
            c.subdistrict.clone(),
            c.community.clone(),
        ))
        .or_default()
        .add(r);
    }
    out
}

/// Demand per sub-district (district code, sub-district).
pub fn by_subdistrict<'a>(
    responses: impl IntoIterator<Item = &'a Response>,
) -> BTreeMap<(String, String), Demand> {
    let mut out: BTreeMap<(String, String), Demand> = BTreeMap::new();
    for r in responses {
        let c = &r.community;
        out.entry((c.district_code.clone(), c.subdistrict.clone()))
            .or_default()
            .add(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::{CommunityRef, Household, Need, PayAnswer};

    fn response(community: &str, f: ServiceFunction, priority: u8, walk: u8) -> Response {
        Response {
            id: "5b0e4f1c-3d2a-4c8e-9f10-2a3b4c5d6e7f".to_owned(),
            questionnaire: 1,
            consent: true,
            community: CommunityRef {
                district_code: "110101".to_owned(),
                subdistrict: "东四街道".to_owned(),
                community: community.to_owned(),
            },
            household: Household {
                age_0_3: 1,
                age_18_59: 2,
                ..Household::default()
            },
            needs: vec![Need {
                function: f,
                priority,
            }],
            times: vec![TimeNeed::Weekend],
            pay: vec![PayAnswer {
                function: f,
                band: 2,
            }],
            walk_minutes: walk,
            comment: None,
        }
    }

    #[test]
    fn counts_add_up_per_community_and_sub_district() {
        let rs = [
            response("甲社区", ServiceFunction::InfantCare, 1, 10),
            response("甲社区", ServiceFunction::InfantCare, 2, 15),
            response("乙社区", ServiceFunction::Meals, 1, 30),
        ];
        let communities = by_community(&rs);
        let a = &communities[&(
            "110101".to_owned(),
            "东四街道".to_owned(),
            "甲社区".to_owned(),
        )];
        assert_eq!(a.respondents, 2);
        assert_eq!(a.households_with_band, [2, 0, 0, 0, 2, 0, 0]);
        assert_eq!(a.needing(ServiceFunction::InfantCare), 2);
        assert_eq!(a.needs[1], [1, 1, 0]);
        assert_eq!(a.times, [0, 0, 2, 0]);
        assert_eq!(a.pay[1][2], 2);
        assert_eq!(a.median_walk_minutes(), Some(10));
        let subs = by_subdistrict(&rs);
        let all = &subs[&("110101".to_owned(), "东四街道".to_owned())];
        assert_eq!(all.respondents, 3);
        assert_eq!(all.needing(ServiceFunction::Meals), 1);
        assert_eq!(all.walk, [0, 1, 1, 0, 1]);
        assert_eq!(all.median_walk_minutes(), Some(15));
        assert_eq!(Demand::default().median_walk_minutes(), None);
    }

    #[test]
    fn a_tally_counts_what_the_response_counts() {
        use crate::synthetic::{one_place, response};
        use linli_facilities::seeded::SplitMix64;
        let places = [one_place()];
        let mut rng = SplitMix64::new(11);
        let (mut by_response, mut by_tally) = (Demand::default(), Demand::default());
        for i in 0..2_000 {
            let r = response(&mut rng, i, &places);
            let code = tally(&r);
            assert!(code < 1 << 59);
            let (mut one, mut other) = (Demand::default(), Demand::default());
            one.add(&r);
            other.add_tally(code);
            assert_eq!(one, other, "{r:?}");
            by_response.add(&r);
            by_tally.add_tally(code);
        }
        assert_eq!(by_response, by_tally);
    }
}
