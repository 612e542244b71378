//! The collector: the one server Linli needs. It stores needs-survey
//! answers and problem reports, and serves the built app and dataset.
//!
//! - **Nothing lost, nothing counted twice.** Every answer carries a UUID
//!   made on the resident's device. The collector inserts it and lets the
//!   database's primary key refuse a second row (never check, then
//!   insert): a new id is `201 Created`, an identical resend `200 OK`, a
//!   different body under a known id `409 Conflict`. A `201` or `200` is
//!   sent only after the row is committed.
//! - **Every field validated** by `linli_survey`; failures come back as
//!   `400` (not readable: bad JSON, unknown fields) or `422` (readable but
//!   wrong), each naming the field and the reason. Bodies over 16 KiB get
//!   `413`.
//! - **No one identifiable.** The survey asks for no personal data, no IP
//!   address is stored with answers, and logs carry method, path, status
//!   and time only.
//! - **SQLite by default** (WAL, `synchronous=FULL`), PostgreSQL when the
//!   database URL is a `postgres://` URL; migrations exist for both.
//!
//! [`app`] builds the whole router, so tests drive it without a socket.

pub mod access;
pub mod api;
pub mod client;
pub mod db;
pub mod limit;
pub mod research;
pub mod retention;
pub mod web;

pub use api::app;
pub use db::{Db, Stored};
pub use web::WebConfig;

/// The largest request body accepted, in bytes (16 KiB).
pub const MAX_BODY_BYTES: usize = 16 * 1024;
