//! The keeper's simple trade planner, ported from `contracts/test/utils/UniswapRebalanceFixture.sol` (the rules
//! the forge year-on-real-pools test runs under the rebalancer's on-chain bounds):
//! - pass 0: sell every component above target plus half the band, down to its target (all of it when the target
//!   is zero);
//! - pass 1: buy every component below target minus half the band, up to its target (scaled by [`BUY_KEEP_BPS`] so
//!   pool fee and impact cannot push it past its band);
//! - pass 2: while the cash above its target still exceeds half the band, buy the remaining underweights.
//!
//! Unlike the fixture, buys are also capped by the cash above its target minus half the band (the fixture's
//! vaults never start a week short of cash; a live one does after prices move).
//!
//! Sells come first; the keeper executes them, then plans again (buys are sized on the cash the sells raised).

use alloy::primitives::{Address, U256};

/// Buys are scaled by this / 10,000.
pub const BUY_KEEP_BPS: u64 = 9_990;
/// Trades per `executeTrades` transaction.
pub const BATCH: usize = 10;

/// One component as the planner sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holding {
    /// The token.
    pub token: Address,
    /// The vault's balance (base units).
    pub balance: U256,
    /// Target weight (WAD).
    pub target_weight: u64,
    /// Oracle price: cash base units per token base unit × 1e36.
    pub price36: U256,
}

/// The open epoch's numbers the plan depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EpochView {
    /// The base the rebalancer measures this call's targets and band against: the NAV at the epoch's opening,
    /// scaled down by the share supply that has left since (see `IBallastRebalancer`).
    pub base: U256,
    /// Value reserved for queued redemptions.
    pub reserved: U256,
    /// The rebalancer's band (WAD).
    pub band_wad: u64,
    /// The vault's cash target weight (WAD).
    pub cash_target_weight: u64,
    /// The vault's cash.
    pub cash: U256,
}

/// One leg: sell `amount` of component `index` for cash, or buy it with `amount` of cash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leg {
    /// The component's index in the vault.
    pub index: usize,
    /// The component.
    pub token: Address,
    /// Amount sold: token base units for a sell, cash base units for a buy.
    pub amount: U256,
    /// Whether it is a sell.
    pub sell: bool,
}

fn e(n: u64) -> U256 {
    U256::from(10u64).pow(U256::from(n))
}

/// Plans the legs that bring every component to its target (sells first, then buys).
pub fn plan(holdings: &[Holding], epoch: &EpochView) -> Vec<Leg> {
    let wad = e(18);
    let investable = epoch.base.saturating_sub(epoch.reserved);
    let half_band = epoch.base * U256::from(epoch.band_wad) / (wad * U256::from(2u64));
    let cash_target = investable * U256::from(epoch.cash_target_weight) / wad + epoch.reserved;
    let mut spare = epoch.cash.saturating_sub(cash_target);
    // Buys never take the cash leg below its target minus half the band (the rebalancer refuses below the band).
    let mut budget = epoch
        .cash
        .saturating_sub(cash_target.saturating_sub(half_band));
    let mut used = vec![false; holdings.len()];
    let mut legs = Vec::new();
    for pass in 0..3 {
        for (i, h) in holdings.iter().enumerate() {
            if used[i] || h.price36.is_zero() {
                continue;
            }
            let value = h.balance * h.price36 / e(36);
            let target = investable * U256::from(h.target_weight) / wad;
            let leg = if pass == 0 {
                (value > target + half_band).then(|| {
                    let amount = if target.is_zero() {
                        h.balance
                    } else {
                        (value - target) * e(36) / h.price36
                    };
                    (amount, true)
                })
            } else if value >= target
                || (pass == 1 && value + half_band >= target)
                || (pass == 2 && spare <= half_band)
            {
                None
            } else {
                let mut amount =
                    (target - value) * U256::from(BUY_KEEP_BPS) / U256::from(10_000u64);
                if pass == 2 && amount > spare {
                    amount = spare;
                }
                amount = amount.min(budget);
                spare = spare.saturating_sub(amount);
                budget -= amount;
                Some((amount, false))
            };
            if let Some((amount, sell)) = leg {
                if amount.is_zero() {
                    continue;
                }
                used[i] = true;
                legs.push(Leg {
                    index: i,
                    token: h.token,
                    amount,
                    sell,
                });
            }
        }
    }
    legs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usdc(x: u64) -> U256 {
        U256::from(x) * e(6)
    }

    fn holding(i: u8, value_usdc: u64, weight_pct: u64) -> Holding {
        // 1 token base unit = 1 USDC base unit (price36 = 1e36).
        Holding {
            token: Address::with_last_byte(i),
            balance: usdc(value_usdc),
            target_weight: weight_pct * 10u64.pow(16),
            price36: e(36),
        }
    }

    fn view(nav: u64, cash: u64, cash_weight_pct: u64) -> EpochView {
        EpochView {
            base: usdc(nav),
            reserved: U256::ZERO,
            band_wad: 5 * 10u64.pow(15),
            cash_target_weight: cash_weight_pct * 10u64.pow(16),
            cash: usdc(cash),
        }
    }

    #[test]
    fn first_investment_buys_everything_from_cash() {
        let hs = [holding(1, 0, 49), holding(2, 0, 49)];
        let legs = plan(&hs, &view(10_000, 10_000, 2));
        assert_eq!(legs.len(), 2);
        assert!(legs.iter().all(|l| !l.sell));
        assert_eq!(
            legs[0].amount,
            usdc(4900) * U256::from(9990u64) / U256::from(10_000u64)
        );
    }

    #[test]
    fn sells_come_first_and_in_band_is_left_alone() {
        // NAV 10,000: A at 6,000 (target 4,900: sell), B at 3,800 (target 4,900: buy), C at 0 weight 0 but dust 0.
        let hs = [holding(1, 3_800, 49), holding(2, 6_000, 49)];
        let legs = plan(&hs, &view(10_000, 200, 2));
        assert_eq!(legs.len(), 2);
        assert!(legs[0].sell && legs[0].index == 1);
        assert_eq!(legs[0].amount, usdc(1_100));
        assert!(!legs[1].sell && legs[1].index == 0);
        // In band (within half of 0.5% of NAV = 25 USDC): nothing.
        let hs = [holding(1, 4_890, 49), holding(2, 4_910, 49)];
        assert!(plan(&hs, &view(10_000, 200, 2)).is_empty());
    }

    #[test]
    fn risk_off_sells_every_holding_entirely() {
        let hs = [holding(1, 4_000, 0), holding(2, 5_000, 0)];
        let legs = plan(&hs, &view(10_000, 1_000, 100));
        assert_eq!(legs.len(), 2);
        assert!(legs.iter().all(|l| l.sell));
        assert_eq!(legs[1].amount, usdc(5_000));
    }

    #[test]
    fn buys_never_take_cash_below_target_minus_half_band() {
        // NAV 10,000, cash target 2% = 200, half band 25: at most 25 USDC to spend although B is far under.
        let hs = [holding(1, 5_775, 49), holding(2, 4_000, 49)];
        let legs = plan(&hs, &view(10_000, 200, 2));
        let spent: U256 = legs.iter().filter(|l| !l.sell).map(|l| l.amount).sum();
        assert!(spent <= usdc(25), "{spent}");
    }
}
