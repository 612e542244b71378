//! The search file: a compact binary copy of what the finder reads of each
//! facility of one shard, published beside the shard (`<code>.search`).
//!
//! Reading a GeoJSON shard means parsing and validating every record, most
//! of which a resident never sees. The search file holds, per facility,
//! its position, its id, where its Feature lies in the shard and, per
//! service, the keys the search filters by (function, category, free
//! places, ages, lowest price in yuan, and a number for its opening hours);
//! the distinct `opening_hours` values follow once each. Decoding it is a
//! few passes over fixed-size fields with no allocation per record, so a
//! loader can index a shard at once and parse a record only when it is
//! shown ([`crate::dataset::read_record`] over the Feature's span).
//!
//! The file names the SHA-256 of the shard it was made from: a reader must
//! compare it with the manifest's before trusting the spans. It is written
//! by the publisher from the records that pass validation, so the search
//! gives exactly what it gives over the parsed shard; `skipped` counts the
//! records left out.
//!
//! The facilities come in the order of the index's grid cells
//! ([`crate::index::CELL_DEG`]), then of the shard's records, so that an
//! index is built by merging runs already in order. Layout, all integers
//! little-endian, `N` facilities, `S` services and `H` schedules:
//!
//! | bytes | field |
//! |---|---|
//! | 8 | [`MAGIC`] |
//! | 64 | the shard's SHA-256, lowercase hex |
//! | 8 | the shard's length in bytes |
//! | 1 | flags: bit 0, sample data |
//! | 4 × 5 | `N`, `S`, `H`, records skipped, bytes of ids |
//! | 16 × N | longitude and latitude, WGS-84 degrees, `f64` |
//! | 8 × N | the Feature's first byte in the shard and its length |
//! | 4 × N | how many services each facility has |
//! | 4 × N | where each id ends in the ids |
//! | — | the ids, UTF-8, one after the other |
//! | 23 × S | function (0–8), category (0–2), flags (bit 0 free places, 1 ages, 2 an upper age, 3 a price), youngest and oldest age in months (`u32`), lowest price in yuan (`f64`), schedule number (`u32`, `u32::MAX` for none) |
//! | — | `H` times: length (`u32`) and the `opening_hours` value, UTF-8 |

use std::fmt;

use crate::dataset::{CollectionReader, DatasetError, FeatureSpan};
use crate::finder::{KeyParts, NO_HOURS, ServiceKey, function_bit};
use crate::geometry::LonLat;
use crate::index::{self, SpatialIndex};
use crate::model::{AgeRange, Facility, ServiceFunction};

/// The first bytes of every search file, with the format's version.
pub const MAGIC: &[u8; 8] = b"LNLSRCH3";

/// The categories a service can have (第八条).
const CATEGORIES: u8 = 3;

/// Bytes of one service's keys.
const SERVICE_BYTES: usize = 23;

/// One shard's search file, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardKeys {
    /// The SHA-256 of the shard the file was made from, lowercase hex.
    pub shard_sha256: String,
    /// The length of that shard, in bytes.
    pub shard_bytes: u64,
    /// Whether the shard says it holds sample data.
    pub sample: bool,
    /// How many of the shard's records were skipped for an error.
    pub skipped: u32,
    /// Where each facility's Feature lies in the shard, in file order
    /// (empty for [`ShardKeys::of_records`]).
    pub spans: Vec<FeatureSpan>,
    /// How many facilities the keys describe.
    count: usize,
    parts: KeyParts,
}

impl ShardKeys {
    /// The keys of records already parsed, so that a shard read whole can
    /// be indexed together with search files; it has no spans.
    pub fn of_records(facilities: &[Facility]) -> ShardKeys {
        ShardKeys {
            shard_sha256: String::new(),
            shard_bytes: 0,
            sample: false,
            skipped: 0,
            spans: Vec::new(),
            count: facilities.len(),
            parts: KeyParts::of(facilities),
        }
    }

    /// How many facilities the file describes.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether it describes none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The id of the shard's facility `index`; only until the keys are
    /// [indexed](index).
    pub fn id(&self, index: usize) -> &str {
        let start = match index {
            0 => 0,
            i => self.parts.id_ends[i - 1] as usize,
        };
        &self.parts.ids[start..self.parts.id_ends[index] as usize]
    }
}

/// Why a search file could not be read: what, and at which byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchFileError {
    /// The offset of the byte where reading stopped.
    pub byte: usize,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for SearchFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "search file, byte {}: {}", self.byte, self.message)
    }
}

impl std::error::Error for SearchFileError {}

/// Reads `shard` (a GeoJSON FeatureCollection, as published) and writes
/// its search file; `shard_sha256` is the SHA-256 of the shard's bytes,
/// lowercase hex. Errors when the shard is not a FeatureCollection.
pub fn encode(shard: &str, shard_sha256: &str) -> Result<Vec<u8>, DatasetError> {
    let bom = if shard.starts_with('\u{feff}') { 3 } else { 0 };
    let mut reader = CollectionReader::new(&shard[bom..])?;
    reader.read(usize::MAX);
    let (dataset, spans) = reader.finish_with_spans();
    let (sample, skipped) = (dataset.sample, dataset.skipped());
    // In the order of the index's grid cells (then of the records), so
    // that a reader's index is built by merging runs already in order and
    // lays the keys out by reading them front to back.
    let mut records: Vec<(Facility, FeatureSpan)> =
        dataset.facilities.into_iter().zip(spans).collect();
    records.sort_by_key(|(f, _)| index::cell(f.position));
    let (facilities, spans): (Vec<Facility>, Vec<FeatureSpan>) = records.into_iter().unzip();
    let parts = KeyParts::of(&facilities);
    let n = parts.len();
    let mut out = Vec::with_capacity(120 + n * 40 + parts.services.len() * SERVICE_BYTES);
    out.extend_from_slice(MAGIC);
    let mut hash = [b'0'; 64];
    for (to, from) in hash.iter_mut().zip(shard_sha256.bytes()) {
        *to = from;
    }
    out.extend_from_slice(&hash);
    out.extend_from_slice(&(shard.len() as u64).to_le_bytes());
    out.push(u8::from(sample));
    for count in [
        n,
        parts.services.len(),
        parts.schedules.len(),
        skipped,
        parts.ids.len(),
    ] {
        out.extend_from_slice(&(count as u32).to_le_bytes());
    }
    for p in &parts.positions {
        out.extend_from_slice(&p.lon.to_le_bytes());
        out.extend_from_slice(&p.lat.to_le_bytes());
    }
    for span in &spans {
        out.extend_from_slice(&(span.start + bom as u32).to_le_bytes());
        out.extend_from_slice(&span.len.to_le_bytes());
    }
    let mut start = 0;
    for &end in &parts.service_ends {
        out.extend_from_slice(&(end - start).to_le_bytes());
        start = end;
    }
    for end in &parts.id_ends {
        out.extend_from_slice(&end.to_le_bytes());
    }
    out.extend_from_slice(parts.ids.as_bytes());
    for key in &parts.services {
        out.push(key.function.trailing_zeros() as u8);
        out.push(key.category.trailing_zeros() as u8);
        let ages = key.ages.unwrap_or(AgeRange {
            min_months: 0,
            max_months: None,
        });
        out.push(
            u8::from(key.free)
                | u8::from(key.ages.is_some()) << 1
                | u8::from(ages.max_months.is_some()) << 2
                | u8::from(key.price_yuan.is_some()) << 3,
        );
        out.extend_from_slice(&ages.min_months.to_le_bytes());
        out.extend_from_slice(&ages.max_months.unwrap_or(0).to_le_bytes());
        out.extend_from_slice(&key.price_yuan.unwrap_or(0.0).to_le_bytes());
        out.extend_from_slice(&key.schedule.to_le_bytes());
    }
    for value in &parts.schedules {
        out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        out.extend_from_slice(value.as_bytes());
    }
    Ok(out)
}

/// Reads a search file, checking every field; the error names the byte
/// and what is wrong.
pub fn decode(bytes: &[u8]) -> Result<ShardKeys, SearchFileError> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(MAGIC.len(), "the format tag")? != MAGIC {
        return Err(r.error_at(
            0,
            "not a Linli search file of this version (format tag LNLSRCH3 expected)",
        ));
    }
    let hash_at = r.at;
    let shard_sha256 = std::str::from_utf8(r.take(64, "the shard's SHA-256")?)
        .ok()
        .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| r.error_at(hash_at, "the shard's SHA-256 is not hexadecimal"))?
        .to_owned();
    let shard_bytes = r.u64("the shard's length")?;
    let sample = r.take(1, "the flags")?[0] & 1 == 1;
    let n = r.u32("the number of facilities")? as usize;
    let s = r.u32("the number of services")? as usize;
    let h = r.u32("the number of schedules")? as usize;
    let skipped = r.u32("the number of records skipped")?;
    let ids_len = r.u32("the length of the ids")? as usize;

    let at = r.at;
    let block = r.take(n.saturating_mul(16), "the positions")?;
    let mut positions = Vec::with_capacity(n);
    for (i, pair) in block.chunks_exact(16).enumerate() {
        let p = LonLat::new(f64_at(pair, 0), f64_at(pair, 8));
        if !p.is_valid() {
            return Err(r.error_at(
                at + 16 * i,
                format!(
                    "facility {i}: position {}, {} is not on the globe",
                    p.lon, p.lat
                ),
            ));
        }
        positions.push(p);
    }

    let at = r.at;
    let block = r.take(n.saturating_mul(8), "the Features' spans")?;
    let mut spans = Vec::with_capacity(n);
    for (i, pair) in block.chunks_exact(8).enumerate() {
        let span = FeatureSpan {
            start: u32_at(pair, 0),
            len: u32_at(pair, 4),
        };
        if u64::from(span.start) + u64::from(span.len) > shard_bytes {
            return Err(r.error_at(
                at + 8 * i,
                format!("facility {i}: its Feature ends past the shard's {shard_bytes} bytes"),
            ));
        }
        spans.push(span);
    }

    let at = r.at;
    let block = r.take(n.saturating_mul(4), "the service counts")?;
    let mut service_ends = Vec::with_capacity(n);
    let mut total = 0u64;
    for four in block.chunks_exact(4) {
        total += u64::from(u32_at(four, 0));
        service_ends.push(total.min(u64::from(u32::MAX)) as u32);
    }
    if total != s as u64 {
        return Err(r.error_at(
            at,
            format!("the facilities have {total} services, the header says {s}"),
        ));
    }

    let at = r.at;
    let block = r.take(n.saturating_mul(4), "the ids' ends")?;
    let mut id_ends = Vec::with_capacity(n);
    let mut last = 0;
    for (i, four) in block.chunks_exact(4).enumerate() {
        let end = u32_at(four, 0);
        if end < last || end as usize > ids_len {
            return Err(r.error_at(
                at + 4 * i,
                format!("facility {i}: its id ends at {end}, out of order or past the ids"),
            ));
        }
        last = end;
        id_ends.push(end);
    }
    if last as usize != ids_len {
        return Err(r.error_at(
            at,
            format!("the ids end at {last}, the header says {ids_len}"),
        ));
    }
    let at = r.at;
    let ids = std::str::from_utf8(r.take(ids_len, "the ids")?)
        .map_err(|e| r.error_at(at + e.valid_up_to(), "an id is not UTF-8"))?;
    if let Some(i) = id_ends
        .iter()
        .position(|&end| !ids.is_char_boundary(end as usize))
    {
        return Err(r.error_at(at, format!("facility {i}: its id ends inside a character")));
    }
    let ids = ids.to_owned();

    let at = r.at;
    let block = r.take(s.saturating_mul(SERVICE_BYTES), "the services")?;
    let mut services = Vec::with_capacity(s);
    for (i, key) in block.chunks_exact(SERVICE_BYTES).enumerate() {
        let here = at + SERVICE_BYTES * i;
        let (function, category, flags) = (key[0], key[1], key[2]);
        if usize::from(function) >= ServiceFunction::ALL.len() {
            return Err(r.error_at(
                here,
                format!("service {i}: function {function} is not one of the nine"),
            ));
        }
        if category >= CATEGORIES {
            return Err(r.error_at(
                here + 1,
                format!("service {i}: category {category} is not one of the three"),
            ));
        }
        let schedule = u32_at(key, 19);
        if schedule != NO_HOURS && schedule as usize >= h {
            return Err(r.error_at(
                here + 19,
                format!("service {i}: schedule {schedule}, but the file has {h}"),
            ));
        }
        let price = f64_at(key, 11);
        if flags & 8 != 0 && !(price.is_finite() && price >= 0.0) {
            return Err(r.error_at(
                here + 11,
                format!("service {i}: price {price} yuan is not a price"),
            ));
        }
        services.push(ServiceKey {
            function: function_bit(ServiceFunction::ALL[usize::from(function)]),
            category: 1 << category,
            free: flags & 1 != 0,
            ages: (flags & 2 != 0).then(|| AgeRange {
                min_months: u32_at(key, 3),
                max_months: (flags & 4 != 0).then(|| u32_at(key, 7)),
            }),
            price_yuan: (flags & 8 != 0).then_some(price),
            schedule,
        });
    }
    // Each schedule takes at least its 4-byte length: no more can follow.
    let mut schedules = Vec::with_capacity(h.min((bytes.len() - r.at) / 4));
    for i in 0..h {
        let len = r.u32("a schedule's length")? as usize;
        let at = r.at;
        let value = std::str::from_utf8(r.take(len, "a schedule")?)
            .map_err(|e| r.error_at(at + e.valid_up_to(), format!("schedule {i} is not UTF-8")))?;
        schedules.push(value.into());
    }
    if r.at != bytes.len() {
        return Err(r.error_at(
            r.at,
            format!("{} bytes after the last schedule", bytes.len() - r.at),
        ));
    }
    Ok(ShardKeys {
        shard_sha256,
        shard_bytes,
        sample,
        skipped,
        spans,
        count: n,
        parts: KeyParts {
            positions,
            service_ends,
            services,
            schedules,
            ids,
            id_ends,
        },
    })
}

/// Indexes the facilities of `shards`, one after the other: facility `i`
/// of the second shard is `first.len() + i` in the index. The shards keep
/// their spans and ids' metadata; their keys move into the index.
pub fn index(shards: &mut [ShardKeys]) -> SpatialIndex {
    let mut all = KeyParts::default();
    for shard in shards.iter_mut() {
        all.append(std::mem::take(&mut shard.parts));
    }
    SpatialIndex::from_parts(all)
}

/// A cursor over a search file's bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn error_at(&self, byte: usize, message: impl Into<String>) -> SearchFileError {
        SearchFileError {
            byte,
            message: message.into(),
        }
    }

    /// The next `len` bytes, or an error naming `what` was cut short.
    fn take(&mut self, len: usize, what: &str) -> Result<&'a [u8], SearchFileError> {
        let end = self
            .at
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len());
        let Some(end) = end else {
            return Err(self.error_at(
                self.bytes.len(),
                format!(
                    "the file ends inside {what} ({len} bytes from byte {})",
                    self.at
                ),
            ));
        };
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn u32(&mut self, what: &str) -> Result<u32, SearchFileError> {
        Ok(u32_at(self.take(4, what)?, 0))
    }

    fn u64(&mut self, what: &str) -> Result<u64, SearchFileError> {
        let b = self.take(8, what)?;
        Ok(u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
    }
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn f64_at(bytes: &[u8], at: usize) -> f64 {
    let mut b = [0; 8];
    b.copy_from_slice(&bytes[at..at + 8]);
    f64::from_le_bytes(b)
}
