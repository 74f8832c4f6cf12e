//! The demo's errors: each names what failed (the file, the transaction's label, the call) and keeps its cause.

use std::path::PathBuf;

/// What can go wrong in the demo.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A JSON file (`world.json`, `report.json`) could not be parsed or written.
    #[error("{path}: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// The world or the arguments are not what the demo needs.
    #[error("{0}")]
    Setup(String),
    /// A node request failed.
    #[error("rpc: {0}")]
    Rpc(#[from] alloy::transports::TransportError),
    /// A contract read failed.
    #[error("contract call: {0}")]
    Call(#[from] alloy::contract::Error),
    /// Signing failed.
    #[error("signing: {0}")]
    Sign(#[from] alloy::signers::Error),
    /// The keeper library failed (simulation, sending, reading the vault).
    #[error("{context}: {source}")]
    Keeper {
        /// What was being done (`sending deposit(3)`).
        context: String,
        /// The cause.
        #[source]
        source: ballast_keeper::Error,
    },
    /// A transaction would revert: the revm pre-flight's decoded reason.
    #[error("{label} would revert: {reason}")]
    WouldRevert {
        /// The transaction.
        label: String,
        /// The decoded reason.
        reason: String,
    },
    /// The strategy library refused (history generation, signal, weights).
    #[error("{context}: {message}")]
    Strategy {
        /// What was being computed.
        context: String,
        /// The library's message.
        message: String,
    },
    /// A number did not fit where it had to go.
    #[error("{0} out of range")]
    Range(&'static str),
}

/// The demo's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Attaches what was being done to a keeper error.
pub(crate) trait KeeperContext<T> {
    /// Wraps the error with `context()`.
    fn keeper_context(self, context: impl FnOnce() -> String) -> Result<T>;
}

impl<T> KeeperContext<T> for std::result::Result<T, ballast_keeper::Error> {
    fn keeper_context(self, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| Error::Keeper {
            context: context(),
            source,
        })
    }
}

/// A strategy-library error, with what was being computed.
pub(crate) fn strategy(context: impl Into<String>, e: impl std::fmt::Display) -> Error {
    Error::Strategy {
        context: context.into(),
        message: e.to_string(),
    }
}
