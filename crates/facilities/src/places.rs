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
pub const FORMAT: &str = "linli-places/2";

/// The format before the pinyin readings, still read (without them): an
/// offline cache or a data directory can hold such a file past a release.
pub const FORMAT_1: &str = "linli-places/1";

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
    /// The pinyin readings of the Han characters in the names, for a
    /// search typed in pinyin ([`PlaceList::search`]): each character's
    /// readings without tones, in lower case, "ü" written "v". Empty when
    /// the publisher gave none: the search is then by characters only.
    pub readings: BTreeMap<char, Vec<String>>,
}

/// `places.json` on the wire: nested by district and sub-district, each
/// community as `[name, lon, lat, facilities]`, which keeps the file small.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    format: String,
    sample: bool,
    districts: Vec<WireDistrict>,
    /// Each Han character of the names with its readings, separated by
    /// spaces: `{"东":"dong","长":"chang zhang"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pinyin: BTreeMap<String, String>,
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
            pinyin: self
                .readings
                .iter()
                .map(|(c, r)| (c.to_string(), r.join(" ")))
                .collect(),
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
            readings: BTreeMap::new(),
        }
    }

    /// The Han characters of the names (district, sub-district and
    /// community), each once, for the publisher to give their readings.
    pub fn han_characters(&self) -> std::collections::BTreeSet<char> {
        self.places
            .iter()
            .flat_map(|p| {
                p.district_name
                    .chars()
                    .chain(p.subdistrict.chars())
                    .chain(p.community.chars())
            })
            .filter(|&c| is_han(c))
            .collect()
    }

    /// Reads `places.json`, naming what is wrong when it cannot.
    pub fn from_json(text: &str) -> Result<PlaceList, String> {
        let wire: Wire = serde_json::from_str(text).map_err(|e| format!("places.json: {e}"))?;
        if wire.format != FORMAT && wire.format != FORMAT_1 {
            return Err(format!(
                "places.json: format is {:?}, expected {FORMAT:?} (or {FORMAT_1:?})",
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
        let mut readings = BTreeMap::new();
        for (key, spelled) in wire.pinyin {
            let mut chars = key.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return Err(format!(
                    "places.json: pinyin key {key:?} is not one character"
                ));
            };
            let sounds: Vec<String> = spelled.split(' ').map(str::to_owned).collect();
            if sounds
                .iter()
                .any(|r| r.is_empty() || !r.bytes().all(|b| b.is_ascii_lowercase()))
            {
                return Err(format!(
                    "places.json: pinyin of {key:?} is {spelled:?}, not readings of letters a to z separated by single spaces"
                ));
            }
            readings.insert(c, sounds);
        }
        let list = PlaceList {
            format: wire.format,
            sample: wire.sample,
            places,
            readings,
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
    /// A query typed in letters (pinyin, "dongsi", "ds") is matched against
    /// the readings of the names' characters ([`PlaceList::readings`]): each
    /// word must spell a run of syllables, each written whole or begun, in
    /// any of its character's readings; ranked the same way.
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
    /// let list = PlaceList { format: "linli-places/2".into(), sample: true, places: vec![
    ///     place("甲街道", "乙社区"), place("丙街道", "甲南社区"), place("甲街道", "丁社区"),
    /// ], readings: Default::default() };
    /// let names: Vec<_> = list.search("甲", 10).iter().map(|p| p.community.as_str()).collect();
    /// assert_eq!(names, ["甲南社区", "乙社区", "丁社区"]);
    /// ```
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Place> {
        let words: Vec<&str> = query.split_whitespace().collect();
        let Some(first) = words.first() else {
            return Vec::new();
        };
        // A word in letters that spells no name may still be written in
        // one ("CBD"): the search in characters follows.
        if !self.readings.is_empty() && typed_in_letters(query) {
            let found = self.search_pinyin(&pinyin_words(query), limit);
            if !found.is_empty() {
                return found;
            }
        }
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

    /// The communities whose names a pinyin query spells, best first, at
    /// most `limit` ([`PlaceList::search`] for a query in letters).
    ///
    /// Each word must spell a run of the names' syllables (district, then
    /// sub-district, then community, as one), each syllable written whole
    /// or begun: "dongsi", "dong si", "ds" and "dongs" all find 东四. A
    /// character with several readings ("长": chang, zhang) matches any
    /// of them, so that the search never depends on the reading being
    /// guessed right. Ranked by where the first word's best match begins
    /// ([`PlaceList::syllables`]).
    fn search_pinyin(&self, words: &[String], limit: usize) -> Vec<&Place> {
        let Some(first) = words.first() else {
            return Vec::new();
        };
        let mut by_rank: [Vec<&Place>; 6] = Default::default();
        for p in &self.places {
            let syllables = self.syllables(p);
            let best = |word: &str| -> Option<usize> {
                let mut speller = Speller::new(&syllables, word.as_bytes());
                (0..syllables.len())
                    .filter(|&i| speller.spells_from(i, 0))
                    .map(|i| syllables[i].rank)
                    .min()
            };
            let Some(rank) = best(first) else {
                continue;
            };
            if words[1..].iter().all(|w| best(w).is_some()) {
                by_rank[rank].push(p);
            }
        }
        by_rank.into_iter().flatten().take(limit).collect()
    }

    /// The syllables of a place's names, district first, each with the
    /// rank a match beginning there has: the community's name from its
    /// start, then within it, the sub-district's from its start, then
    /// within it (initials running from the end of one name into the next,
    /// "道示" in 东华门街道示例, come after 东四街道's "ds"), and the
    /// district's likewise.
    /// A run of ASCII letters, or of digits ("18" in 示例第18社区), is one
    /// syllable; other characters without a reading are left out.
    fn syllables<'a>(&'a self, p: &'a Place) -> Vec<Syllable<'a>> {
        let mut out = Vec::new();
        for (name, rank_first, rank_in) in [
            (p.district_name.as_str(), 4, 5),
            (p.subdistrict.as_str(), 2, 3),
            (p.community.as_str(), 0, 1),
        ] {
            let mut rest = name;
            while let Some(c) = rest.chars().next() {
                let rank = if rest.len() == name.len() {
                    rank_first
                } else {
                    rank_in
                };
                if c.is_ascii_alphanumeric() {
                    let digits = c.is_ascii_digit();
                    let run = rest
                        .find(|c: char| !c.is_ascii_alphanumeric() || c.is_ascii_digit() != digits)
                        .unwrap_or(rest.len());
                    out.push(Syllable {
                        readings: Readings::Run(&rest[..run]),
                        rank,
                    });
                    rest = &rest[run..];
                    continue;
                }
                if let Some(r) = self.readings.get(&c) {
                    out.push(Syllable {
                        readings: Readings::Han(r),
                        rank,
                    });
                }
                rest = &rest[c.len_utf8()..];
            }
        }
        out
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

/// One syllable of a name, for the pinyin search.
struct Syllable<'a> {
    readings: Readings<'a>,
    /// The rank of a match that begins here.
    rank: usize,
}

/// A syllable's readings: a Han character's, or a run of ASCII letters
/// or digits as written.
enum Readings<'a> {
    Han(&'a [String]),
    Run(&'a str),
}

/// Whether `c` is a Han character (CJK unified ideographs, their
/// extensions and compatibility ideographs, and 〇), the characters given
/// pinyin readings.
fn is_han(c: char) -> bool {
    matches!(c,
        '\u{4e00}'..='\u{9fff}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{20000}'..='\u{323af}'
        | '\u{f900}'..='\u{faff}'
        | '\u{3007}')
}

/// A character of a query as the readings are written: ASCII letters in
/// lower case and digits; "ü" (and "ǖ", "ǘ", "ǚ", "ǜ") as "v"; a vowel
/// with a tone mark without it ("ō" as "o"); full-width letters and digits
/// as ASCII; `None` for anything else.
fn plain_letter(c: char) -> Option<char> {
    let c = match c {
        '\u{ff10}'..='\u{ff19}' | '\u{ff21}'..='\u{ff3a}' | '\u{ff41}'..='\u{ff5a}' => {
            char::from_u32(c as u32 - 0xfee0)?
        }
        c => c,
    };
    Some(match c {
        c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
        'ü' | 'Ü' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' => 'v',
        'ā' | 'á' | 'ǎ' | 'à' | 'Ā' | 'Á' | 'Ǎ' | 'À' => 'a',
        'ē' | 'é' | 'ě' | 'è' | 'ê' | 'Ē' | 'É' | 'Ě' | 'È' | 'Ê' => 'e',
        'ī' | 'í' | 'ǐ' | 'ì' | 'Ī' | 'Í' | 'Ǐ' | 'Ì' => 'i',
        'ō' | 'ó' | 'ǒ' | 'ò' | 'Ō' | 'Ó' | 'Ǒ' | 'Ò' => 'o',
        'ū' | 'ú' | 'ǔ' | 'ù' | 'Ū' | 'Ú' | 'Ǔ' | 'Ù' => 'u',
        _ => return None,
    })
}

/// Whether `c` is written between syllables to part them: an apostrophe,
/// straight or curly ("xi'an", "xi’an"), or a combining tone mark typed
/// after its vowel.
fn between_letters(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{300}'..='\u{36f}')
}

/// Whether a query is typed in letters (pinyin, perhaps with tone marks,
/// numbers, spaces, punctuation or an apostrophe between syllables:
/// "xi'an", "Dōngsì", "dongsi7", "dong-si"), not in characters.
fn typed_in_letters(query: &str) -> bool {
    !query.chars().any(is_han)
        && query
            .chars()
            .any(|c| plain_letter(c).is_some_and(|c| c.is_ascii_alphabetic()))
}

/// A query in letters as words the readings can spell: split at anything
/// but letters, digits and what is written between syllables, and where
/// letters meet digits ("dongsi7" is "dongsi" and "7", as a community's
/// number follows its sub-district's name with other syllables between);
/// each character as [`plain_letter`] writes it.
fn pinyin_words(query: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut last_digit = None;
    for c in query.chars() {
        if between_letters(c) {
            continue;
        }
        let Some(c) = plain_letter(c) else {
            last_digit = None;
            continue;
        };
        let digit = c.is_ascii_digit();
        match words.last_mut() {
            Some(word) if last_digit == Some(digit) => word.push(c),
            _ => words.push(c.to_string()),
        }
        last_digit = Some(digit);
    }
    words
}

/// Whether a query word (letters and digits) spells a place's syllables:
/// from a syllable on, each syllable in one of its readings, written whole
/// or only begun, the word ending within or at the end of one. A "u"
/// typed stands for a reading's "v" (ü), as people write it after "l" and
/// "n". Each (syllable, place in the word) is worked out once, so that
/// readings sharing a beginning (例: li, lie) cost no more than one.
struct Speller<'s, 'a> {
    syllables: &'s [Syllable<'a>],
    word: &'s [u8],
    /// Whether the word from position `k` on is spelled from syllable `i`
    /// on, at `i * (word.len() + 1) + k`, once known.
    known: Vec<Option<bool>>,
    /// How many (syllable, position) pairs were worked out, for a test.
    #[cfg(test)]
    worked_out: usize,
}

impl<'s, 'a> Speller<'s, 'a> {
    fn new(syllables: &'s [Syllable<'a>], word: &'s [u8]) -> Self {
        Speller {
            syllables,
            word,
            known: vec![None; (syllables.len() + 1) * (word.len() + 1)],
            #[cfg(test)]
            worked_out: 0,
        }
    }

    /// Whether the word from position `k` on is spelled from syllable `i`.
    fn spells_from(&mut self, i: usize, k: usize) -> bool {
        if k == self.word.len() {
            return true;
        }
        let Some(syllable) = self.syllables.get(i) else {
            return false;
        };
        let cell = i * (self.word.len() + 1) + k;
        if let Some(known) = self.known[cell] {
            return known;
        }
        #[cfg(test)]
        {
            self.worked_out += 1;
        }
        let rest = &self.word[k..];
        let shared = |reading: &str| {
            reading
                .bytes()
                .zip(rest)
                .take_while(|&(r, q)| r.to_ascii_lowercase() == *q || (r == b'v' && *q == b'u'))
                .count()
        };
        let mut lengths: Vec<usize> = match syllable.readings {
            Readings::Han(readings) => readings.iter().map(|r| shared(r)).collect(),
            Readings::Run(run) => vec![shared(run)],
        };
        lengths.sort_unstable();
        lengths.dedup();
        // Whole syllables first: a word is most often written so.
        let longest = lengths.last().copied().unwrap_or(0);
        let found = (1..=longest)
            .rev()
            .any(|taken| self.spells_from(i + 1, k + taken));
        self.known[cell] = Some(found);
        found
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

    /// A list of three sub-districts with the readings a publisher gives.
    fn spelled() -> PlaceList {
        let place = |district: &str, sub: &str, community: &str| Place {
            district_code: "110101".into(),
            district_name: district.into(),
            subdistrict: sub.into(),
            community: community.into(),
            lon: 116.4,
            lat: 39.9,
            facilities: 1,
        };
        let mut list = PlaceList {
            format: FORMAT.into(),
            sample: true,
            places: vec![
                place("东城区", "东四街道", "示例第7社区"),
                place("东城区", "东四街道", "示例第17社区"),
                place("东城区", "长安街道", "东四北社区"),
                place("东城区", "绿地街道", "示例第2社区"),
            ],
            readings: BTreeMap::new(),
        };
        for (c, r) in [
            ('东', "dong"),
            ('城', "cheng"),
            ('区', "qu ou"),
            ('四', "si"),
            ('街', "jie"),
            ('道', "dao"),
            ('示', "shi"),
            ('例', "li"),
            ('第', "di"),
            ('社', "she"),
            ('长', "chang zhang"),
            ('安', "an"),
            ('北', "bei"),
            ('绿', "lv lu"),
            ('地', "di de"),
        ] {
            list.readings
                .insert(c, r.split(' ').map(str::to_owned).collect());
        }
        list
    }

    fn names(hits: &[&Place]) -> Vec<String> {
        hits.iter()
            .map(|p| format!("{}{}", p.subdistrict, p.community))
            .collect()
    }

    #[test]
    fn a_search_in_pinyin_finds_the_names_it_spells() {
        let list = spelled();
        // Whole syllables, begun ones, initials, spaces and capitals: the
        // community named so first, then the sub-district's.
        let dongsi = [
            "长安街道东四北社区",
            "东四街道示例第7社区",
            "东四街道示例第17社区",
        ];
        for query in ["dongsi", "dong si", "dongs", "DongSi", "dong'si"] {
            assert_eq!(names(&list.search(query, 10)), dongsi, "{query}");
        }
        // Initials alone spell more: 道示 in 绿地街道示例 is "ds" too,
        // but from within the sub-district's name, so it comes after.
        let mut initials = dongsi.map(str::to_owned).to_vec();
        initials.push("绿地街道示例第2社区".to_owned());
        assert_eq!(names(&list.search("ds", 10)), initials);
        // A number after the name, joined or not, or punctuation between.
        for query in ["dongsi 7", "dongsi7", "dong-si, 7", "Dongsi (7)"] {
            let found = names(&list.search(query, 10));
            assert_eq!(found, ["东四街道示例第7社区"], "{query}");
        }
        // Digits as written, and every word must be found.
        assert_eq!(names(&list.search("shilidi7", 10)), ["东四街道示例第7社区"]);
        assert_eq!(
            names(&list.search("dongsi di17", 10)),
            ["东四街道示例第17社区"]
        );
        assert!(list.search("dongsi xyz", 10).is_empty());
        // Any reading of a character: 长 as chang or zhang; 绿 as lü.
        assert_eq!(names(&list.search("changan", 10)), ["长安街道东四北社区"]);
        assert_eq!(names(&list.search("zhangan", 10)), ["长安街道东四北社区"]);
        assert_eq!(names(&list.search("lüdi", 10)), ["绿地街道示例第2社区"]);
        // Across the names, as one: district into sub-district.
        assert_eq!(
            names(&list.search("chengqulv", 10)),
            ["绿地街道示例第2社区"]
        );
        // A syllable is begun from its start only, and `limit` holds.
        assert!(list.search("ongsi", 10).is_empty());
        assert_eq!(list.search("dongcheng", 2).len(), 2);
        // Digits alone are searched as characters.
        assert_eq!(names(&list.search("17", 10)), ["东四街道示例第17社区"]);
        // Tone marks, a curly apostrophe, full-width letters, a combining
        // tone mark, and "u" for ü.
        for query in ["Dōngsì", "dong’si", "ｄｏｎｇｓｉ", "do\u{304}ngsi"] {
            assert_eq!(names(&list.search(query, 10)), dongsi, "{query}");
        }
        assert_eq!(names(&list.search("ludi", 10)), ["绿地街道示例第2社区"]);
        // Latin letters in a name: a word found as written when it spells
        // nothing ("CBD"), and a run parted where letters meet digits.
        let mut latin = spelled();
        latin.places[0].community = "CBD第B2社区".into();
        assert_eq!(names(&latin.search("CBD", 10)), ["东四街道CBD第B2社区"]);
        assert_eq!(names(&latin.search("b2", 10)), ["东四街道CBD第B2社区"]);
    }

    #[test]
    fn a_long_word_against_readings_that_share_beginnings_is_worked_out_once() {
        // 15 characters each read li or lie, against 31 letters that fail
        // at the end: some 2^15 ways from each start without remembering.
        let mut list = spelled();
        list.places[0].community = "例".repeat(15);
        list.readings
            .insert('例', vec!["li".to_owned(), "lie".to_owned()]);
        let word = format!("{}x", "li".repeat(15));
        let syllables = list.syllables(&list.places[0]);
        let mut speller = Speller::new(&syllables, word.as_bytes());
        assert!((0..syllables.len()).all(|i| !speller.spells_from(i, 0)));
        // Each (syllable, position) at most once: the table's size bounds
        // the work (without remembering, some 500,000 pairs).
        let cells = (syllables.len() + 1) * (word.len() + 1);
        assert!(
            speller.worked_out <= cells,
            "{} of {cells}",
            speller.worked_out
        );
        assert!(
            speller.worked_out > syllables.len(),
            "{}",
            speller.worked_out
        );
    }

    #[test]
    fn without_readings_a_search_in_letters_finds_nothing() {
        let mut list = spelled();
        list.readings.clear();
        assert!(list.search("dongsi", 10).is_empty());
        assert_eq!(list.search("东四", 10).len(), 3);
    }

    #[test]
    fn readings_travel_in_the_file_and_bad_ones_are_named() {
        let list = spelled();
        assert_eq!(PlaceList::from_json(&list.to_json()).unwrap(), list);
        assert!(list.to_json().contains(r#""长":"chang zhang""#));
        let bad = list
            .to_json()
            .replace(r#""长":"chang zhang""#, r#""长":"Chang""#);
        let err = PlaceList::from_json(&bad).unwrap_err();
        assert!(err.contains("pinyin of \"长\""), "{err}");
        let bad = list.to_json().replace(r#""长":"#, r#""长安":"#);
        let err = PlaceList::from_json(&bad).unwrap_err();
        assert!(err.contains("\"长安\" is not one character"), "{err}");
        let han: String = list.han_characters().into_iter().collect();
        assert_eq!(han, "东例北区四地城安示社第绿街道长");
    }

    #[test]
    fn a_file_of_the_format_before_readings_is_read_without_them() {
        let list = spelled();
        let json = list.to_json().replace(FORMAT, FORMAT_1);
        let before = format!("{}}}", json.split(r#","pinyin""#).next().unwrap());
        let read = PlaceList::from_json(&before).unwrap();
        assert_eq!(read.places, list.places);
        assert!(read.readings.is_empty());
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let err =
            PlaceList::from_json(r#"{"format":"x","sample":true,"districts":[]}"#).unwrap_err();
        assert!(err.contains("format"), "{err}");
        let err = PlaceList::from_json(
            r#"{"format":"linli-places/2","sample":true,"districts":[{"code":"110101","name":"东城区","subdistricts":[{"name":"a","communities":[["b",200,39,1]]}]}]}"#,
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
