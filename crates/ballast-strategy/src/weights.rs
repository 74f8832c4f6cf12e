//! Target weights in integer WAD that sum exactly to 1e18, cash leg included.

use serde::{Deserialize, Serialize};

use crate::math::{cmp_products, mul_div_rem, WAD};
use crate::{Error, Result};

/// How components are weighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WeightScheme {
    /// Proportional to market cap.
    MarketCap,
    /// Proportional to market cap, no component above `cap_wad`, the excess redistributed iteratively.
    CappedMarketCap {
        /// The largest weight of one component, in WAD of the whole vault (cash included).
        cap_wad: u64,
    },
    /// The same weight for every component.
    Equal,
}

/// Target weights: one per component, in the components' order, plus the cash leg; they sum to exactly [`WAD`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetWeights {
    /// Component weights (WAD), in the order of the scores they were computed from.
    pub components: Vec<u64>,
    /// The cash (stablecoin) leg's weight (WAD).
    pub cash: u64,
}

impl TargetWeights {
    /// Risk-off targets: every component at zero, cash at 100 %.
    pub fn all_cash(components: usize) -> Self {
        Self {
            components: vec![0; components],
            cash: WAD,
        }
    }

    /// The sum of all weights, cash included.
    pub fn sum(&self) -> u128 {
        self.components.iter().map(|&w| u128::from(w)).sum::<u128>() + u128::from(self.cash)
    }

    /// Checks that the weights sum to exactly [`WAD`].
    pub fn check(&self) -> Result<()> {
        match self.sum() {
            sum if sum == u128::from(WAD) => Ok(()),
            sum => Err(Error::WeightSum { sum }),
        }
    }
}

/// Computes target weights from integer scores (market caps, e.g. in whole USD) in rank order, with `cash_wad`
/// reserved for the cash leg.
///
/// The rounding rule: the components share `B = WAD - cash_wad`. Each exact share `B * s_i / S` is floored, and
/// the units left over (fewer than the number of components) go one each to the largest remainders of the
/// division, ties to the earlier component (the universe orders components by market cap, then id). With a cap,
/// components whose share would exceed it are fixed at the cap and the rest re-shared among the others, repeatedly,
/// before rounding; rounding never lifts a weight above the cap. When even all-at-cap cannot absorb `B` (or only
/// zero-score components are left to take the rest), the rest goes to cash. Exact integer arithmetic throughout, so the result is the same on every machine.
pub fn compute_weights(
    scores: &[u128],
    scheme: WeightScheme,
    cash_wad: u64,
) -> Result<TargetWeights> {
    if cash_wad > WAD {
        return Err(Error::invalid(
            "cash weight",
            format!("{cash_wad} exceeds 1e18"),
        ));
    }
    let n = scores.len();
    let budget = u128::from(WAD - cash_wad);
    if n == 0 || budget == 0 {
        return Ok(TargetWeights {
            components: vec![0; n],
            cash: WAD,
        });
    }
    let equal;
    let scores = match scheme {
        WeightScheme::Equal => {
            equal = vec![1u128; n];
            &equal[..]
        }
        _ => scores,
    };
    let cap = match scheme {
        WeightScheme::CappedMarketCap { cap_wad: 0 } => {
            return Err(Error::invalid("weight cap", "must be positive"));
        }
        WeightScheme::CappedMarketCap { cap_wad } => Some(u128::from(cap_wad)),
        _ => None,
    };
    let total: u128 = scores
        .iter()
        .try_fold(0u128, |acc, &s| acc.checked_add(s))
        .ok_or(Error::Overflow("score sum"))?;
    if total == 0 {
        return Err(Error::invalid("scores", "they sum to zero"));
    }

    let mut capped = vec![false; n];
    let mut share = budget;
    let mut rest = total;
    if let Some(cap) = cap {
        if cap * n as u128 <= budget {
            // Infeasible (or exactly feasible): everyone at the cap, the remainder in cash.
            let components = vec![cap as u64; n];
            let cash = WAD - (cap * n as u128) as u64;
            return Ok(TargetWeights { components, cash });
        }
        loop {
            let mut changed = false;
            for i in 0..n {
                // share * s_i / rest > cap  <=>  share * s_i > cap * rest
                if !capped[i] && cmp_products(share, scores[i], cap, rest).is_gt() {
                    capped[i] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
            let fixed = capped.iter().filter(|&&c| c).count() as u128;
            share = budget - fixed * cap;
            rest = (0..n).filter(|&i| !capped[i]).map(|i| scores[i]).sum();
            if rest == 0 {
                // Every remaining component has score zero; they keep zero and the rest goes to cash.
                break;
            }
        }
    }

    let mut components = vec![0u64; n];
    let mut remainders = Vec::with_capacity(n);
    let mut assigned = 0u128;
    for i in 0..n {
        if capped[i] {
            let w = cap.unwrap_or(0);
            components[i] = w as u64;
            assigned += w;
        } else if rest > 0 {
            let (q, r) =
                mul_div_rem(share, scores[i], rest).ok_or(Error::Overflow("weight share"))?;
            components[i] = q as u64;
            assigned += q;
            if r > 0 {
                remainders.push((r, i));
            }
        }
    }
    let mut left = budget - assigned.min(budget);
    if rest > 0 {
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, i) in &remainders {
            if left == 0 {
                break;
            }
            components[i] += 1;
            left -= 1;
        }
    }
    // Only reachable when every uncapped score is zero: the unassigned budget joins cash.
    let cash = cash_wad + left as u64;
    let weights = TargetWeights { components, cash };
    weights.check()?;
    Ok(weights)
}

/// Converts USD market caps into integer scores for [`compute_weights`] (whole dollars, rounded down).
pub fn scores_from_caps(caps: impl IntoIterator<Item = f64>) -> Result<Vec<u128>> {
    caps.into_iter()
        .map(|c| {
            if (0.0..1.0e30).contains(&c) {
                Ok(c as u128)
            } else {
                Err(Error::invalid(
                    "market cap",
                    format!("{c} is not a finite non-negative amount"),
                ))
            }
        })
        .collect()
}
