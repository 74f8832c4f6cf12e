//! The Ballast keeper: reads the vault and its rebalancer, plans and simulates (revm, on a fork of the latest
//! block) and sends the rebalancing epochs (open → executeTrades → close), with its own nonce, fee and receipt
//! handling. The `ballast` binary is a thin CLI over this library.
//!
//! Modules, in the order data flows through them:
//! - [`config`]: one TOML file plus `BALLAST_*` environment overrides, validated at start.
//! - [`keys`]: the signing key (encrypted keystore, or a raw key on anvil only); never logged.
//! - [`bindings`]: `sol!` bindings compiled from the project's own contracts at build time.
//! - [`revert`]: decodes revert data into `Name(args)` using every custom error of the contracts.
//! - [`chain`]: reads the vault's state ([`VaultSnapshot`]).
//! - [`status`] / [`quote`]: the `status` and `quote deposit` reports.
//! - [`simulate`]: pre-flight simulation with revm over AlloyDB.
//! - [`sender`]: one sender per key: nonce, EIP-1559 fees under a cap, rebroadcast/replace, confirmations.
//! - [`settings`]: the typed `[pools]`, `[routes]`, `[plan]`, `[market]`, `[regime]`, `[run]` sections.
//! - [`market`]: market data (snapshot file or HTTP) → universe → weights → the vault's [`Targets`].
//! - [`planner`]: the seam where targets and trades come in; [`strategy`] plugs `ballast-strategy` into it.
//! - [`route`]: adapter routes (Uniswap V3 packed paths).
//! - [`regime`]: the daily regime check.
//! - [`runner`]: one idempotent, resumable rebalancing run.
//! - [`daemon`]: the `run` loop (weekly rebalance, daily regime check, cash sweeps) on a [`daemon::Clock`].
//! - [`deploy`]: `ballast deploy`, the production stack from a spec, restartable.
//! - [`metrics`] / [`telemetry`]: Prometheus metrics, `/health`, tracing.

pub mod bindings;
pub mod chain;
pub mod config;
pub mod daemon;
pub mod deploy;
mod error;
pub mod keys;
pub mod market;
pub mod metrics;
pub mod plan_report;
pub mod planner;
pub mod pools;
pub mod quote;
pub mod regime;
pub mod revert;
pub mod route;
pub mod runner;
pub mod sender;
pub mod settings;
pub mod simulate;
pub mod status;
pub mod strategy;
pub mod telemetry;
pub mod units;

pub use chain::{ComponentState, EpochState, VaultSnapshot};
pub use config::Config;
pub use error::{Error, Result};
pub use keys::{KeySource, Secret};
pub use metrics::Metrics;
pub use planner::{
    Plan, PlanInput, PlannedTrade, Planner, ProportionalPlanner, Targets, TradeBatch,
};
pub use revert::RevertDecoder;
pub use route::RouteBuilder;
pub use runner::{Outcome, Runner, TargetSource};
pub use sender::{FeePolicy, Intent, Sender, SentTx};
pub use settings::Settings;
pub use simulate::{gas_limit_for, SimOutcome, SimTx, Simulator, PRICE_HEADROOM};
pub use strategy::{PoolBook, StrategyPlanner};
