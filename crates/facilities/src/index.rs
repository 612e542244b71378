//! A spatial index over facility positions, so that a search looks only at
//! the facilities within reach instead of every one in the dataset.
//!
//! Facilities are bucketed in a grid of [`CELL_DEG`]-degree cells and
//! stored row by row, cell by cell (their slots in [`SearchKeys`]), so the
//! facilities of one grid row within a range of longitudes are one
//! contiguous stretch of memory. A search covers the circle with one such
//! stretch per row, found by binary search over the occupied cells, and
//! keeps the facilities whose point on the unit sphere lies within the
//! chord of the radius: the straight-line (chord) distance between two
//! such points grows with the great-circle distance, so this returns
//! exactly the points within the great-circle radius, at any latitude.
//! Distances for ranking are still measured with the haversine formula in
//! [`LonLat::distance_m`].
//!
//! A grid suits this data better than a tree: facilities are points with a
//! bounded density, every search is a small circle, and reading a few
//! contiguous stretches is what makes a search over 100,000 facilities
//! cost about as much as one over a few thousand.

use crate::finder::{KeyParts, SearchKeys};
use crate::geometry::{LonLat, arc_angle, chord2, reach_chord2};
use crate::model::Facility;

/// The side of a grid cell, in degrees of latitude and of longitude (about
/// 1.1 km north to south): a 30-minute walk covers a few rows.
pub const CELL_DEG: f64 = 0.01;

/// Grid columns around the globe.
const COLUMNS: u64 = 36_000;

/// Grid rows from pole to pole.
const ROWS: u64 = 18_000;

/// A margin, in degrees, added to a search's extent so that rounding never
/// leaves out a cell that the circle touches; the chord test decides.
const MARGIN_DEG: f64 = 1e-7;

/// The grid row of latitude `lat` (degrees).
fn row(lat: f64) -> u64 {
    (((lat + 90.0) / CELL_DEG).floor().max(0.0) as u64).min(ROWS - 1)
}

/// The grid column of longitude `lon` (degrees), wrapping around the
/// antimeridian.
fn column(lon: f64) -> u64 {
    (((lon + 180.0) / CELL_DEG).floor() as i64).rem_euclid(COLUMNS as i64) as u64
}

/// The cell of `position`: its row and column in one number, row-major.
pub(crate) fn cell(position: LonLat) -> u64 {
    row(position.lat) * COLUMNS + column(position.lon)
}

/// Facility positions in a grid, by index into the facility slice they
/// were built from, and the [`SearchKeys`] that the finder filters them by.
#[derive(Debug, Clone)]
pub struct SpatialIndex {
    keys: SearchKeys,
    /// The occupied cells, ascending.
    cells: Vec<u64>,
    /// Cell `i`'s facilities are slots `starts[i]..starts[i + 1]`.
    starts: Vec<u32>,
}

impl SpatialIndex {
    /// Builds the index over `facilities` (a sort, O(n log n)).
    pub fn new(facilities: &[Facility]) -> SpatialIndex {
        SpatialIndex::from_parts(KeyParts::of(facilities))
    }

    /// Builds the index over the facilities `parts` describe.
    pub(crate) fn from_parts(parts: KeyParts) -> SpatialIndex {
        let mut order: Vec<(u64, u32)> = parts
            .positions
            .iter()
            .enumerate()
            .map(|(i, &p)| (cell(p), i as u32))
            .collect();
        // A stable sort finds runs already in order: a search file's
        // facilities come in cell order, so the shards merge.
        order.sort();
        let mut cells = Vec::new();
        let mut starts = Vec::new();
        for (slot, &(c, _)) in order.iter().enumerate() {
            if cells.last() != Some(&c) {
                cells.push(c);
                starts.push(slot as u32);
            }
        }
        starts.push(order.len() as u32);
        let keys = parts.ordered(order.into_iter().map(|(_, i)| i).collect());
        SpatialIndex {
            keys,
            cells,
            starts,
        }
    }

    /// What the finder reads of each indexed facility.
    pub fn keys(&self) -> &SearchKeys {
        &self.keys
    }

    /// How many positions the index holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The indices of the facilities within `radius_m` metres (great-circle)
    /// of `origin`, in no particular order. Points within a few millimetres
    /// of the radius may be included; callers measure the exact distance.
    pub fn within(&self, origin: LonLat, radius_m: f64) -> impl Iterator<Item = usize> + '_ {
        let limit = reach_chord2(radius_m);
        let centre = origin.unit_vector();
        self.slots_near(origin, radius_m)
            .filter(move |&slot| chord2(self.keys.unit(slot), centre) <= limit)
            .map(|slot| self.keys.facility_in(slot))
    }

    /// The slots of [`SpatialIndex::keys`] in the grid cells that a circle
    /// of `radius_m` metres around `origin` touches: every facility within
    /// the radius and some beyond it, which the caller tells apart by
    /// their chord (the finder does, once per facility, in its search).
    pub(crate) fn slots_near(
        &self,
        origin: LonLat,
        radius_m: f64,
    ) -> impl Iterator<Item = usize> + '_ {
        cell_ranges(origin, arc_angle(radius_m))
            .into_iter()
            .flat_map(move |(first, last)| {
                let from = self.cells.partition_point(|&c| c < first);
                let to = self.cells.partition_point(|&c| c <= last);
                self.starts[from] as usize..self.starts[to] as usize
            })
    }
}

/// The cells that a circle of `angle` radians around `origin` may touch, as
/// inclusive ranges of cell numbers: per grid row, one range of columns,
/// or two where the circle crosses the antimeridian.
fn cell_ranges(origin: LonLat, angle: f64) -> Vec<(u64, u64)> {
    let reach_deg = angle.to_degrees() + MARGIN_DEG;
    let (south, north) = (origin.lat - reach_deg, origin.lat + reach_deg);
    // How far east and west the circle reaches: all the way round when it
    // holds a pole, otherwise the widest point of the spherical cap.
    let cos_lat = origin.lat.to_radians().cos();
    let columns: Vec<(u64, u64)> = if south <= -90.0 || north >= 90.0 || angle.sin() >= cos_lat {
        vec![(0, COLUMNS - 1)]
    } else {
        let half = (angle.sin() / cos_lat).asin().to_degrees() + MARGIN_DEG;
        let (west, east) = (origin.lon - half, origin.lon + half);
        let width = ((east - west) / CELL_DEG).ceil() as u64 + 1;
        if width >= COLUMNS {
            vec![(0, COLUMNS - 1)]
        } else {
            let (w, e) = (column(west), column(east));
            if w <= e {
                vec![(w, e)]
            } else {
                vec![(w, COLUMNS - 1), (0, e)]
            }
        }
    };
    (row(south)..=row(north))
        .flat_map(|r| {
            columns
                .iter()
                .map(move |&(w, e)| (r * COLUMNS + w, r * COLUMNS + e))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::parse_feature_collection;

    /// `index.within` gives exactly the facilities that measuring the
    /// distance to every one of them gives.
    fn assert_finds_what_measuring_finds(
        index: &SpatialIndex,
        facilities: &[Facility],
        origin: LonLat,
        radius_m: f64,
    ) {
        let mut got: Vec<usize> = index.within(origin, radius_m).collect();
        got.sort_unstable();
        let want: Vec<usize> = (0..facilities.len())
            .filter(|&i| origin.distance_m(facilities[i].position) <= radius_m)
            .collect();
        assert_eq!(got, want, "{radius_m} m around {origin:?}");
    }

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
            assert_finds_what_measuring_finds(&index, &facilities, origin, radius);
        }
    }

    /// Points spread over the whole globe, the poles and the antimeridian
    /// included, searched from places where a grid is easy to get wrong:
    /// the index finds exactly the points a full measurement finds.
    #[test]
    fn finds_the_same_points_anywhere_on_the_globe() {
        let mut rng = crate::seeded::SplitMix64::new(7);
        let mut unit = || rng.unit();
        let mut facilities =
            parse_feature_collection(include_str!("../tests/fixtures/sample.geojson"))
                .unwrap()
                .facilities;
        let template = facilities[0].clone();
        let origins = [
            LonLat::new(179.999, 0.0),
            LonLat::new(-179.9995, 45.0),
            LonLat::new(0.0, 89.999),
            LonLat::new(120.0, -89.99),
            LonLat::new(116.4170, 39.9290),
            LonLat::new(180.0, 60.0),
        ];
        facilities.clear();
        for (k, origin) in origins.iter().enumerate() {
            for _ in 0..400 {
                let mut f = template.clone();
                let lat = (origin.lat + (unit() - 0.5) * 0.2).clamp(-90.0, 90.0);
                let mut lon = origin.lon + (unit() - 0.5) * 0.4;
                if lon > 180.0 {
                    lon -= 360.0;
                }
                f.position = LonLat::new(lon, lat);
                f.id = format!("{k}-{}", facilities.len());
                facilities.push(f);
            }
        }
        let index = SpatialIndex::new(&facilities);
        for origin in origins {
            for radius in [0.0, 50.0, 800.0, 2_500.0, 9_000.0, 40_000.0] {
                assert_finds_what_measuring_finds(&index, &facilities, origin, radius);
            }
        }
        // Half the globe and all of it.
        for radius in [10_000_000.0, 30_000_000.0] {
            assert_finds_what_measuring_finds(&index, &facilities, origins[4], radius);
        }
    }
}
