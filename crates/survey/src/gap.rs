//! Supply around each community, and the gap between what its residents
//! said they need and what exists within their walk.
//!
//! **Supply** of a community is counted around its centre (the
//! `places.json` centre, see `linli_facilities::places`): the facilities
//! offering each function that lie within the respondents' median
//! acceptable walk, and the free childcare places or elder-care beds they
//! report. When a community's median is withheld (fewer than
//! [`MIN_COUNT`](crate::disclosure::MIN_COUNT) respondents) the
//! sub-district's, or else the district's, median is used instead, so that
//! the walk used never reveals a withheld figure.
//!
//! **Gap** is a ranking, not a head count: respondents are a sample of
//! households, so their counts cannot be set against places directly. For
//! each community and function the score is the share of respondent
//! households needing the function divided by one more than the number of
//! facilities offering it within reach:
//!
//! ```text
//! score = needing / respondents / (1 + facilities within reach)
//! ```
//!
//! A community where half the households need meals and no canteen is in
//! reach scores 0.5; with one canteen in reach, 0.25. Only published cells
//! enter the ranking: a community whose respondents or needs are withheld
//! is left out, so the ranking discloses nothing the tables do not.

use linli_facilities::geometry::{LonLat, WalkingModel};
use linli_facilities::index::SpatialIndex;
use linli_facilities::model::{Facility, ServiceFunction};
use serde::{Deserialize, Serialize};

use crate::publish::DistrictDemand;

/// What exists within a walk of one point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supply {
    /// The walk counted, in minutes.
    pub reach_minutes: u8,
    /// Facilities offering each function within reach, in
    /// [`ServiceFunction::ALL`] order. A facility with two services of the
    /// same function counts once.
    pub facilities: [u32; 9],
    /// Free places (childcare) or beds (elder care) reported by those
    /// facilities, per function; `None` where no facility in reach reports
    /// a capacity for it.
    pub free_places: [Option<u32>; 9],
}

/// Counts the supply within `minutes` of walking from `centre`.
///
/// `index` must have been built from `facilities`.
pub fn supply_at(
    facilities: &[Facility],
    index: &SpatialIndex,
    centre: LonLat,
    minutes: u8,
    walking: WalkingModel,
) -> Supply {
    let mut supply = Supply {
        reach_minutes: minutes,
        facilities: [0; 9],
        free_places: [None; 9],
    };
    let reach_m = walking.reach_m(f64::from(minutes));
    for i in index.within(centre, reach_m) {
        let facility = &facilities[i];
        if centre.distance_m(facility.position) > reach_m {
            continue;
        }
        for (slot, function) in ServiceFunction::ALL.into_iter().enumerate() {
            let mut offered = false;
            for service in facility.services.iter().filter(|s| s.function == function) {
                offered = true;
                if let Some(capacity) = &service.capacity {
                    let free = supply.free_places[slot].get_or_insert(0);
                    *free += capacity.available;
                }
            }
            supply.facilities[slot] += u32::from(offered);
        }
    }
    supply
}

/// One community's gap for one function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// Sub-district.
    pub subdistrict: String,
    /// Community.
    pub community: String,
    /// The function.
    pub function: ServiceFunction,
    /// Respondent households in the community.
    pub respondents: u32,
    /// Of those, households needing the function (any priority).
    pub needing: u32,
    /// The walk counted for supply, in minutes.
    pub reach_minutes: u8,
    /// Facilities offering the function within that walk.
    pub facilities: u32,
    /// Their free places or beds, where reported.
    pub free_places: Option<u32>,
    /// `needing / respondents / (1 + facilities)`, between 0 and 1.
    pub score: f64,
}

/// Ranks every published community and function by gap, largest first.
///
/// `supply(subdistrict, community)` gives the supply counted for a
/// community, or `None` when its centre is unknown (such communities are
/// left out). Ties are broken by households needing, then by name, so the
/// order is stable.
pub fn rank(
    demand: &DistrictDemand,
    mut supply: impl FnMut(&str, &str) -> Option<Supply>,
) -> Vec<Gap> {
    let mut gaps = Vec::new();
    for sub in &demand.subdistricts {
        for c in &sub.communities {
            let Some(respondents) = c.row.respondents.filter(|&n| n > 0) else {
                continue;
            };
            let Some(s) = supply(&sub.name, &c.name) else {
                continue;
            };
            for (slot, function) in ServiceFunction::ALL.into_iter().enumerate() {
                let Some(needing) = c.row.needs[slot].filter(|&n| n > 0) else {
                    continue;
                };
                let facilities = s.facilities[slot];
                gaps.push(Gap {
                    subdistrict: sub.name.clone(),
                    community: c.name.clone(),
                    function,
                    respondents,
                    needing,
                    reach_minutes: s.reach_minutes,
                    facilities,
                    free_places: s.free_places[slot],
                    score: f64::from(needing) / f64::from(respondents) / f64::from(1 + facilities),
                });
            }
        }
    }
    gaps.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.needing.cmp(&a.needing))
            .then_with(|| a.subdistrict.cmp(&b.subdistrict))
            .then_with(|| a.community.cmp(&b.community))
            .then_with(|| a.function.code().cmp(b.function.code()))
    });
    gaps
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use linli_facilities::dataset::parse_feature_collection;

    use super::*;
    use crate::aggregate::Demand;
    use crate::publish::publish;

    fn sample() -> Vec<Facility> {
        let text = include_str!("../../facilities/tests/fixtures/sample.geojson");
        parse_feature_collection(text).unwrap().facilities
    }

    #[test]
    fn supply_counts_facilities_and_free_places_within_the_walk() {
        let facilities = sample();
        let index = SpatialIndex::new(&facilities);
        let centre = facilities[0].position;
        let walking = WalkingModel::STANDARD;
        for minutes in [5, 10, 15, 30] {
            let s = supply_at(&facilities, &index, centre, minutes, walking);
            // The same figures by measuring every facility.
            for (slot, function) in ServiceFunction::ALL.into_iter().enumerate() {
                let near: Vec<&Facility> = facilities
                    .iter()
                    .filter(|f| {
                        f.offers(function)
                            && walking.minutes(centre.distance_m(f.position)) <= f64::from(minutes)
                    })
                    .collect();
                assert_eq!(s.facilities[slot] as usize, near.len(), "{function:?}");
                let free: Vec<u32> = near
                    .iter()
                    .flat_map(|f| &f.services)
                    .filter(|s| s.function == function)
                    .filter_map(|s| s.capacity.as_ref().map(|c| c.available))
                    .collect();
                let expected = (!free.is_empty()).then(|| free.iter().sum());
                assert_eq!(s.free_places[slot], expected, "{function:?}");
            }
        }
        // The facility itself is always in reach of its own position.
        let own = supply_at(&facilities, &index, centre, 5, walking);
        for f in facilities[0].functions() {
            let slot = ServiceFunction::ALL.iter().position(|&x| x == f).unwrap();
            assert!(own.facilities[slot] >= 1);
        }
    }

    fn demand(respondents: u32, meals: u32) -> Demand {
        let mut d = Demand {
            respondents,
            ..Demand::default()
        };
        d.walk[2] = respondents;
        let slot = ServiceFunction::ALL
            .iter()
            .position(|&f| f == ServiceFunction::Meals)
            .unwrap();
        d.needs[slot][0] = meals;
        d
    }

    #[test]
    fn ranks_published_communities_by_need_share_over_supply() {
        let key = |c: &str| ("110101".to_owned(), "东四街道".to_owned(), c.to_owned());
        let mut by_community = BTreeMap::new();
        by_community.insert(key("甲社区"), demand(40, 20));
        by_community.insert(key("乙社区"), demand(40, 20));
        by_community.insert(key("丙社区"), demand(40, 10));
        // Too few respondents: withheld, so never ranked. Two of them, so
        // that neither can be worked out from the sub-district total, and
        // together ten households, so that the pair read as one group is
        // not a small one either.
        by_community.insert(key("丁社区"), demand(6, 6));
        by_community.insert(key("戊社区"), demand(4, 4));
        let published = publish("110101", &by_community, 10);
        let meals = ServiceFunction::ALL
            .iter()
            .position(|&f| f == ServiceFunction::Meals)
            .unwrap();
        let gaps = rank(&published, |_, community| {
            let mut facilities = [0; 9];
            facilities[meals] = match community {
                "甲社区" => 1,
                _ => 0,
            };
            Some(Supply {
                reach_minutes: 15,
                facilities,
                free_places: [None; 9],
            })
        });
        let order: Vec<(&str, f64)> = gaps
            .iter()
            .map(|g| (g.community.as_str(), g.score))
            .collect();
        assert_eq!(
            order,
            [("乙社区", 0.5), ("甲社区", 0.25), ("丙社区", 0.25)],
            "乙 has the same need as 甲 and nothing in reach; 甲 and 丙 tie on score, 甲 needs more"
        );
        assert!(gaps.iter().all(|g| g.function == ServiceFunction::Meals));
        // Without a known centre, nothing is ranked.
        assert!(rank(&published, |_, _| None).is_empty());
    }
}
