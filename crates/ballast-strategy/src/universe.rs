//! The index universe: the top N assets by market cap after exclusions, with an incumbency buffer.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::{Asset, Error, Result, TokenInfo};

/// How the universe is chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UniverseConfig {
    /// N: the number of components (100 by default).
    pub size: usize,
    /// Incumbents stay while their rank is at most `size + buffer` (20 by default).
    pub buffer: usize,
    /// Least 24-hour volume in USD for an asset to be eligible (1,000,000 by default).
    pub min_volume_usd: f64,
    /// Whether assets without a token on the target chain are excluded (true by default; the vault can only hold
    /// tokens).
    pub require_token: bool,
}

impl Default for UniverseConfig {
    fn default() -> Self {
        Self {
            size: 100,
            buffer: 20,
            min_volume_usd: 1_000_000.0,
            require_token: true,
        }
    }
}

/// Why an asset is not in the universe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Exclusion {
    /// It is a stablecoin.
    Stablecoin,
    /// It has no token on the target chain.
    NoToken,
    /// Its 24-hour volume is under the minimum.
    Illiquid,
    /// Another member of its family (the asset and its wrapped / bridged / staked derivatives) represents it.
    Represented {
        /// The id of the family member that is kept.
        by: String,
    },
    /// Eligible, but ranked below the cut (N, or N + buffer for an incumbent).
    Rank {
        /// Its rank among eligible families (1 = largest).
        rank: usize,
    },
}

/// One component of the universe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// The asset held (for a family, its largest eligible member).
    pub id: String,
    /// The family's root asset id (the asset itself unless it is a derivative).
    pub family: String,
    /// The market cap the family ranks and weighs by: its largest member's (e.g. BTC's for wrapped BTC).
    pub market_cap_usd: f64,
    /// The held asset's price in USD.
    pub price_usd: f64,
    /// Rank among eligible families (1 = largest).
    pub rank: usize,
    /// Whether the family was in the previous universe.
    pub incumbent: bool,
    /// The token on the target chain (always present when `require_token` is set).
    pub token: Option<TokenInfo>,
}

/// The result of a universe selection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Universe {
    /// The components, by rank.
    pub members: Vec<Member>,
    /// Every other asset of the snapshot and why it is out, sorted by id.
    pub excluded: Vec<(String, Exclusion)>,
}

impl Universe {
    /// The member ids, by rank (pass them back as the next selection's incumbents).
    pub fn ids(&self) -> Vec<String> {
        self.members.iter().map(|m| m.id.clone()).collect()
    }
}

/// Selects the universe from a snapshot.
///
/// 1. Exclude stablecoins, assets without a token on the target chain (when required) and assets whose 24-hour
///    volume is under the minimum.
/// 2. Group each asset with its derivatives into a family (following `derivative_of` to the root). A family ranks
///    by its largest member's market cap, eligible or not (wrapped BTC ranks as BTC), and is held through its
///    largest *eligible* member; the others are `Represented`.
/// 3. Rank families by market cap, descending, ties by id. Incumbent families (those containing an id in
///    `incumbents`) ranked within `size + buffer` stay, best ranked first; the remaining places go to the best
///    ranked other families.
pub fn select_universe(
    assets: &[Asset],
    incumbents: &[String],
    config: &UniverseConfig,
) -> Result<Universe> {
    if config.size == 0 {
        return Err(Error::invalid("universe size", "must be at least 1"));
    }
    let by_id: HashMap<&str, &Asset> = assets.iter().map(|a| (a.meta.id.as_str(), a)).collect();
    if by_id.len() != assets.len() {
        return Err(Error::invalid("snapshot", "an asset id appears twice"));
    }
    for a in assets {
        if !(a.market_cap_usd.is_finite()
            && a.market_cap_usd >= 0.0
            && a.volume_24h_usd.is_finite())
        {
            return Err(Error::invalid(
                "snapshot",
                format!("`{}` has a non-finite market cap or volume", a.meta.id),
            ));
        }
    }
    let family_of = |id: &str| -> String { root_of(id, &by_id) };
    let incumbent_families: HashSet<String> = incumbents.iter().map(|id| family_of(id)).collect();

    let mut excluded = Vec::new();
    // family -> (ranking cap, best eligible asset)
    let mut families: HashMap<String, (f64, Option<&Asset>)> = HashMap::new();
    for a in assets {
        let family = family_of(&a.meta.id);
        let entry = families.entry(family).or_insert((0.0, None));
        entry.0 = entry.0.max(a.market_cap_usd);
        let reason = if a.meta.stablecoin {
            Some(Exclusion::Stablecoin)
        } else if config.require_token && a.meta.token.is_none() {
            Some(Exclusion::NoToken)
        } else if a.volume_24h_usd < config.min_volume_usd {
            Some(Exclusion::Illiquid)
        } else {
            None
        };
        match reason {
            Some(reason) => excluded.push((a.meta.id.clone(), reason)),
            None => {
                if entry
                    .1
                    .is_none_or(|best| larger(a, best) == Ordering::Greater)
                {
                    if let Some(best) = entry.1 {
                        excluded.push((
                            best.meta.id.clone(),
                            Exclusion::Represented {
                                by: a.meta.id.clone(),
                            },
                        ));
                    }
                    entry.1 = Some(a);
                } else {
                    excluded.push((
                        a.meta.id.clone(),
                        Exclusion::Represented { by: String::new() },
                    ));
                }
            }
        }
    }
    let mut ranked: Vec<(String, f64, &Asset)> = families
        .into_iter()
        .filter_map(|(family, (cap, best))| best.map(|b| (family, cap, b)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    // Fix up `Represented { by: "" }` entries now that each family's representative is final.
    let representative: HashMap<&str, &str> = ranked
        .iter()
        .map(|(f, _, a)| (f.as_str(), a.meta.id.as_str()))
        .collect();
    for (id, reason) in &mut excluded {
        if let Exclusion::Represented { by } = reason {
            by.clear();
            by.push_str(
                representative
                    .get(family_of(id).as_str())
                    .copied()
                    .unwrap_or_default(),
            );
        }
    }

    let stays = |rank: usize, family: &str| {
        incumbent_families.contains(family) && rank <= config.size + config.buffer
    };
    let mut chosen = vec![false; ranked.len()];
    let mut count = 0;
    for (k, (family, _, _)) in ranked.iter().enumerate() {
        if count < config.size && stays(k + 1, family) {
            chosen[k] = true;
            count += 1;
        }
    }
    for flag in &mut chosen {
        if count == config.size {
            break;
        }
        if !*flag {
            *flag = true;
            count += 1;
        }
    }
    let mut members = Vec::with_capacity(count);
    for (k, ((family, cap, asset), chosen)) in ranked.into_iter().zip(chosen).enumerate() {
        if chosen {
            members.push(Member {
                id: asset.meta.id.clone(),
                incumbent: incumbent_families.contains(&family),
                family,
                market_cap_usd: cap,
                price_usd: asset.price_usd,
                rank: k + 1,
                token: asset.meta.token,
            });
        } else {
            excluded.push((asset.meta.id.clone(), Exclusion::Rank { rank: k + 1 }));
        }
    }
    excluded.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Universe { members, excluded })
}

/// Larger market cap first, then larger volume, then the smaller id.
fn larger(a: &Asset, b: &Asset) -> Ordering {
    a.market_cap_usd
        .total_cmp(&b.market_cap_usd)
        .then_with(|| a.volume_24h_usd.total_cmp(&b.volume_24h_usd))
        .then_with(|| b.meta.id.cmp(&a.meta.id))
}

/// Follows `derivative_of` links to the family root (bounded, so a cycle cannot loop forever).
fn root_of(id: &str, by_id: &HashMap<&str, &Asset>) -> String {
    let mut current = id;
    for _ in 0..16 {
        match by_id
            .get(current)
            .and_then(|a| a.meta.derivative_of.as_deref())
        {
            Some(parent) if parent != current => current = parent,
            _ => break,
        }
    }
    current.to_owned()
}
