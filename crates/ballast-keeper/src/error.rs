//! The keeper library's error type.

use alloy::primitives::{Address, TxHash};

/// A `Result` whose error is the keeper's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the keeper library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration is invalid: `key` names the offending key (TOML path or environment variable).
    #[error("invalid config `{key}`: {reason}")]
    Config {
        /// The TOML key (`contracts.vault`) or environment variable (`BALLAST_VAULT`).
        key: String,
        /// Why it is invalid.
        reason: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The signing key could not be loaded (wrong password, unreadable keystore, malformed key).
    #[error("signing key: {0}")]
    Key(String),
    /// An RPC call failed.
    #[error("rpc: {0}")]
    Rpc(String),
    /// A contract call reverted; `reason` is decoded (`EpochIdMismatch(3, 4)`) when the error is known.
    #[error("{call} reverted: {reason}")]
    Revert {
        /// The call that reverted.
        call: String,
        /// The decoded revert reason.
        reason: String,
    },
    /// The revm simulation itself failed (database or environment error, not a revert).
    #[error("simulation: {0}")]
    Simulation(String),
    /// The chain's state is not what the keeper expects (a missing contract, inconsistent data).
    #[error("chain state: {0}")]
    State(String),
    /// The next block's base fee stays above the configured cap; the keeper waited and will not overpay.
    #[error("base fee {base_fee} wei is above the cap {cap} wei")]
    FeeAboveCap {
        /// The next block's base fee.
        base_fee: u128,
        /// The configured `gas.max_fee_gwei` in wei.
        cap: u128,
    },
    /// Transactions of this sender are pending that this keeper did not send (another keeper, or a previous run).
    #[error(
        "{address} has {count} pending transaction(s) from nonce {from}: another sender is active"
    )]
    ForeignPending {
        /// The sender.
        address: Address,
        /// The first pending nonce.
        from: u64,
        /// How many are pending.
        count: u64,
    },
    /// A transaction was not included (or not confirmed) before the deadline.
    #[error("transaction at nonce {nonce} not confirmed in time (sent as {hashes:?})")]
    ReceiptTimeout {
        /// The nonce.
        nonce: u64,
        /// Every hash broadcast for it (the original and its replacements).
        hashes: Vec<TxHash>,
    },
    /// A transaction was mined but reverted.
    #[error("transaction {hash} reverted on chain")]
    MinedRevert {
        /// Its hash.
        hash: TxHash,
    },
    /// The node refused a transaction for a reason a retry cannot fix (insufficient funds, invalid signature...).
    #[error("transaction refused: {0}")]
    Refused(String),
    /// A component's price is unavailable (stale or invalid feed): the keeper does not trade.
    #[error("price of {symbol} ({token}) is unavailable (stale or invalid feed): not trading")]
    StalePrice {
        /// The token.
        token: Address,
        /// Its symbol.
        symbol: String,
    },
    /// Market data could not be fetched or mapped onto the vault.
    #[error("market data: {0}")]
    Market(String),
    /// A targets or plan input is invalid.
    #[error("plan: {0}")]
    Plan(String),
}

impl Error {
    /// An [`Error::Config`] for `key`.
    pub fn config(key: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Config {
            key: key.into(),
            reason: reason.into(),
        }
    }

    /// An [`Error::Rpc`] from any displayable error.
    pub fn rpc(e: impl std::fmt::Display) -> Self {
        Self::Rpc(e.to_string())
    }
}
