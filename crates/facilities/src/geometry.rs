//! Positions and distances.
//!
//! All positions are WGS-84 longitude and latitude in degrees, the order
//! GeoJSON uses (RFC 7946). Distances are in metres, times in minutes.

use geo::{Distance, Haversine, Point};

/// A WGS-84 position: longitude and latitude in degrees.
///
/// The default, (0, 0), only stands in while a record is being read.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LonLat {
    /// Longitude in degrees east, -180 to 180.
    pub lon: f64,
    /// Latitude in degrees north, -90 to 90.
    pub lat: f64,
}

impl LonLat {
    /// Makes a position from longitude and latitude in degrees.
    pub const fn new(lon: f64, lat: f64) -> LonLat {
        LonLat { lon, lat }
    }

    /// Whether both coordinates are finite and inside their WGS-84 ranges.
    pub fn is_valid(self) -> bool {
        self.lon.is_finite()
            && self.lat.is_finite()
            && (-180.0..=180.0).contains(&self.lon)
            && (-90.0..=90.0).contains(&self.lat)
    }

    /// Great-circle (straight-line) distance to `other`, in metres.
    ///
    /// ```
    /// use linli_facilities::geometry::LonLat;
    /// // Two points 0.01° of latitude apart are about 1.11 km apart.
    /// let a = LonLat::new(116.40, 39.90);
    /// let b = LonLat::new(116.40, 39.91);
    /// assert!((a.distance_m(b) - 1112.0).abs() < 1.0);
    /// ```
    pub fn distance_m(self, other: LonLat) -> f64 {
        Haversine.distance(
            Point::new(self.lon, self.lat),
            Point::new(other.lon, other.lat),
        )
    }

    /// This position in GCJ-02, the offset system Chinese map apps such as
    /// Amap use. Outside mainland China the position is returned unchanged,
    /// as those apps expect.
    ///
    /// ```
    /// use linli_facilities::geometry::LonLat;
    /// // In Beijing GCJ-02 is a few hundred metres off WGS-84.
    /// let wgs = LonLat::new(116.4170, 39.9290);
    /// let offset = wgs.distance_m(wgs.to_gcj02());
    /// assert!((100.0..800.0).contains(&offset));
    /// ```
    pub fn to_gcj02(self) -> LonLat {
        let (lon, lat) = coordtransform::wgs84_to_gcj02(self.lon, self.lat);
        LonLat::new(lon, lat)
    }

    /// This position in BD-09, the system Baidu Maps uses (GCJ-02 with
    /// Baidu's own further offset).
    pub fn to_bd09(self) -> LonLat {
        let gcj = self.to_gcj02();
        let (lon, lat) = coordtransform::gcj02_to_bd09(gcj.lon, gcj.lat);
        LonLat::new(lon, lat)
    }

    /// The point on the unit sphere, for the spatial index: straight-line
    /// (chord) distance there grows with great-circle distance, so a search
    /// by chord finds exactly the points within a great-circle radius.
    pub(crate) fn unit_vector(self) -> [f64; 3] {
        let (lon, lat) = (self.lon.to_radians(), self.lat.to_radians());
        [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
    }
}

/// The mean Earth radius, in metres; the radius of the haversine distance
/// in `geo`.
pub(crate) const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// The squared straight-line distance between two points on the unit
/// sphere ([`LonLat::unit_vector`]).
pub(crate) fn chord2(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (x, y, z) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    x * x + y * y + z * z
}

/// The angle at the Earth's centre, in radians, of a great-circle arc of
/// `radius_m` metres (at most half the globe).
pub(crate) fn arc_angle(radius_m: f64) -> f64 {
    (radius_m.max(0.0) / EARTH_RADIUS_M).min(std::f64::consts::PI)
}

/// The squared chord on the unit sphere that holds every point within
/// `radius_m` metres (great-circle), with a hair to spare so that rounding
/// never leaves out a point exactly on the radius; callers that need the
/// exact boundary measure the distance again.
pub(crate) fn reach_chord2(radius_m: f64) -> f64 {
    let chord = 2.0 * (arc_angle(radius_m) / 2.0).sin() + 1e-9;
    chord * chord
}

/// The great-circle distance, in metres, of a squared chord on the unit
/// sphere: the same distance as [`LonLat::distance_m`] (to well under a
/// millimetre), with one square root and one arcsine.
pub(crate) fn chord2_to_m(chord2: f64) -> f64 {
    2.0 * EARTH_RADIUS_M * (chord2.sqrt() / 2.0).min(1.0).asin()
}

/// Converts a straight-line distance into an estimated walk.
///
/// Streets rarely run straight to the door, so the straight-line distance is
/// multiplied by a detour factor before it is divided by a walking speed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WalkingModel {
    /// Walking speed in metres per minute.
    pub speed_m_per_min: f64,
    /// Ratio of the walked route to the straight line (≥ 1).
    pub detour_factor: f64,
}

impl WalkingModel {
    /// Detour factor for walking in a Chinese residential grid.
    ///
    /// Network-to-Euclidean ratios for pedestrian trips in dense city grids
    /// are commonly measured between 1.2 and 1.4; 1.3 sits in the middle and
    /// keeps GB 50180-2018's 15-minute walk (800–1000 m) in its range.
    pub const DETOUR_FACTOR: f64 = 1.3;

    /// The planning speed of about 60 m/min used for the 15-minute life circle.
    pub const STANDARD: WalkingModel = WalkingModel {
        speed_m_per_min: 60.0,
        detour_factor: Self::DETOUR_FACTOR,
    };

    /// A slower speed for older residents, 45 m/min (0.75 m/s).
    pub const SENIOR: WalkingModel = WalkingModel {
        speed_m_per_min: 45.0,
        detour_factor: Self::DETOUR_FACTOR,
    };

    /// The estimated walking route length, in metres, for a straight-line
    /// distance in metres.
    pub fn route_m(self, straight_m: f64) -> f64 {
        straight_m * self.detour_factor
    }

    /// The estimated walking time, in minutes, for a straight-line distance
    /// in metres.
    ///
    /// ```
    /// use linli_facilities::geometry::WalkingModel;
    /// // 600 m straight is about 780 m walked: 13 minutes at 60 m/min.
    /// assert_eq!(WalkingModel::STANDARD.minutes(600.0).round(), 13.0);
    /// ```
    pub fn minutes(self, straight_m: f64) -> f64 {
        self.route_m(straight_m) / self.speed_m_per_min
    }

    /// The longest straight-line distance, in metres, reachable within
    /// `minutes` of walking.
    pub fn reach_m(self, minutes: f64) -> f64 {
        minutes * self.speed_m_per_min / self.detour_factor
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn distance_is_symmetric_and_zero_on_itself() {
        let a = LonLat::new(116.4170, 39.9290);
        let b = LonLat::new(116.3650, 39.9130);
        assert_relative_eq!(a.distance_m(b), b.distance_m(a), epsilon = 1e-6);
        assert_eq!(a.distance_m(a), 0.0);
        // About 4.7 km across central Beijing.
        assert_relative_eq!(a.distance_m(b), 4_778.0, max_relative = 0.001);
    }

    #[test]
    fn reach_inverts_minutes() {
        for model in [WalkingModel::STANDARD, WalkingModel::SENIOR] {
            for minutes in [5.0, 10.0, 15.0, 30.0] {
                assert_relative_eq!(
                    model.minutes(model.reach_m(minutes)),
                    minutes,
                    epsilon = 1e-9
                );
            }
        }
        // A senior needs longer for the same distance.
        assert!(WalkingModel::SENIOR.minutes(800.0) > WalkingModel::STANDARD.minutes(800.0));
    }

    #[test]
    fn converts_to_the_chinese_map_systems_and_back() {
        let wgs = LonLat::new(116.4170, 39.9290);
        let gcj = wgs.to_gcj02();
        let (lon, lat) = coordtransform::gcj02_to_wgs84(gcj.lon, gcj.lat);
        assert!(wgs.distance_m(LonLat::new(lon, lat)) < 1.0);
        let bd = wgs.to_bd09();
        let (lon, lat) = coordtransform::bd09_to_wgs84(bd.lon, bd.lat);
        assert!(wgs.distance_m(LonLat::new(lon, lat)) < 1.0);
        // BD-09 lies further east and north than GCJ-02 in Beijing.
        assert!(bd.lon > gcj.lon && bd.lat > gcj.lat);
        // Outside China nothing moves.
        let paris = LonLat::new(2.35, 48.85);
        assert_eq!(paris.to_gcj02(), paris);
    }

    #[test]
    fn rejects_out_of_range_coordinates() {
        assert!(LonLat::new(116.4, 39.9).is_valid());
        assert!(!LonLat::new(39.9, 116.4).is_valid());
        assert!(!LonLat::new(f64::NAN, 39.9).is_valid());
        assert!(!LonLat::new(181.0, 0.0).is_valid());
    }
}
