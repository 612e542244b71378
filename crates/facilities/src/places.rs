//! Communities (社区) a resident can search from when they would rather not
//! share their location: each with its sub-district (街道/乡镇), district and
//! an approximate centre.
//!
//! The list is published next to the shards as `places.json`, so that the
//! picker can search every community without loading every shard. A
//! community's centre is the mean position of its listed facilities: an
//! approximation good to a few hundred metres, which the picker says.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::geometry::LonLat;
use crate::model::Facility;

/// The format tag of `places.json`.
pub const FORMAT: &str = "linli-places/1";

/// One community.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// District code, as in the manifest.
    pub district_code: String,
    /// District name, e.g. "东城区".
    pub district_name: String,
    /// Sub-district or town, e.g. "交道口街道".
    pub subdistrict: String,
    /// Community, e.g. "示例第18社区".
    pub community: String,
    /// Approximate centre, longitude in WGS-84 degrees.
    pub lon: f64,
    /// Approximate centre, latitude in WGS-84 degrees.
    pub lat: f64,
    /// How many listed facilities the community has.
    pub facilities: u32,
}

impl Place {
    /// The centre as a position.
    pub fn position(&self) -> LonLat {
        LonLat::new(self.lon, self.lat)
    }

    /// "东城区 交道口街道 示例第18社区".
    pub fn label(&self) -> String {
        format!(
            "{} {} {}",
            self.district_name, self.subdistrict, self.community
        )
    }
}

/// The community list, as read from `places.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceList {
    /// Always [`FORMAT`].
    pub format: String,
    /// True when the communities come from invented sample data.
    pub sample: bool,
    /// Every community, by district code, sub-district and community.
    pub places: Vec<Place>,
}

/// `places.json` on the wire: nested by district and sub-district, each
/// community as `[name, lon, lat, facilities]`, which keeps the file small.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    format: String,
    sample: bool,
    districts: Vec<WireDistrict>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireDistrict {
    code: String,
    name: String,
    subdistricts: Vec<WireSubdistrict>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireSubdistrict {
    name: String,
    communities: Vec<(String, f64, f64, u32)>,
}

impl PlaceList {
    /// The list as `places.json` text (one line).
    pub fn to_json(&self) -> String {
        let mut wire = Wire {
            format: self.format.clone(),
            sample: self.sample,
            districts: Vec::new(),
        };
        for p in &self.places {
            if wire
                .districts
                .last()
                .is_none_or(|d| d.code != p.district_code)
            {
                wire.districts.push(WireDistrict {
                    code: p.district_code.clone(),
                    name: p.district_name.clone(),
                    subdistricts: Vec::new(),
                });
            }
            let district = wire.districts.last_mut().expect("pushed above");
            if district
                .subdistricts
                .last()
                .is_none_or(|s| s.name != p.subdistrict)
            {
                district.subdistricts.push(WireSubdistrict {
                    name: p.subdistrict.clone(),
                    communities: Vec::new(),
                });
            }
            let sub = district.subdistricts.last_mut().expect("pushed above");
            sub.communities
                .push((p.community.clone(), p.lon, p.lat, p.facilities));
        }
        serde_json::to_string(&wire).expect("places always serialise")
    }

    /// Builds the list from the facilities of a dataset: by district code,
    /// sub-district, then community in counting order ([`natural_cmp`]), so
    /// that a reader showing them in list order (a search's matches) shows
    /// 第2社区 before 第10社区 without sorting them itself.
    pub fn from_facilities(facilities: &[Facility], sample: bool) -> PlaceList {
        type Key<'a> = (&'a str, &'a str, &'a str);
        let mut groups: BTreeMap<Key<'_>, (&str, f64, f64, u32)> = BTreeMap::new();
        for f in facilities {
            let key = (
                f.district_code.as_str(),
                f.subdistrict.as_str(),
                f.community.as_str(),
            );
            let entry = groups
                .entry(key)
                .or_insert((f.district_name.as_str(), 0.0, 0.0, 0));
            entry.1 += f.position.lon;
            entry.2 += f.position.lat;
            entry.3 += 1;
        }
        let round = |x: f64| (x * 1e5).round() / 1e5;
        let mut places: Vec<Place> = groups
            .into_iter()
            .map(|((code, sub, community), (name, lon, lat, n))| Place {
                district_code: code.to_owned(),
                district_name: name.to_owned(),
                subdistrict: sub.to_owned(),
                community: community.to_owned(),
                lon: round(lon / f64::from(n)),
                lat: round(lat / f64::from(n)),
                facilities: n,
            })
            .collect();
        // Stable: the map's order is kept within a community's name.
        places.sort_by(|a, b| {
            (&a.district_code, &a.subdistrict)
                .cmp(&(&b.district_code, &b.subdistrict))
                .then_with(|| natural_cmp(&a.community, &b.community))
        });
        PlaceList {
            format: FORMAT.to_owned(),
            sample,
            places,
        }
    }

    /// Reads `places.json`, naming what is wrong when it cannot.
    pub fn from_json(text: &str) -> Result<PlaceList, String> {
        let wire: Wire = serde_json::from_str(text).map_err(|e| format!("places.json: {e}"))?;
        if wire.format != FORMAT {
            return Err(format!(
                "places.json: format is {:?}, expected {FORMAT:?}",
                wire.format
            ));
        }
        let mut places = Vec::new();
        for d in wire.districts {
            for sub in d.subdistricts {
                for (community, lon, lat, facilities) in sub.communities {
                    places.push(Place {
                        district_code: d.code.clone(),
                        district_name: d.name.clone(),
                        subdistrict: sub.name.clone(),
                        community,
                        lon,
                        lat,
                        facilities,
                    });
                }
            }
        }
        let list = PlaceList {
            format: wire.format,
            sample: wire.sample,
            places,
        };
        if let Some((i, p)) = list
            .places
            .iter()
            .enumerate()
            .find(|(_, p)| !p.position().is_valid())
        {
            return Err(format!(
                "places.json: place {i} ({}) has no valid position",
                p.label()
            ));
        }
        Ok(list)
    }

    /// The communities matching `query`, best first, at most `limit`.
    ///
    /// Every whitespace-separated word of the query must occur in the
    /// district, sub-district or community name. Communities whose name
    /// starts with the first word come first, then those containing it, then
    /// matches on the sub-district or district only. An empty query matches
    /// nothing.
    ///
    /// When nothing matches so, the query's characters are looked for in
    /// order with others between them ("东四第7" for 东城区东四街道示例第7社区,
    /// as a resident shortens names), each word within the joined names;
    /// the communities where they lie closest together come first.
    ///
    /// ```
    /// use linli_facilities::places::{Place, PlaceList};
    /// let place = |sub: &str, community: &str| Place {
    ///     district_code: "110101".into(), district_name: "东城区".into(),
    ///     subdistrict: sub.into(), community: community.into(),
    ///     lon: 116.4, lat: 39.9, facilities: 1,
    /// };
    /// let list = PlaceList { format: "linli-places/1".into(), sample: true, places: vec![
    ///     place("甲街道", "乙社区"), place("丙街道", "甲南社区"), place("甲街道", "丁社区"),
    /// ]};
    /// let names: Vec<_> = list.search("甲", 10).iter().map(|p| p.community.as_str()).collect();
    /// assert_eq!(names, ["甲南社区", "乙社区", "丁社区"]);
    /// ```
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Place> {
        let words: Vec<&str> = query.split_whitespace().collect();
        let Some(first) = words.first() else {
            return Vec::new();
        };
        // One list per rank, each in the list's order: a stable sort by
        // rank without a sort.
        let mut by_rank: [Vec<&Place>; 4] = Default::default();
        // A word may also run across the names, as Chinese is typed without
        // spaces: "东华门街道示例第1" or "东城区东华门".
        let matching = self.places.iter().filter(|p| {
            let mut joined = None;
            words.iter().all(|w| {
                p.community.contains(w)
                    || p.subdistrict.contains(w)
                    || p.district_name.contains(w)
                    || joined
                        .get_or_insert_with(|| {
                            format!("{}{}{}", p.district_name, p.subdistrict, p.community)
                        })
                        .contains(w)
            })
        });
        for p in matching {
            let rank = if p.community.starts_with(first) {
                0
            } else if p.community.contains(first) {
                1
            } else if p.subdistrict.contains(first) {
                2
            } else {
                3
            };
            by_rank[rank].push(p);
        }
        let found: Vec<&Place> = by_rank.into_iter().flatten().take(limit).collect();
        if !found.is_empty() {
            return found;
        }
        // The `limit` closest, kept in order as the places are read (a
        // short query can match thousands: no sort of them all); of equal
        // spans, the first in the list.
        let mut loose: Vec<(usize, &Place)> = Vec::with_capacity(limit + 1);
        for p in &self.places {
            let joined = format!("{}{}{}", p.district_name, p.subdistrict, p.community);
            let Some(span) = words
                .iter()
                .map(|w| spread_of(&joined, w))
                .sum::<Option<usize>>()
            else {
                continue;
            };
            let at = loose.partition_point(|&(s, _)| s <= span);
            if at < limit {
                loose.insert(at, (span, p));
                loose.truncate(limit);
            }
        }
        loose.into_iter().map(|(_, p)| p).collect()
    }

    /// The districts in the list, by code, with their names.
    pub fn districts(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = Vec::new();
        for p in &self.places {
            if out.last().is_none_or(|&(code, _)| code != p.district_code) {
                out.push((&p.district_code, &p.district_name));
            }
        }
        out
    }

    /// The sub-districts of `district_code`, in list order.
    pub fn subdistricts(&self, district_code: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in self
            .places
            .iter()
            .filter(|p| p.district_code == district_code)
        {
            if out.last() != Some(&p.subdistrict.as_str()) {
                out.push(&p.subdistrict);
            }
        }
        out
    }

    /// The communities of one sub-district, in the order a person counts
    /// them: 第1社区, 第2社区, …, 第10社区 ([`natural_cmp`]).
    pub fn communities(&self, district_code: &str, subdistrict: &str) -> Vec<&Place> {
        let mut out: Vec<&Place> = self
            .places
            .iter()
            .filter(|p| p.district_code == district_code && p.subdistrict == subdistrict)
            .collect();
        crate::sort_short_by(&mut out, |a, b| {
            natural_cmp(&a.community, &b.community).is_lt()
        });
        out
    }
}

/// Compares names with the numbers in them (ASCII digits, as the data
/// writes them) as numbers ("第2社区" before "第10社区"), and everything
/// else character by character; names equal that way ("第02社区" and
/// "第2社区") by their text.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    natural_cmp_parts(a, b).then_with(|| a.cmp(b))
}

fn natural_cmp_parts(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut a, mut b) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (a.peek().copied(), b.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let number = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut digits = String::new();
                    while let Some(c) = it.next_if(char::is_ascii_digit) {
                        digits.push(c);
                    }
                    digits
                };
                let (m, n) = (number(&mut a), number(&mut b));
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let order = m.len().cmp(&n.len()).then_with(|| m.cmp(n));
                if order != Ordering::Equal {
                    return order;
                }
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                a.next();
                b.next();
            }
        }
    }
}

/// How far apart the characters of `word` lie in `text` when they occur
/// there in order, others allowed between them: the characters spanned
/// from the first to the last, at the closest start; `None` when they do
/// not all occur in order.
fn spread_of(text: &str, word: &str) -> Option<usize> {
    let text: Vec<char> = text.chars().collect();
    let mut wanted = word.chars();
    let first = wanted.next()?;
    let rest: Vec<char> = wanted.collect();
    (0..text.len())
        .filter(|&start| text[start] == first)
        .filter_map(|start| {
            let mut at = start;
            for &c in &rest {
                at += 1 + text.get(at + 1..)?.iter().position(|&t| t == c)?;
            }
            Some(at - start + 1)
        })
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::parse_feature_collection;

    fn fixture() -> PlaceList {
        let text = include_str!("../tests/fixtures/sample.geojson");
        let facilities = parse_feature_collection(text).unwrap().facilities;
        PlaceList::from_facilities(&facilities, true)
    }

    #[test]
    fn groups_facilities_by_community_with_their_mean_position() {
        let list = fixture();
        let total: u32 = list.places.iter().map(|p| p.facilities).sum();
        assert_eq!(total, 8);
        let sorted = list.places.windows(2).all(|w| {
            (&w[0].district_code, &w[0].subdistrict)
                .cmp(&(&w[1].district_code, &w[1].subdistrict))
                .then_with(|| natural_cmp(&w[0].community, &w[1].community))
                .is_lt()
        });
        assert!(sorted, "ordered and without duplicates");
        assert_eq!(PlaceList::from_json(&list.to_json()).unwrap(), list);
    }

    #[test]
    fn numbers_in_names_count_as_numbers() {
        use std::cmp::Ordering;
        let mut names = vec![
            "第10社区",
            "第1社区",
            "第19社区",
            "第2社区",
            "东四社区",
            "第02社区甲",
        ];
        crate::sort_short_by(&mut names, |a, b| natural_cmp(a, b).is_lt());
        assert_eq!(
            names,
            [
                "东四社区",
                "第1社区",
                "第2社区",
                "第02社区甲",
                "第10社区",
                "第19社区"
            ]
        );
        assert_eq!(natural_cmp("第2社区", "第2社区"), Ordering::Equal);
        assert_eq!(natural_cmp("第02社区", "第2社区"), Ordering::Less);
        assert_eq!(natural_cmp("a", "ab"), Ordering::Less);
        assert_eq!(natural_cmp("a9b", "a10"), Ordering::Less);
    }

    #[test]
    fn search_narrows_with_every_word() {
        let list = fixture();
        let first = &list.places[0];
        let hits = list.search(&first.community, 50);
        assert!(hits.contains(&first));
        let both = format!("{} {}", first.subdistrict, first.community);
        assert!(
            list.search(&both, 50)
                .iter()
                .all(|p| p.subdistrict == first.subdistrict)
        );
        assert!(list.search("   ", 50).is_empty());
        assert!(list.search("不存在的地名", 50).is_empty());
        // Typed without spaces, across the sub-district and the community,
        // or the district and the sub-district.
        let unspaced = format!("{}{}", first.subdistrict, first.community);
        assert!(list.search(&unspaced, 50).contains(&first), "{unspaced}");
        let district_first = format!("{}{}", first.district_name, first.subdistrict);
        assert!(
            list.search(&district_first, 50)
                .iter()
                .all(|p| p.subdistrict == first.subdistrict)
        );
        assert!(!list.search(&district_first, 50).is_empty());
    }

    #[test]
    fn shortened_names_are_found_when_nothing_matches_as_typed() {
        let text = include_str!("../tests/fixtures/sample.geojson");
        let one = parse_feature_collection(text).unwrap().facilities.remove(0);
        let facilities: Vec<Facility> = [
            ("东四街道", "示例第7社区"),
            ("东四街道", "示例第17社区"),
            ("交道口街道", "示例第7社区"),
        ]
        .into_iter()
        .map(|(sub, c)| Facility {
            subdistrict: sub.to_owned(),
            community: c.to_owned(),
            ..one.clone()
        })
        .collect();
        let list = PlaceList::from_facilities(&facilities, true);
        let found = |q: &str| -> Vec<String> {
            list.search(q, 10)
                .iter()
                .map(|p| format!("{}{}", p.subdistrict, p.community))
                .collect()
        };
        // 东四 for 东四街道, no space: the closest first (第7 before 第17).
        assert_eq!(
            found("东四第7"),
            ["东四街道示例第7社区", "东四街道示例第17社区"]
        );
        assert_eq!(
            found("东四 7"),
            ["东四街道示例第7社区", "东四街道示例第17社区"]
        );
        // Matches as typed are not mixed with loose ones.
        assert_eq!(
            found("第7"),
            ["东四街道示例第7社区", "交道口街道示例第7社区"]
        );
        // Characters out of order do not match.
        assert!(found("7第东四").is_empty());
        assert_eq!(spread_of("东四街道示例第7社区", "东四第7"), Some(8));
        assert_eq!(spread_of("ab", "ba"), None);
        assert_eq!(spread_of("xaxab", "ab"), Some(2));
    }

    #[test]
    fn a_search_lists_communities_in_counting_order() {
        let text = include_str!("../tests/fixtures/sample.geojson");
        let one = parse_feature_collection(text).unwrap().facilities.remove(0);
        let facilities: Vec<Facility> = ["示例第10社区", "示例第1社区", "示例第2社区"]
            .into_iter()
            .map(|c| Facility {
                community: c.to_owned(),
                ..one.clone()
            })
            .collect();
        // Built, written and read back as the publisher and the app do.
        let built = PlaceList::from_facilities(&facilities, true);
        let read = PlaceList::from_json(&built.to_json()).unwrap();
        let names: Vec<&str> = read
            .search(&one.subdistrict, 10)
            .iter()
            .map(|p| p.community.as_str())
            .collect();
        assert_eq!(names, ["示例第1社区", "示例第2社区", "示例第10社区"]);
    }

    #[test]
    fn tree_levels_follow_the_list() {
        let list = fixture();
        let districts = list.districts();
        assert!(!districts.is_empty());
        let (code, _) = districts[0];
        let subs = list.subdistricts(code);
        assert!(!subs.is_empty());
        assert!(
            list.communities(code, subs[0])
                .iter()
                .all(|p| p.subdistrict == subs[0])
        );
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let err =
            PlaceList::from_json(r#"{"format":"x","sample":true,"districts":[]}"#).unwrap_err();
        assert!(err.contains("format"), "{err}");
        let err = PlaceList::from_json(
            r#"{"format":"linli-places/1","sample":true,"districts":[{"code":"110101","name":"东城区","subdistricts":[{"name":"a","communities":[["b",200,39,1]]}]}]}"#,
        )
        .unwrap_err();
        assert!(
            err.contains("place 0") && err.contains("东城区 a b"),
            "{err}"
        );
        let err = PlaceList::from_json("{").unwrap_err();
        assert!(err.starts_with("places.json"), "{err}");
    }
}
