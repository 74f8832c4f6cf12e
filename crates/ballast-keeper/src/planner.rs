//! THE SEAM for the strategy crate: targets come in as [`Targets`], trades go out as a [`Plan`] from a
//! [`Planner`]. The [`ProportionalPlanner`] here is a deliberately simple PLACEHOLDER (sell what is above target
//! plus the band, then buy what is below, within the cash above its own target); `ballast-strategy` replaces it
//! by implementing [`Planner`] (and producing [`Targets`]) once its API settles.

use std::path::Path;

use alloy::primitives::{Address, U256};
use serde::Deserialize;

use crate::{
    chain::{mul_div, VaultSnapshot, PRICE_SCALE, WAD},
    Error, Result,
};

/// Target weights in WAD: one per component in `components()` order, then cash; they sum to exactly 1e18.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Targets {
    /// Component weights, in `components()` order.
    pub weights: Vec<u64>,
    /// The cash weight.
    pub cash: u64,
}

#[derive(Deserialize)]
struct TargetsFile {
    cash: u64,
    weights: std::collections::BTreeMap<String, u64>,
}

impl Targets {
    /// The vault's current targets ("keep current targets").
    pub fn current(s: &VaultSnapshot) -> Self {
        Self {
            weights: s.components.iter().map(|c| c.target_weight).collect(),
            cash: s.cash_target_weight,
        }
    }

    /// Reads a targets file (`.json` or `.toml`): `cash = <wad>` and `[weights]` keyed by token address or symbol.
    /// Components not named get 0.
    pub fn from_file(path: &Path, s: &VaultSnapshot) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let file: TargetsFile = if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text)
                .map_err(|e| Error::Plan(format!("{}: {e}", path.display())))?
        } else {
            toml::from_str(&text)
                .map_err(|e| Error::Plan(format!("{}: {}", path.display(), e.message())))?
        };
        let mut weights = vec![0u64; s.components.len()];
        for (key, w) in file.weights {
            let i = s
                .components
                .iter()
                .position(|c| {
                    key.parse::<Address>().ok() == Some(c.token)
                        || c.symbol.eq_ignore_ascii_case(&key)
                })
                .ok_or_else(|| {
                    Error::Plan(format!("targets: `{key}` is not a listed component"))
                })?;
            weights[i] = w;
        }
        let t = Self {
            weights,
            cash: file.cash,
        };
        t.validate(s.components.len())?;
        Ok(t)
    }

    /// One weight per component, summing (with cash) to exactly 1e18.
    pub fn validate(&self, components: usize) -> Result<()> {
        if self.weights.len() != components {
            return Err(Error::Plan(format!(
                "{} weights for {components} components",
                self.weights.len()
            )));
        }
        let sum: u128 = self.weights.iter().map(|w| *w as u128).sum::<u128>() + self.cash as u128;
        if sum != WAD as u128 {
            return Err(Error::Plan(format!(
                "weights and cash sum to {sum}, not 1e18"
            )));
        }
        Ok(())
    }
}

/// One trade: sell `amount_in` of `token_in` for `token_out` (one side is always the asset).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlannedTrade {
    /// Sold.
    pub token_in: Address,
    /// Bought.
    pub token_out: Address,
    /// Amount sold (base units).
    pub amount_in: U256,
    /// Expected output after fee and impact (`token_out` base units; 0 when the planner does not model it).
    pub expected_out: U256,
    /// The planner's own minimum output (oracle output less the slippage bound; 0 when not modelled).
    pub min_out: U256,
    /// Oracle value of the input, asset base units (0 when not modelled).
    pub value_in: U256,
    /// Expected fee and impact, asset base units (0 when not modelled).
    pub cost: U256,
}

/// Trades sent in one `executeTrades` transaction: `trades[first..first + len]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TradeBatch {
    /// Index of its first trade in [`Plan::trades`].
    pub first: usize,
    /// How many trades.
    pub len: usize,
    /// The planner's gas estimate.
    pub gas: u64,
}

/// The trades of one epoch, sells first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// In execution order.
    pub trades: Vec<PlannedTrade>,
    /// One transaction each, covering `trades` in order; empty means all trades in one transaction.
    pub batches: Vec<TradeBatch>,
    /// Expected fee and impact of all trades, asset base units.
    pub expected_cost: U256,
    /// Oracle value sold, asset base units.
    pub sold_value: U256,
}

impl Plan {
    /// The batches to send: [`Plan::batches`], or one holding every trade.
    pub fn tx_batches(&self) -> Vec<TradeBatch> {
        if self.batches.is_empty() && !self.trades.is_empty() {
            vec![TradeBatch {
                first: 0,
                len: self.trades.len(),
                gas: 0,
            }]
        } else {
            self.batches.clone()
        }
    }
}

/// What a planner sees.
#[derive(Clone, Copy, Debug)]
pub struct PlanInput<'a> {
    /// The chain state (balances, prices, cash).
    pub snapshot: &'a VaultSnapshot,
    /// The targets in force.
    pub targets: &'a Targets,
    /// The value the targets apply to (the epoch's NAV at opening less reserved redemptions).
    pub investable: U256,
    /// The NAV the band is measured on.
    pub nav: U256,
    /// The no-trade band (WAD of NAV).
    pub band_wad: u64,
    /// The strategy's opaque `[strategy]` table.
    pub params: &'a toml::Table,
}

/// Turns targets and state into trades. Implemented by the placeholder below, later by the strategy crate.
pub trait Planner: Send + Sync {
    /// The trades that move the vault toward `input.targets`.
    fn plan(&self, input: &PlanInput<'_>) -> Result<Plan>;
}

/// PLACEHOLDER planner (to be replaced by `ballast-strategy`): sells each component above target + band down to
/// its target, then buys each below target − band up to its target, scaled down to the cash available above the
/// cash target (counting sells at 98% of their oracle value).
#[derive(Clone, Copy, Debug, Default)]
pub struct ProportionalPlanner;

impl Planner for ProportionalPlanner {
    fn plan(&self, input: &PlanInput<'_>) -> Result<Plan> {
        let s = input.snapshot;
        input.targets.validate(s.components.len())?;
        let wad = U256::from(WAD);
        let band = mul_div(input.nav, U256::from(input.band_wad), wad);
        let mut sells = Vec::new();
        let mut buys = Vec::new();
        let mut cash = s.cash;
        for (c, w) in s.components.iter().zip(&input.targets.weights) {
            let Some(price) = c.price.filter(|p| !p.is_zero()) else {
                continue;
            };
            let target = mul_div(input.investable, U256::from(*w), wad);
            if c.value > target + band {
                let amount = mul_div(c.value - target, PRICE_SCALE, price).min(c.balance);
                if !amount.is_zero() {
                    cash += mul_div(c.value - target, U256::from(98u64), U256::from(100u64));
                    sells.push(PlannedTrade {
                        token_in: c.token,
                        token_out: s.asset,
                        amount_in: amount,
                        ..Default::default()
                    });
                }
            } else if c.value + band < target {
                buys.push((c.token, target - c.value));
            }
        }
        let cash_target = mul_div(input.investable, U256::from(input.targets.cash), wad);
        let spendable = cash.saturating_sub(cash_target);
        let wanted: U256 = buys.iter().map(|(_, v)| *v).fold(U256::ZERO, |a, b| a + b);
        for (token, value) in buys {
            let amount = if wanted > spendable {
                mul_div(value, spendable, wanted)
            } else {
                value
            };
            if !amount.is_zero() {
                sells.push(PlannedTrade {
                    token_in: s.asset,
                    token_out: token,
                    amount_in: amount,
                    ..Default::default()
                });
            }
        }
        Ok(Plan {
            trades: sells,
            ..Default::default()
        })
    }
}
