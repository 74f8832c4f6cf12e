//! The typed config sections of the strategy wiring: `[pools]`, `[routes]`, `[plan]`, `[market]`, `[regime]` and
//! `[run]`. Each is read with serde (unknown keys are errors) and checked by [`crate::Config`]; all are optional.
//!
//! ```toml
//! [pools]                                  # per token (address or symbol), or `default`
//! default = { fee = 3000, depth = 5000000 }                  # fee in pips; depth in whole asset units per side
//! WBTC = { fee = 500, depth = 20000000 }
//! "0x…" = { fee = 3000, depth = 1000000, via = "0x…WETH", via_fee = 500 }   # two hops: token → via → asset
//!
//! [uniswap]                                # optional: read each direct pool's depth on chain instead of `depth`
//! factory = "0x…"                          # Uniswap V3 factory; pool = getPool(token, asset, [pools] fee)
//!
//! [routes]                                 # per adapter: how trades' `route` bytes are built (default: empty)
//! "0x…adapter" = { kind = "uniswap-v3", deadline_secs = 300 }
//!
//! [plan]                                   # the strategy planner's parameters
//! planner = "strategy"                     # or "proportional" (the old placeholder)
//! min_trade_value = 500                    # whole asset units
//! max_impact_bps = 50
//! relative_band_bps = 2000
//! max_chunks = 10
//! gas_per_trade = 180000
//! gas_per_tx = 80000
//! tx_gas_budget = 3000000                  # at most gas.limit
//!
//! [market]                                 # where new target weights come from
//! source = "file"                          # or "http"
//! path = "markets.json"                    # CoinGecko coins/markets JSON (file source)
//! url = "http://…/coins/markets"           # same shape (http source)
//! metadata = "tokens.json"                 # optional overlay: ids → token address/decimals, flags
//! timeout_secs = 10
//! retries = 3
//! backoff_ms = 500
//! min_interval_ms = 1200                   # rate limit: at least this long between two requests
//! unknown_tokens = "error"                 # or "skip": a universe member the vault does not list
//! size = 100
//! buffer = 20
//! min_volume_usd = 1000000
//! scheme = "capped"                        # "market-cap", "capped" (with cap_wad) or "equal"
//! cap_wad = 250000000000000000
//! cash_wad = 50000000000000000             # at least the rebalancer's cashBufferWad
//!
//! [regime]                                 # the daily regime check
//! history = "history.csv"                  # date,id,price,market_cap,volume (the index level is recomputed)
//! metadata = "tokens.json"                 # optional overlay for the history's assets
//! ma_days = 140
//! band = 0.05
//! breadth = true
//! min_dwell_days = 14
//! hour_utc = 0
//!
//! [run]                                    # the daemon
//! tick_secs = 30
//! clock = "system"                         # or "chain" (the latest block's timestamp; for tests and replays)
//! sweep_threshold_wad = 20000000000000000  # sweep when cash is this far above its target weight
//! ```

use std::{collections::BTreeMap, path::PathBuf};

use alloy::primitives::Address;
use serde::Deserialize;

/// One token's pool against the asset, as the planner models it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PoolSpec {
    /// The fee tier, in pips (Uniswap: 100, 500, 3000, 10000).
    pub fee: u32,
    /// Value of one side of the pool, in whole asset units.
    pub depth: f64,
    /// An intermediate token for a two-hop route (token → via → asset).
    #[serde(default)]
    pub via: Option<Address>,
    /// The fee tier of the `via` → asset hop (default: `fee`).
    #[serde(default)]
    pub via_fee: Option<u32>,
}

/// How an adapter's routes are built.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum RouteKind {
    /// An empty route (the test adapter).
    #[default]
    Empty,
    /// `abi.encode(uint256 deadline, bytes path)` with Uniswap V3's packed path.
    UniswapV3,
}

/// One adapter's route settings.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    /// The kind.
    pub kind: RouteKind,
    /// The swap deadline, seconds after the block the trade is planned on.
    #[serde(default = "default_deadline")]
    pub deadline_secs: u64,
}

fn default_deadline() -> u64 {
    300
}

/// Which planner.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum PlannerKind {
    /// `ballast_strategy::plan_trades` (pools, impact, chunks, batches).
    #[default]
    Strategy,
    /// The keeper's old proportional placeholder.
    Proportional,
}

/// `[plan]`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PlanSettings {
    /// Which planner.
    pub planner: PlannerKind,
    /// Least trade value, whole asset units.
    pub min_trade_value: f64,
    /// Largest expected impact of one trade, bps.
    pub max_impact_bps: u32,
    /// Band as a share of the weight, bps (0: the rebalancer's band for every leg).
    pub relative_band_bps: u32,
    /// Most chunks of one component's move.
    pub max_chunks: u32,
    /// Gas of one trade inside `executeTrades`.
    pub gas_per_trade: u64,
    /// Fixed gas of one `executeTrades`.
    pub gas_per_tx: u64,
    /// Most gas one `executeTrades` may use (also capped by `gas.limit`).
    pub tx_gas_budget: u64,
}

impl Default for PlanSettings {
    fn default() -> Self {
        Self {
            planner: PlannerKind::Strategy,
            min_trade_value: 500.0,
            max_impact_bps: 50,
            relative_band_bps: 2_000,
            max_chunks: 10,
            gas_per_trade: 180_000,
            gas_per_tx: 80_000,
            tx_gas_budget: 3_000_000,
        }
    }
}

/// Where market data comes from.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A snapshot file.
    File,
    /// An HTTP JSON endpoint.
    Http,
}

/// What to do with a universe member the vault does not list.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum UnknownTokens {
    /// Fail, naming the token.
    #[default]
    Error,
    /// Leave it out (with a warning) and weigh the others.
    Skip,
}

/// The weighting scheme.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SchemeKind {
    /// By market cap.
    MarketCap,
    /// By market cap, capped at `cap_wad`.
    #[default]
    Capped,
    /// Equal.
    Equal,
}

/// `[market]`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MarketSettings {
    /// File or HTTP.
    pub source: SourceKind,
    /// The snapshot file (file source).
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// The endpoint (http source).
    #[serde(default)]
    pub url: Option<String>,
    /// The metadata overlay (token addresses, flags).
    #[serde(default)]
    pub metadata: Option<PathBuf>,
    /// Per-request timeout.
    #[serde(default = "d_timeout")]
    pub timeout_secs: u64,
    /// Retries after the first attempt.
    #[serde(default = "d_retries")]
    pub retries: u32,
    /// First backoff (doubles each retry).
    #[serde(default = "d_backoff")]
    pub backoff_ms: u64,
    /// Least time between two requests.
    #[serde(default = "d_interval")]
    pub min_interval_ms: u64,
    /// Unknown universe members.
    #[serde(default)]
    pub unknown_tokens: UnknownTokens,
    /// Universe size.
    #[serde(default = "d_size")]
    pub size: usize,
    /// Incumbency buffer.
    #[serde(default = "d_buffer")]
    pub buffer: usize,
    /// Least 24 h volume.
    #[serde(default = "d_volume")]
    pub min_volume_usd: f64,
    /// Weighting.
    #[serde(default)]
    pub scheme: SchemeKind,
    /// Cap of one weight (capped scheme), WAD.
    #[serde(default = "d_cap")]
    pub cap_wad: u64,
    /// Cash weight, WAD (raised to the rebalancer's cash buffer).
    #[serde(default = "d_cash")]
    pub cash_wad: u64,
}

fn d_timeout() -> u64 {
    10
}
fn d_retries() -> u32 {
    3
}
fn d_backoff() -> u64 {
    500
}
fn d_interval() -> u64 {
    1_200
}
fn d_size() -> usize {
    100
}
fn d_buffer() -> usize {
    20
}
fn d_volume() -> f64 {
    1_000_000.0
}
fn d_cap() -> u64 {
    250_000_000_000_000_000
}
fn d_cash() -> u64 {
    50_000_000_000_000_000
}

/// `[regime]`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RegimeSettings {
    /// The daily history (CSV `date,id,price,market_cap,volume`); the index level is recomputed from it.
    pub history: PathBuf,
    /// Metadata overlay for the history's assets.
    #[serde(default)]
    pub metadata: Option<PathBuf>,
    /// Moving-average window, days.
    #[serde(default = "d_ma")]
    pub ma_days: usize,
    /// Hysteresis band (fraction).
    #[serde(default = "d_band")]
    pub band: f64,
    /// Whether breadth confirms.
    #[serde(default = "d_true")]
    pub breadth: bool,
    /// Least days between switches (the chain's `minDwell` applies too).
    #[serde(default = "d_dwell")]
    pub min_dwell_days: i32,
    /// Hour (UTC) of the daily check.
    #[serde(default)]
    pub hour_utc: u8,
}

fn d_ma() -> usize {
    140
}
fn d_band() -> f64 {
    0.05
}
fn d_true() -> bool {
    true
}
fn d_dwell() -> i32 {
    14
}

/// The daemon's clock.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ClockKind {
    /// Wall time.
    #[default]
    System,
    /// The latest block's timestamp.
    Chain,
}

/// `[run]`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct RunSettings {
    /// Seconds between two looks at the chain.
    pub tick_secs: u64,
    /// The clock.
    pub clock: ClockKind,
    /// Sweep when cash is this far (WAD of NAV) above its target weight.
    pub sweep_threshold_wad: u64,
}

impl Default for RunSettings {
    fn default() -> Self {
        Self {
            tick_secs: 30,
            clock: ClockKind::System,
            sweep_threshold_wad: 20_000_000_000_000_000,
        }
    }
}

/// The strategy sections together.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    /// `[pools]` by key (address, symbol or `default`).
    pub pools: BTreeMap<String, PoolSpec>,
    /// `[routes]` by adapter.
    pub routes: BTreeMap<Address, RouteSpec>,
    /// `[plan]`.
    pub plan: PlanSettings,
    /// `[market]`.
    pub market: Option<MarketSettings>,
    /// `[regime]`.
    pub regime: Option<RegimeSettings>,
    /// `[run]`.
    pub run: RunSettings,
    /// `[uniswap]`: where pool depths are read on chain (none: `[pools]` depths).
    pub uniswap: Option<UniswapSettings>,
}

/// `[uniswap]`: pools read on chain.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct UniswapSettings {
    /// The Uniswap V3 factory: each component's pool is `getPool(token, asset, fee)` with the fee from `[pools]`,
    /// and its depth is read from the pool's liquidity and price at the planned block.
    pub factory: Address,
}

/// The section names [`Settings::take`] reads.
pub const SECTIONS: &[&str] = &[
    "pools", "routes", "plan", "market", "regime", "run", "uniswap",
];

impl Settings {
    /// Reads one section; `Err((section, reason))`.
    pub(crate) fn take(
        &mut self,
        section: &str,
        value: toml::Value,
    ) -> std::result::Result<(), String> {
        fn de<T: serde::de::DeserializeOwned>(v: toml::Value) -> std::result::Result<T, String> {
            v.try_into::<T>().map_err(|e| e.message().to_string())
        }
        match section {
            "pools" => {
                self.pools = de(value)?;
                for (k, p) in &self.pools {
                    for fee in std::iter::once(p.fee).chain(p.via_fee) {
                        if fee >= 1_000_000 {
                            return Err(format!("{k}: fee {fee} pips is not under 1e6"));
                        }
                    }
                    if !(p.depth.is_finite() && p.depth >= 0.0) {
                        return Err(format!("{k}: depth must be a non-negative number"));
                    }
                }
            }
            "routes" => self.routes = de(value)?,
            "plan" => {
                self.plan = de(value)?;
                if self.plan.max_impact_bps == 0 || self.plan.max_impact_bps >= 10_000 {
                    return Err("max_impact_bps must be in (0, 10000)".into());
                }
                if !(self.plan.min_trade_value.is_finite() && self.plan.min_trade_value >= 0.0) {
                    return Err("min_trade_value must be a non-negative number".into());
                }
            }
            "market" => {
                let m: MarketSettings = de(value)?;
                match m.source {
                    SourceKind::File if m.path.is_none() => {
                        return Err("source = \"file\" needs `path`".into())
                    }
                    SourceKind::Http if m.url.is_none() => {
                        return Err("source = \"http\" needs `url`".into())
                    }
                    _ => {}
                }
                self.market = Some(m);
            }
            "regime" => {
                let r: RegimeSettings = de(value)?;
                if r.hour_utc > 23 {
                    return Err("hour_utc must be in 0..=23".into());
                }
                self.regime = Some(r);
            }
            "uniswap" => {
                let u: UniswapSettings = de(value)?;
                if u.factory.is_zero() {
                    return Err("factory must not be the zero address".into());
                }
                self.uniswap = Some(u);
            }
            "run" => {
                self.run = de(value)?;
                if self.run.tick_secs == 0 {
                    return Err("tick_secs must be at least 1".into());
                }
            }
            other => return Err(format!("unknown section [{other}]")),
        }
        Ok(())
    }
}
