//! Pool depth read on chain. With `[uniswap] factory = "0x…"`, the depth the planner gives each component's pool is
//! read from the Uniswap V3 pool itself at the snapshot's block instead of the `[pools]` estimate: the pool
//! `factory.getPool(token, asset, fee)` (the fee tier from `[pools]`), its active `liquidity()` and `slot0()`
//! price. The depth is the pool's virtual reserve on the asset side, `L·√P` (asset is token1) or `L/√P` (asset is
//! token0): the reserve of the constant-product pool that prices the next trade exactly as the V3 pool does inside
//! its current range, which is the model the strategy's planner uses. Two-hop routes (`via`) keep their `[pools]`
//! depth: their liquidity is split over two pools.

use std::collections::BTreeMap;

use alloy::{
    eips::BlockId,
    primitives::{Address, U256},
    providers::DynProvider,
};
use tracing::debug;

use crate::{
    bindings::{IUniswapV3Factory, IUniswapV3Pool},
    chain::VaultSnapshot,
    strategy::PoolBook,
    Error, Result,
};

/// The asset-side virtual reserve of a V3 pool with active liquidity `liquidity` at `sqrt_price_x96`
/// (`√(token1/token0)` in Q64.96), in the asset's base units, rounded down. Saturates at `u128::MAX`.
pub fn asset_depth(liquidity: u128, sqrt_price_x96: U256, asset_is_token0: bool) -> u128 {
    if sqrt_price_x96.is_zero() {
        return 0;
    }
    let l = U256::from(liquidity);
    let q96 = U256::from(1u8) << 96;
    // L·√P / 2^96 (token1) or L·2^96 / √P (token0). L·2^96 < 2^224 always fits; L·√P can reach 2^288 and
    // saturates (the depth then saturates too).
    let depth: U256 = if asset_is_token0 {
        (l << 96) / sqrt_price_x96
    } else {
        l.saturating_mul(sqrt_price_x96) / q96
    };
    depth.saturating_to()
}

/// Reads the on-chain depth of every component's direct pool against the asset, at the snapshot's block.
pub async fn read_depths(
    provider: &DynProvider,
    factory: Address,
    snapshot: &VaultSnapshot,
    book: &PoolBook,
) -> Result<BTreeMap<Address, u128>> {
    let at = BlockId::number(snapshot.block);
    let f = IUniswapV3Factory::new(factory, provider);
    let mut out = BTreeMap::new();
    for c in &snapshot.components {
        let Some(spec) = book.get(c) else {
            continue;
        };
        if spec.via.is_some() {
            continue;
        }
        let fee = alloy::primitives::Uint::<24, 1>::try_from(spec.fee).map_err(|_| {
            Error::config(
                "pools",
                format!("fee {} of {} does not fit a uint24", spec.fee, c.symbol),
            )
        })?;
        let pool = f
            .getPool(c.token, snapshot.asset, fee)
            .block(at)
            .call()
            .await
            .map_err(|e| Error::State(format!("uniswap factory {factory}.getPool(): {e}")))?;
        if pool.is_zero() {
            return Err(Error::State(format!(
                "no Uniswap V3 pool for {} ({}) / {} at fee {} on factory {factory}: create it, or set another \
                 fee in [pools]",
                c.symbol, c.token, snapshot.asset_symbol, spec.fee
            )));
        }
        let p = IUniswapV3Pool::new(pool, provider);
        let pool_err = |name: &str, e: alloy::contract::Error| {
            Error::State(format!("pool {pool} ({}).{name}(): {e}", c.symbol))
        };
        let liquidity = p
            .liquidity()
            .block(at)
            .call()
            .await
            .map_err(|e| pool_err("liquidity", e))?;
        let slot0 = p
            .slot0()
            .block(at)
            .call()
            .await
            .map_err(|e| pool_err("slot0", e))?;
        let depth = asset_depth(
            liquidity,
            U256::from(slot0.sqrtPriceX96),
            snapshot.asset < c.token,
        );
        debug!(token = %c.token, symbol = %c.symbol, %pool, liquidity, depth, "pool depth read on chain");
        out.insert(c.token, depth);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// √price in Q64.96 for a price of token1 per token0 (both in base units).
    fn sqrt_x96(price: f64) -> U256 {
        U256::from((price.sqrt() * 2f64.powi(96)) as u128)
    }

    #[test]
    fn depth_is_the_virtual_reserve_on_the_asset_side() {
        // A full-range pool holding x = 1,000 tokens (18 decimals) and y = 2,000,000 USDC (6 decimals):
        // price = y/x = 2e12 / 1e21 = 2e-9 USDC base units per token base unit; L = √(xy).
        let (x, y) = (1_000e18_f64, 2_000_000e6_f64);
        let l = (x * y).sqrt() as u128;
        let s = sqrt_x96(y / x);
        let d = asset_depth(l, s, false) as f64;
        assert!((d / y - 1.0).abs() < 1e-6, "USDC as token1: {d} vs {y}");
        // The same pool with the tokens ordered the other way: USDC is token0, the price inverts.
        let s = sqrt_x96(x / y);
        let d = asset_depth(l, s, true) as f64;
        assert!((d / y - 1.0).abs() < 1e-6, "USDC as token0: {d} vs {y}");
    }

    #[test]
    fn an_empty_or_unpriced_pool_has_no_depth() {
        assert_eq!(asset_depth(0, sqrt_x96(4.0), false), 0);
        assert_eq!(asset_depth(1_000_000, U256::ZERO, true), 0);
    }

    #[test]
    fn extreme_values_saturate_instead_of_overflowing() {
        let max_sqrt = (U256::from(1u8) << 160) - U256::from(1u8);
        assert_eq!(asset_depth(u128::MAX, max_sqrt, false), u128::MAX);
        assert_eq!(asset_depth(u128::MAX, U256::from(1u8), true), u128::MAX);
    }
}
