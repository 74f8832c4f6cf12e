//! The market data model: assets, snapshots and histories.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::{Address, Day, Error, Result};

/// Where an asset lives on the target chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// The ERC-20 address.
    pub address: Address,
    /// The token's decimals.
    pub decimals: u8,
}

/// What an asset is, independent of its market numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetMeta {
    /// A stable identifier (CoinGecko-style, e.g. `bitcoin`).
    pub id: String,
    /// The ticker symbol.
    pub symbol: String,
    /// Whether the asset is a stablecoin (never an index component).
    #[serde(default)]
    pub stablecoin: bool,
    /// The id of the asset this one wraps, bridges or stakes (e.g. `wrapped-bitcoin` → `bitcoin`).
    #[serde(default)]
    pub derivative_of: Option<String>,
    /// The token on the target chain, if there is one.
    #[serde(default)]
    pub token: Option<TokenInfo>,
}

impl AssetMeta {
    /// Metadata knowing only the id: the symbol is the id, no flags, no token.
    pub fn bare(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            symbol: id.to_owned(),
            stablecoin: false,
            derivative_of: None,
            token: None,
        }
    }
}

/// One asset in a market snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asset {
    /// Identity, category flags and token.
    #[serde(flatten)]
    pub meta: AssetMeta,
    /// Price of one whole token in USD.
    pub price_usd: f64,
    /// Market capitalisation in USD.
    pub market_cap_usd: f64,
    /// Traded volume over the last 24 hours in USD.
    pub volume_24h_usd: f64,
}

/// The market on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketSnapshot {
    /// The day the numbers are for.
    pub day: Day,
    /// The assets, in no particular order.
    pub assets: Vec<Asset>,
}

/// An asset's numbers on one day of a history.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// Price of one whole token in USD (positive).
    pub price_usd: f64,
    /// Market capitalisation in USD (non-negative).
    pub market_cap_usd: f64,
    /// Traded volume over the day in USD (non-negative).
    pub volume_24h_usd: f64,
}

impl Observation {
    /// Checks that the numbers are finite, the price positive and the rest non-negative; on failure names the field.
    pub fn check(&self) -> std::result::Result<(), (&'static str, String)> {
        check_number("price", self.price_usd, true)?;
        check_number("market_cap", self.market_cap_usd, false)?;
        check_number("volume", self.volume_24h_usd, false)
    }
}

pub(crate) fn check_number(
    field: &'static str,
    value: f64,
    positive: bool,
) -> std::result::Result<(), (&'static str, String)> {
    if !value.is_finite() {
        return Err((field, format!("{value} is not a finite number")));
    }
    if positive && value <= 0.0 {
        return Err((field, format!("{value} is not positive")));
    }
    if value < 0.0 {
        return Err((field, format!("{value} is negative")));
    }
    Ok(())
}

/// A daily price, market-cap and volume history of many assets.
///
/// `rows[t][i]` is asset `i` on day `days[t]`, `None` when the asset is not listed that day (before it enters or
/// after it leaves the data set). Days are strictly increasing; they need not be consecutive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct History {
    days: Vec<Day>,
    assets: Vec<AssetMeta>,
    rows: Vec<Vec<Option<Observation>>>,
}

impl History {
    /// Builds a history, checking its shape: strictly increasing days, unique asset ids, one row per day of one
    /// entry per asset, and valid numbers.
    pub fn new(
        days: Vec<Day>,
        assets: Vec<AssetMeta>,
        rows: Vec<Vec<Option<Observation>>>,
    ) -> Result<Self> {
        if days.windows(2).any(|w| w[0] >= w[1]) {
            return Err(Error::invalid(
                "history",
                "days are not strictly increasing",
            ));
        }
        if rows.len() != days.len() {
            return Err(Error::invalid(
                "history",
                format!("{} rows for {} days", rows.len(), days.len()),
            ));
        }
        let mut seen = HashMap::new();
        for (i, asset) in assets.iter().enumerate() {
            if let Some(first) = seen.insert(asset.id.as_str(), i) {
                return Err(Error::invalid(
                    "history",
                    format!("asset `{}` listed twice ({first}, {i})", asset.id),
                ));
            }
        }
        for (t, row) in rows.iter().enumerate() {
            if row.len() != assets.len() {
                return Err(Error::invalid(
                    "history",
                    format!("row {t} has {} entries", row.len()),
                ));
            }
            for (i, obs) in row.iter().enumerate() {
                if let Some(Err((field, reason))) = obs.map(|o| o.check()) {
                    let id = &assets[i].id;
                    return Err(Error::invalid(
                        "history",
                        format!("{id} on {}: {field}: {reason}", days[t]),
                    ));
                }
            }
        }
        Ok(Self { days, assets, rows })
    }

    /// The days, strictly increasing.
    pub fn days(&self) -> &[Day] {
        &self.days
    }

    /// The assets' metadata, in column order.
    pub fn assets(&self) -> &[AssetMeta] {
        &self.assets
    }

    /// The observations of day index `t`, one per asset (in column order).
    pub fn row(&self, t: usize) -> &[Option<Observation>] {
        &self.rows[t]
    }

    /// Number of days.
    pub fn len(&self) -> usize {
        self.days.len()
    }

    /// Whether the history has no days.
    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    /// The column of an asset id.
    pub fn asset_index(&self, id: &str) -> Option<usize> {
        self.assets.iter().position(|a| a.id == id)
    }

    /// Asset `i` on day index `t`.
    pub fn get(&self, t: usize, i: usize) -> Option<Observation> {
        self.rows
            .get(t)
            .and_then(|row| row.get(i))
            .copied()
            .flatten()
    }

    /// The market snapshot of day index `t`: every asset listed that day.
    pub fn snapshot(&self, t: usize) -> MarketSnapshot {
        let assets = self.rows[t]
            .iter()
            .zip(&self.assets)
            .filter_map(|(obs, meta)| {
                obs.map(|o| Asset {
                    meta: meta.clone(),
                    price_usd: o.price_usd,
                    market_cap_usd: o.market_cap_usd,
                    volume_24h_usd: o.volume_24h_usd,
                })
            })
            .collect();
        MarketSnapshot {
            day: self.days[t],
            assets,
        }
    }

    /// Replaces the metadata of every asset named in `meta` (matched by id); returns how many were replaced.
    pub fn apply_metadata(&mut self, meta: &[AssetMeta]) -> usize {
        apply_metadata_by_id(self.assets.iter_mut(), meta)
    }
}

/// Replaces the metadata of the assets of a snapshot named in `meta` (matched by id), keeping the market numbers;
/// returns how many were replaced. CoinGecko's `coins/markets` has no category flags or chain addresses, so these
/// come from a separate, reviewed metadata file.
pub fn apply_metadata(assets: &mut [Asset], meta: &[AssetMeta]) -> usize {
    apply_metadata_by_id(assets.iter_mut().map(|a| &mut a.meta), meta)
}

fn apply_metadata_by_id<'a>(
    targets: impl Iterator<Item = &'a mut AssetMeta>,
    meta: &[AssetMeta],
) -> usize {
    let by_id: HashMap<&str, &AssetMeta> = meta.iter().map(|m| (m.id.as_str(), m)).collect();
    let mut replaced = 0;
    for target in targets {
        if let Some(m) = by_id.get(target.id.as_str()) {
            *target = (*m).clone();
            replaced += 1;
        }
    }
    replaced
}
