//! datatool: the district data desk's tool for Linli's published dataset.
//!
//! - [`generate`]: the deterministic sample dataset;
//! - [`publish`]: district shards and the manifest;
//! - [`validate`]: every problem with its shard, feature index, id, field
//!   and reason;
//! - [`import`]: district lists (CSV/XLSX, Chinese headers, GCJ-02/BD-09)
//!   into the published format, with a report of every row;
//! - [`hsds`]: export to Open Referral HSDS 3.0;
//! - [`size`]: download sizes of the shards, raw and brotli.
//!
//! The binary (`src/main.rs`) only parses arguments, reads files and maps
//! results to exit codes.

pub mod generate;
pub mod hsds;
pub mod import;
pub mod publish;
pub mod size;
pub mod validate;

/// The holiday calendar shipped with the app.
pub const HOLIDAYS: &str = include_str!("../../../public/data/holidays.json");
