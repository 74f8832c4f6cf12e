//! Loaders for the formats people already have. Each takes a path (or text / a reader plus the name to report)
//! and fails on the first malformed record with its file, line and field; nothing is silently skipped.

mod history_csv;
mod markets_json;

pub use history_csv::{load_history_csv, read_history_csv};
pub use markets_json::{
    load_markets_json, load_metadata_json, parse_markets_json, parse_metadata_json,
};

use std::path::Path;

use crate::{Error, Result};

pub(crate) fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}
