//! The dataset manifest: which district shards exist and what they hold.
//!
//! The app reads `data/manifest.json` first, then fetches only the shards
//! whose extent comes within reach of the resident (see
//! [`Manifest::shards_near`]).

use serde::{Deserialize, Serialize};

use crate::geometry::LonLat;

/// The format tag every manifest carries.
pub const FORMAT: &str = "linli-dataset/1";

/// `data/manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// The dataset's version, raised on every publication.
    pub dataset_version: String,
    /// When the dataset was generated, RFC 3339 with offset.
    pub generated_at: String,
    /// The licence of the data, as an SPDX identifier or a URL.
    pub licence: String,
    /// True when the records are invented sample data.
    pub sample: bool,
    /// A sentence about the dataset.
    pub description: String,
    /// The holiday calendar file, relative to the manifest.
    pub holidays: String,
    /// The JSON Schema of the shards, relative to the manifest.
    pub schema: String,
    /// The community list (`places.json`, see [`crate::places`]), relative
    /// to the manifest; older publications have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub places: Option<String>,
    /// One entry per district shard, in code order.
    pub districts: Vec<ShardEntry>,
}

/// One district shard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardEntry {
    /// District code (GB/T 2260, or `110115403` for 经开区).
    pub code: String,
    /// District name in Chinese.
    pub name_zh: String,
    /// District name in English.
    pub name_en: String,
    /// Extent of the shard's facilities in WGS-84 degrees:
    /// `[min_lon, min_lat, max_lon, max_lat]`.
    pub bbox: [f64; 4],
    /// How many facilities the shard holds.
    pub facilities: usize,
    /// The shard file, relative to the manifest.
    pub file: String,
    /// SHA-256 of the shard file's bytes, lowercase hex.
    pub sha256: String,
    /// Size of the shard file, in bytes.
    pub bytes: u64,
    /// The shard's search file ([`crate::search_file`]); older
    /// publications have none, and a reader then parses the whole shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<FileEntry>,
}

/// A file beside a shard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// The file, relative to the manifest.
    pub file: String,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
    /// Its size, in bytes.
    pub bytes: u64,
}

impl Manifest {
    /// Parses a manifest, naming the line and column of a JSON error.
    pub fn from_json(text: &str) -> Result<Manifest, String> {
        let manifest: Manifest = serde_json::from_str(text)
            .map_err(|e| format!("manifest: line {}, column {}: {e}", e.line(), e.column()))?;
        if manifest.format != FORMAT {
            return Err(format!(
                "manifest: format {:?} is not {FORMAT:?}",
                manifest.format
            ));
        }
        Ok(manifest)
    }

    /// The shards whose extent lies within `radius_m` metres of `origin`,
    /// nearest first.
    ///
    /// ```
    /// use linli_facilities::geometry::LonLat;
    /// use linli_facilities::manifest::{Manifest, ShardEntry};
    /// let shard = |code: &str, bbox| ShardEntry {
    ///     code: code.into(), name_zh: String::new(), name_en: String::new(), bbox,
    ///     facilities: 1, file: format!("{code}.geojson"), sha256: String::new(), bytes: 1,
    ///     search: None,
    /// };
    /// let manifest = Manifest {
    ///     format: "linli-dataset/1".into(), dataset_version: "1".into(), generated_at: String::new(),
    ///     licence: String::new(), sample: true, description: String::new(),
    ///     holidays: "holidays.json".into(), schema: "schema.json".into(), places: None,
    ///     districts: vec![shard("110101", [116.38, 39.85, 116.45, 39.97]), shard("110119", [115.9, 40.3, 116.2, 40.6])],
    /// };
    /// let near: Vec<&str> = manifest.shards_near(LonLat::new(116.40, 39.92), 2_000.0).map(|s| s.code.as_str()).collect();
    /// assert_eq!(near, ["110101"]);
    /// ```
    pub fn shards_near(&self, origin: LonLat, radius_m: f64) -> impl Iterator<Item = &ShardEntry> {
        let mut near: Vec<(f64, &ShardEntry)> = self
            .districts
            .iter()
            .map(|s| (distance_to_bbox_m(origin, s.bbox), s))
            .filter(|(d, _)| *d <= radius_m)
            .collect();
        crate::sort_short_by(&mut near, |a, b| a.0.total_cmp(&b.0).is_lt());
        near.into_iter().map(|(_, s)| s)
    }
}

/// Distance in metres from `p` to the nearest point of `bbox`; 0 inside.
pub fn distance_to_bbox_m(p: LonLat, bbox: [f64; 4]) -> f64 {
    let [w, s, e, n] = bbox;
    let nearest = LonLat::new(p.lon.clamp(w, e), p.lat.clamp(s, n));
    p.distance_m(nearest)
}
