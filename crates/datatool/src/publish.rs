//! Writing the published layout: one GeoJSON shard per district and the
//! manifest that lists them.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use linli_facilities::districts;
use linli_facilities::manifest::{FORMAT, FileEntry, Manifest, ShardEntry};
use linli_facilities::model::Facility;
use linli_facilities::places::PlaceList;
use linli_facilities::search_file;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What to say about a publication in its manifest.
#[derive(Debug, Clone)]
pub struct Publication {
    /// The dataset version.
    pub dataset_version: String,
    /// RFC 3339 generation time.
    pub generated_at: String,
    /// Licence of the data.
    pub licence: String,
    /// Whether the records are sample data.
    pub sample: bool,
    /// A sentence about the dataset.
    pub description: String,
}

#[derive(Serialize)]
struct FeatureOut<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    geometry: PointOut,
    properties: &'a Facility,
}

#[derive(Serialize)]
struct PointOut {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: [f64; 2],
}

/// One Feature as a single line of JSON, properties in the documented order.
pub fn feature_json(f: &Facility) -> String {
    let feature = FeatureOut {
        kind: "Feature",
        geometry: PointOut {
            kind: "Point",
            coordinates: [f.position.lon, f.position.lat],
        },
        properties: f,
    };
    serde_json::to_string(&feature).expect("facilities always serialise")
}

/// A FeatureCollection with one feature per line, so that diffs stay readable.
pub fn collection_text(facilities: &[&Facility], sample: bool) -> String {
    let mut out = String::from("{\"type\":\"FeatureCollection\",");
    let _ = writeln!(out, "\"sample\":{sample},\"features\":[");
    for (i, f) in facilities.iter().enumerate() {
        out.push_str(&feature_json(f));
        out.push_str(if i + 1 < facilities.len() {
            ",\n"
        } else {
            "\n"
        });
    }
    out.push_str("]}\n");
    out
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Splits `facilities` by district, writes `<code>.geojson` shards, their
/// search files `<code>.search` ([`search_file`]) and
/// `manifest.json` and the community list `places.json` into `out`, and
/// returns the manifest.
pub fn publish(
    facilities: &[Facility],
    out: &Path,
    about: &Publication,
) -> std::io::Result<Manifest> {
    std::fs::create_dir_all(out)?;
    let mut by_district: BTreeMap<&str, Vec<&Facility>> = BTreeMap::new();
    for f in facilities {
        by_district
            .entry(f.district_code.as_str())
            .or_default()
            .push(f);
    }
    let mut entries = Vec::new();
    for (code, mut list) in by_district {
        list.sort_by(|a, b| a.id.cmp(&b.id));
        let text = collection_text(&list, about.sample);
        let file = format!("{code}.geojson");
        std::fs::write(out.join(&file), &text)?;
        let bbox = list
            .iter()
            .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, f| {
                [
                    b[0].min(f.position.lon),
                    b[1].min(f.position.lat),
                    b[2].max(f.position.lon),
                    b[3].max(f.position.lat),
                ]
            });
        let sha256 = sha256_hex(text.as_bytes());
        let search = search_file::encode(&text, &sha256).map_err(std::io::Error::other)?;
        let search_name = format!("{code}.search");
        std::fs::write(out.join(&search_name), &search)?;
        let district = districts::by_code(code);
        entries.push(ShardEntry {
            code: code.to_owned(),
            name_zh: district
                .map_or_else(|| list[0].district_name.clone(), |d| d.name_zh.to_owned()),
            name_en: district.map_or_else(String::new, |d| d.name_en.to_owned()),
            bbox,
            facilities: list.len(),
            file,
            sha256,
            bytes: text.len() as u64,
            search: Some(FileEntry {
                file: search_name,
                sha256: sha256_hex(&search),
                bytes: search.len() as u64,
            }),
        });
    }
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        dataset_version: about.dataset_version.clone(),
        generated_at: about.generated_at.clone(),
        licence: about.licence.clone(),
        sample: about.sample,
        description: about.description.clone(),
        holidays: "holidays.json".to_owned(),
        schema: "schema.json".to_owned(),
        places: Some("places.json".to_owned()),
        districts: entries,
    };
    let mut places = PlaceList::from_facilities(facilities, about.sample);
    places.readings = pinyin_readings(&places.han_characters());
    let text = places.to_json();
    // Never a file the reader refuses.
    PlaceList::from_json(&text).map_err(std::io::Error::other)?;
    std::fs::write(out.join("places.json"), text + "\n")?;
    let text = serde_json::to_string_pretty(&manifest).map_err(std::io::Error::other)?;
    std::fs::write(out.join("manifest.json"), text + "\n")?;
    Ok(manifest)
}

/// The pinyin readings of `chars`, for the community search in pinyin
/// (`PlaceList::readings`): each reading the `pinyin` crate's data gives a
/// character, without tones, "ü" written "v", each once, in the crate's
/// order. A character it does not know is left out (the search then skips
/// it).
pub fn pinyin_readings(chars: &std::collections::BTreeSet<char>) -> BTreeMap<char, Vec<String>> {
    use pinyin::ToPinyinMulti;
    chars
        .iter()
        .filter_map(|&c| {
            let mut readings: Vec<String> = Vec::new();
            for p in c.to_pinyin_multi()? {
                // ê (欸) as e: the file's readings are letters a to z.
                let reading = p.plain().replace('ü', "v").replace('ê', "e");
                if reading.bytes().all(|b| b.is_ascii_lowercase()) && !readings.contains(&reading) {
                    readings.push(reading);
                }
            }
            (!readings.is_empty()).then_some((c, readings))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn pinyin_readings_are_toneless_each_once_with_v_for_u_umlaut() {
        let chars = "长绿和东".chars().collect();
        let readings = super::pinyin_readings(&chars);
        assert!(readings[&'长'].contains(&"chang".to_owned()));
        assert!(readings[&'长'].contains(&"zhang".to_owned()));
        assert_eq!(readings[&'绿'][0], "lv");
        assert_eq!(readings[&'东'], ["dong"]);
        let ei = super::pinyin_readings(&"欸".chars().collect());
        assert!(
            ei[&'欸']
                .iter()
                .all(|r| r.bytes().all(|b| b.is_ascii_lowercase())),
            "{ei:?}"
        );
        let he = &readings[&'和'];
        let unique: std::collections::BTreeSet<_> = he.iter().collect();
        assert_eq!(unique.len(), he.len(), "each reading once: {he:?}");
    }
}
