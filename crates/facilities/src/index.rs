//! A spatial index over facility positions, so that a search looks only at
//! the facilities within reach instead of every one in the dataset.
//!
//! Positions are stored as points on the unit sphere in an R*-tree
//! (`rstar`). The straight-line (chord) distance between two such points
//! grows with the great-circle distance, so a search within a chord length
//! returns exactly the points within the matching great-circle radius, at
//! any latitude. Distances for ranking are still measured with the
//! haversine formula in [`LonLat::distance_m`].

use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::geometry::LonLat;
use crate::model::Facility;

/// The mean Earth radius used for the index, in metres. It matches the
/// radius of the haversine distance in `geo`.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Facility positions in an R*-tree, by index into the facility slice they
/// were built from.
#[derive(Debug, Clone)]
pub struct SpatialIndex {
    tree: RTree<GeomWithData<[f64; 3], u32>>,
}

impl SpatialIndex {
    /// Builds the index over `facilities` (bulk loading, O(n log n)).
    pub fn new(facilities: &[Facility]) -> SpatialIndex {
        let points = facilities
            .iter()
            .enumerate()
            .map(|(i, f)| GeomWithData::new(f.position.unit_vector(), i as u32))
            .collect();
        SpatialIndex {
            tree: RTree::bulk_load(points),
        }
    }

    /// How many positions the index holds.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// The indices of the facilities within `radius_m` metres (great-circle)
    /// of `origin`, in no particular order. Points within a few millimetres
    /// of the radius may be included; callers measure the exact distance.
    pub fn within(&self, origin: LonLat, radius_m: f64) -> impl Iterator<Item = usize> + '_ {
        // Chord length for the arc, plus a hair so that rounding never drops
        // a point that lies exactly on the radius.
        let angle = (radius_m / EARTH_RADIUS_M).min(std::f64::consts::PI);
        let chord = 2.0 * (angle / 2.0).sin() + 1e-9;
        self.tree
            .locate_within_distance(origin.unit_vector(), chord * chord)
            .map(|p| p.data as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::parse_feature_collection;

    #[test]
    fn finds_the_same_facilities_as_measuring_every_one() {
        let text = include_str!("../tests/fixtures/sample.geojson");
        let facilities = parse_feature_collection(text).unwrap().facilities;
        let index = SpatialIndex::new(&facilities);
        assert_eq!(index.len(), facilities.len());
        let origin = LonLat::new(116.4170, 39.9290);
        for radius in [
            0.0, 100.0, 500.0, 692.3, 1_000.0, 1_500.0, 5_000.0, 50_000.0,
        ] {
            let mut got: Vec<usize> = index.within(origin, radius).collect();
            got.sort_unstable();
            let want: Vec<usize> = (0..facilities.len())
                .filter(|&i| origin.distance_m(facilities[i].position) <= radius)
                .collect();
            assert_eq!(got, want, "radius {radius} m");
        }
    }
}
