//! `datatool size`: what the published shards cost to download.
//!
//! Phones fetch shards compressed; this measures each shard raw and with
//! brotli at quality 11 (what a static host precompresses with), and the
//! bytes per facility that the dataset's size target is stated in.

use std::fmt;
use std::io::Write as _;
use std::path::Path;

use linli_facilities::manifest::Manifest;

/// Sizes of one shard, in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardSize {
    /// The shard file.
    pub file: String,
    /// Facilities in it.
    pub facilities: usize,
    /// Uncompressed bytes.
    pub raw: usize,
    /// Bytes after brotli, quality 11, window 22.
    pub brotli: usize,
}

/// Sizes of every shard of a manifest.
#[derive(Debug, Clone, Default)]
pub struct SizeReport {
    /// One entry per shard, in manifest order.
    pub shards: Vec<ShardSize>,
}

impl SizeReport {
    /// (facilities, raw bytes, brotli bytes) over all shards.
    pub fn totals(&self) -> (usize, usize, usize) {
        self.shards.iter().fold((0, 0, 0), |(n, r, b), s| {
            (n + s.facilities, r + s.raw, b + s.brotli)
        })
    }
}

impl fmt::Display for SizeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<20} {:>10} {:>12} {:>12} {:>14}",
            "shard", "facilities", "raw bytes", "brotli bytes", "brotli B/fac"
        )?;
        for s in &self.shards {
            let per = s.brotli as f64 / s.facilities.max(1) as f64;
            writeln!(
                f,
                "{:<20} {:>10} {:>12} {:>12} {:>14.1}",
                s.file, s.facilities, s.raw, s.brotli, per
            )?;
        }
        let (n, raw, brotli) = self.totals();
        write!(
            f,
            "total: {n} facilities, {raw} bytes raw ({:.1} B/facility), {brotli} bytes brotli ({:.1} B/facility)",
            raw as f64 / n.max(1) as f64,
            brotli as f64 / n.max(1) as f64
        )
    }
}

/// Brotli-compresses `bytes` at quality 11 and returns the compressed size.
pub fn brotli_len(bytes: &[u8]) -> usize {
    let mut out = Vec::with_capacity(bytes.len() / 8);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        writer
            .write_all(bytes)
            .expect("writing to memory does not fail");
    }
    out.len()
}

/// Measures every shard `manifest` lists.
pub fn measure(manifest: &Path) -> Result<SizeReport, String> {
    let text = std::fs::read_to_string(manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let parsed = Manifest::from_json(&text)?;
    let dir = manifest.parent().unwrap_or(Path::new("."));
    let shards = std::thread::scope(|scope| {
        let handles: Vec<_> = parsed
            .districts
            .iter()
            .map(|entry| {
                scope.spawn(move || {
                    let bytes = std::fs::read(dir.join(&entry.file))
                        .map_err(|e| format!("cannot read {}: {e}", entry.file))?;
                    Ok(ShardSize {
                        file: entry.file.clone(),
                        facilities: entry.facilities,
                        raw: bytes.len(),
                        brotli: brotli_len(&bytes),
                    })
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("measuring does not panic"))
            .collect::<Result<Vec<_>, String>>()
    })?;
    Ok(SizeReport { shards })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repetitive_text_compresses_and_random_does_not() {
        let repetitive = "【示例】社区嵌入式服务中心".repeat(1000);
        assert!(brotli_len(repetitive.as_bytes()) < repetitive.len() / 50);
        let mut rng = linli_facilities::seeded::SplitMix64::new(1);
        let noise: Vec<u8> = (0..10_000).map(|_| rng.next_u64() as u8).collect();
        assert!(brotli_len(&noise) > 9_000);
    }
}
