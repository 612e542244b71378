//! Filtering and ranking facilities for a resident's position.

use crate::geometry::{LonLat, WalkingModel};
use crate::model::{Facility, ServiceFunction};

/// What the resident is looking for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Query {
    /// Where the resident is, in WGS-84.
    pub origin: LonLat,
    /// Only facilities offering this function; `None` keeps every function.
    pub function: Option<ServiceFunction>,
    /// Only facilities within this straight-line distance, in metres;
    /// `None` keeps every distance.
    pub max_distance_m: Option<f64>,
    /// How straight-line distance turns into walking time.
    pub walking: WalkingModel,
}

/// One facility that matched, with how far it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Index into the slice of facilities that was searched.
    pub index: usize,
    /// Straight-line distance from the origin, in metres.
    pub distance_m: f64,
    /// Estimated walking time, in minutes.
    pub walk_minutes: f64,
}

/// Returns the facilities that match `query`, nearest first.
///
/// Ties in distance are broken by facility id, so that the order is stable
/// whatever the input order.
///
/// ```
/// use linli_facilities::geometry::{LonLat, WalkingModel};
/// use linli_facilities::search::{search, Query};
/// let query = Query {
///     origin: LonLat::new(116.4, 39.9),
///     function: None,
///     max_distance_m: Some(1_000.0),
///     walking: WalkingModel::STANDARD,
/// };
/// assert!(search(&[], &query).is_empty());
/// ```
pub fn search(facilities: &[Facility], query: &Query) -> Vec<Hit> {
    let mut hits: Vec<Hit> = facilities
        .iter()
        .enumerate()
        .filter(|(_, f)| query.function.is_none_or(|function| f.offers(function)))
        .filter_map(|(index, f)| {
            let distance_m = query.origin.distance_m(f.position);
            let within = query.max_distance_m.is_none_or(|max| distance_m <= max);
            within.then(|| Hit {
                index,
                distance_m,
                walk_minutes: query.walking.minutes(distance_m),
            })
        })
        .collect();
    hits.sort_by(|a, b| {
        a.distance_m
            .total_cmp(&b.distance_m)
            .then_with(|| facilities[a.index].id.cmp(&facilities[b.index].id))
    });
    hits
}
