//! Export to Open Referral HSDS 3.0 (being written).

use std::fmt;
use std::path::Path;

/// What an export wrote.
#[derive(Debug, Clone, Default)]
pub struct HsdsSummary {
    /// Files written.
    pub files: Vec<String>,
}

impl fmt::Display for HsdsSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wrote {}", self.files.join(", "))
    }
}

/// Exports the dataset behind `manifest` as HSDS 3.0 JSON into `out`.
pub fn export_hsds(manifest: &Path, out: &Path) -> Result<HsdsSummary, String> {
    Err(format!("HSDS export of {} into {} is not written yet", manifest.display(), out.display()))
}
