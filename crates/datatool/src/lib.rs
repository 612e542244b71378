//! datatool: the district data desk's tool for Linli's published dataset.
//!
//! - [`generate`]: the deterministic sample dataset;
//! - [`publish`]: district shards and the manifest;
//! - [`validate`]: every problem with its shard, feature index, id, field
//!   and reason;
//! - [`hsds`]: export to Open Referral HSDS 3.0.
//!
//! The binary (`src/main.rs`) only parses arguments, reads files and maps
//! results to exit codes.

pub mod generate;
pub mod hsds;
pub mod publish;
pub mod validate;

/// The holiday calendar shipped with the app.
pub const HOLIDAYS: &str = include_str!("../../../public/data/holidays.json");
