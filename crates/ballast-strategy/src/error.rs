//! The crate's error type.

use thiserror::Error;

/// Everything that can go wrong in the strategy library.
///
/// Loaders name the file, the line and the field of a malformed record; the planner names the quantity that is
/// invalid or that would overflow. Nothing is silently skipped or clamped.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path that failed.
        path: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A record in an input file is malformed: a missing, empty, mistyped or out-of-range field.
    #[error("{file}:{line}: field `{field}`: {reason}")]
    Malformed {
        /// The file (or the name given to the reader).
        file: String,
        /// The 1-based line of the record.
        line: u64,
        /// The offending field (`<record>` or `<document>` when the whole record or document is at fault).
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A parameter or an input value is invalid (the `what` names it).
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// The parameter or input at fault.
        what: &'static str,
        /// Why it is invalid.
        reason: String,
    },
    /// An integer computation would overflow (the value math refuses rather than wraps).
    #[error("arithmetic overflow computing {0}")]
    Overflow(&'static str),
    /// Target weights, cash leg included, do not sum to exactly 1e18.
    #[error("target weights sum to {sum}, expected exactly 1e18 (WAD)")]
    WeightSum {
        /// The actual sum.
        sum: u128,
    },
    /// A report could not be encoded as JSON.
    #[error("encoding {what}: {source}")]
    Encode {
        /// What was being encoded.
        what: &'static str,
        /// The underlying serde_json error.
        #[source]
        source: serde_json::Error,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub(crate) fn invalid(what: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            what,
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::Malformed`].
    pub(crate) fn malformed(
        file: &str,
        line: u64,
        field: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self::Malformed {
            file: file.to_owned(),
            line,
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::Io`].
    pub(crate) fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}
