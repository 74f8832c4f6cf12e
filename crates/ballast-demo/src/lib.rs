//! The Ballast demo: a simulated year of weekly rebalancing epochs on a local anvil chain with real Uniswap V3.
//!
//! `script/DemoWorld.s.sol` deploys the world and writes `target/demo/world.json`; this crate drives it:
//! - [`scenario`]: a seeded price history from `ballast-strategy`'s generator, mapped onto the deployed tokens, the
//!   regime signal over it and the off-chain benchmarks (pure).
//! - [`planner`]: the keeper's simple trade planner (sells first, then buys; the forge fixture's rules) (pure).
//! - [`pool`]: Uniswap V3 price math for the arbitrageur (pure).
//! - [`report`]: NAV against the benchmarks, regime switches, gas per holder against do-it-yourself, the chart (pure
//!   but for writing the files).
//! - [`driver`]: the year on chain: feeds, arbitrage, deposits, epochs pre-flighted with the keeper's revm
//!   [`ballast_keeper::Simulator`] and sent with its [`ballast_keeper::Sender`], gas from receipts.

pub mod contracts;
pub mod driver;
pub mod error;
pub mod planner;
pub mod pool;
pub mod report;
pub mod scenario;
pub mod world;

pub use driver::{run, DemoConfig};
pub use error::{Error, Result};
pub use report::Report;

pub use scenario::Scenario;
pub use world::World;
