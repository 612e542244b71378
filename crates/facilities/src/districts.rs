//! Beijing's districts: codes, names and rough extents.
//!
//! Codes are GB/T 2260 county-level codes. The Beijing
//! Economic-Technological Development Area (经开区) has none: it is counted
//! inside 大兴区 by GB/T 2260, so it uses the National Bureau of Statistics'
//! township-level code `110115403`, which names it alone.
//!
//! Each extent is a generous WGS-84 bounding box of the district. It catches
//! the common mistakes (coordinates in GCJ-02 or BD-09, swapped, or in the
//! wrong district by kilometres), not a point a few hundred metres across a
//! boundary; that needs boundary polygons.

use crate::geometry::LonLat;

/// One district.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct District {
    /// GB/T 2260 code, or `110115403` for 经开区.
    pub code: &'static str,
    /// Chinese name.
    pub name_zh: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// Extent in WGS-84 degrees: `[min_lon, min_lat, max_lon, max_lat]`.
    pub bbox: [f64; 4],
}

impl District {
    /// Whether `p` lies inside the district's extent.
    pub fn contains(&self, p: LonLat) -> bool {
        let [w, s, e, n] = self.bbox;
        (w..=e).contains(&p.lon) && (s..=n).contains(&p.lat)
    }
}

/// The code of the Beijing Economic-Technological Development Area.
pub const ETDZ_CODE: &str = "110115403";

/// The 16 districts and 经开区, in code order.
pub const BEIJING: [District; 17] = [
    District {
        code: "110101",
        name_zh: "东城区",
        name_en: "Dongcheng",
        bbox: [116.380, 39.850, 116.450, 39.975],
    },
    District {
        code: "110102",
        name_zh: "西城区",
        name_en: "Xicheng",
        bbox: [116.300, 39.860, 116.400, 39.975],
    },
    District {
        code: "110105",
        name_zh: "朝阳区",
        name_en: "Chaoyang",
        bbox: [116.340, 39.800, 116.640, 40.110],
    },
    District {
        code: "110106",
        name_zh: "丰台区",
        name_en: "Fengtai",
        bbox: [116.040, 39.760, 116.500, 39.900],
    },
    District {
        code: "110107",
        name_zh: "石景山区",
        name_en: "Shijingshan",
        bbox: [116.100, 39.870, 116.260, 39.990],
    },
    District {
        code: "110108",
        name_zh: "海淀区",
        name_en: "Haidian",
        bbox: [116.040, 39.880, 116.400, 40.160],
    },
    District {
        code: "110109",
        name_zh: "门头沟区",
        name_en: "Mentougou",
        bbox: [115.420, 39.820, 116.220, 40.170],
    },
    District {
        code: "110111",
        name_zh: "房山区",
        name_en: "Fangshan",
        bbox: [115.420, 39.470, 116.240, 39.930],
    },
    District {
        code: "110112",
        name_zh: "通州区",
        name_en: "Tongzhou",
        bbox: [116.540, 39.600, 116.950, 40.030],
    },
    District {
        code: "110113",
        name_zh: "顺义区",
        name_en: "Shunyi",
        bbox: [116.420, 40.000, 116.990, 40.310],
    },
    District {
        code: "110114",
        name_zh: "昌平区",
        name_en: "Changping",
        bbox: [115.950, 40.020, 116.500, 40.400],
    },
    District {
        code: "110115",
        name_zh: "大兴区",
        name_en: "Daxing",
        bbox: [116.200, 39.430, 116.700, 39.810],
    },
    District {
        code: ETDZ_CODE,
        name_zh: "北京经济技术开发区",
        name_en: "Beijing Economic-Technological Development Area",
        bbox: [116.450, 39.720, 116.620, 39.830],
    },
    District {
        code: "110116",
        name_zh: "怀柔区",
        name_en: "Huairou",
        bbox: [116.280, 40.240, 116.820, 41.060],
    },
    District {
        code: "110117",
        name_zh: "平谷区",
        name_en: "Pinggu",
        bbox: [116.900, 40.010, 117.510, 40.390],
    },
    District {
        code: "110118",
        name_zh: "密云区",
        name_en: "Miyun",
        bbox: [116.650, 40.230, 117.510, 40.820],
    },
    District {
        code: "110119",
        name_zh: "延庆区",
        name_en: "Yanqing",
        bbox: [115.730, 40.250, 116.350, 40.750],
    },
];

/// The district with `code`, if it is one of Beijing's.
pub fn by_code(code: &str) -> Option<&'static District> {
    BEIJING.iter().find(|d| d.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_names_real() {
        let mut codes: Vec<&str> = BEIJING.iter().map(|d| d.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 17);
        assert_eq!(by_code("110101").unwrap().name_zh, "东城区");
        assert_eq!(by_code(ETDZ_CODE).unwrap().name_zh, "北京经济技术开发区");
        assert!(by_code("110100").is_none());
    }

    #[test]
    fn landmarks_fall_in_their_district() {
        // Tiananmen Square (WGS-84) is in Dongcheng; the same point in
        // GCJ-02 is about 500 m off but still inside, which is why the
        // import converts coordinates rather than relying on this check.
        assert!(
            by_code("110101")
                .unwrap()
                .contains(LonLat::new(116.3912, 39.9030))
        );
        assert!(
            !by_code("110119")
                .unwrap()
                .contains(LonLat::new(116.3912, 39.9030))
        );
    }
}
