//! The index level and breadth series that feed the regime signal, computed from a history.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::{select_universe, Error, History, Result, UniverseConfig};

/// Daily index levels and breadth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexSeries {
    /// The level on each day of the history (1.0 on the first day).
    pub levels: Vec<f64>,
    /// The breadth on each day: the share of that day's components priced at or above their own
    /// `breadth_ma_days` moving average (`None` when no component has enough history yet).
    pub breadth: Vec<Option<f64>>,
    /// The component ids of each day (the universe with its buffer, carried from day to day).
    pub members: Vec<Vec<usize>>,
}

/// Computes the level of the cap-weighted top-N index (no costs, daily reconstitution with the buffer rule) and
/// its breadth.
///
/// The level moves by the cap-weighted mean of the components' price ratios: with yesterday's components `C` and
/// their market caps `m_i`, `level_t = level_{t-1} * sum(m_i * p_i,t / p_i,t-1) / sum(m_i)`, over the components
/// priced on both days (a component that leaves the data set drops out of that day's return).
pub fn index_series(
    history: &History,
    universe: &UniverseConfig,
    breadth_ma_days: usize,
) -> Result<IndexSeries> {
    if history.is_empty() {
        return Err(Error::invalid("history", "no days"));
    }
    if breadth_ma_days == 0 {
        return Err(Error::invalid("breadth window", "must be at least 1"));
    }
    let n = history.assets().len();
    let mut levels = Vec::with_capacity(history.len());
    let mut breadth = Vec::with_capacity(history.len());
    let mut members: Vec<Vec<usize>> = Vec::with_capacity(history.len());
    // Rolling sums of each asset's price over the last `breadth_ma_days` days, and how many of them were priced.
    let mut sums = vec![0.0f64; n];
    let mut counts = vec![0usize; n];
    let mut incumbents: Vec<String> = Vec::new();
    let column: HashMap<&str, usize> = history
        .assets()
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    for t in 0..history.len() {
        for i in 0..n {
            if let Some(o) = history.get(t, i) {
                sums[i] += o.price_usd;
                counts[i] += 1;
            }
            if t >= breadth_ma_days {
                if let Some(o) = history.get(t - breadth_ma_days, i) {
                    sums[i] -= o.price_usd;
                    counts[i] -= 1;
                }
            }
        }
        let level = match (t, members.last()) {
            (0, _) | (_, None) => 1.0,
            (_, Some(prev)) => {
                let (mut num, mut den) = (0.0, 0.0);
                for &i in prev {
                    if let (Some(a), Some(b)) = (history.get(t - 1, i), history.get(t, i)) {
                        num += a.market_cap_usd * b.price_usd / a.price_usd;
                        den += a.market_cap_usd;
                    }
                }
                let last = levels.last().copied().unwrap_or(1.0);
                if den > 0.0 {
                    last * num / den
                } else {
                    last
                }
            }
        };
        levels.push(level);
        let snapshot = history.snapshot(t);
        let selected = select_universe(&snapshot.assets, &incumbents, universe)?;
        incumbents = selected.ids();
        let today: Vec<usize> = selected
            .members
            .iter()
            .filter_map(|m| column.get(m.id.as_str()).copied())
            .collect();
        let (mut above, mut counted) = (0usize, 0usize);
        for &i in &today {
            if counts[i] == breadth_ma_days {
                if let Some(o) = history.get(t, i) {
                    counted += 1;
                    if o.price_usd >= sums[i] / breadth_ma_days as f64 {
                        above += 1;
                    }
                }
            }
        }
        breadth.push((counted > 0).then(|| above as f64 / counted as f64));
        members.push(today);
    }
    Ok(IndexSeries {
        levels,
        breadth,
        members,
    })
}
