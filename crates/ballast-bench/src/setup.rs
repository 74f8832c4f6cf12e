//! Getting the demo world ready for a keeper cycle, through the real contracts on anvil: a deposit so the vault has
//! cash to invest, a week passing, feeds moved, and every pool arbitraged back to its feed price. These transactions
//! are not measured; they are sent with `eth_sendTransaction` from anvil's unlocked development accounts.

use alloy::{
    primitives::{Address, Bytes, I256, U256},
    providers::{DynProvider, Provider},
    rpc::types::{TransactionReceipt, TransactionRequest},
    sol,
    sol_types::SolCall,
};
use ballast_demo::{
    contracts::{IDemoFeed, IDemoToken},
    pool::sqrt_price_x96,
    World,
};
use ballast_keeper::bindings::{IPriceSource, ISwapRouter, IUniswapV3Pool};
use eyre::{bail, eyre, Result, WrapErr};
use tracing::info;

sol! {
    #[sol(rpc)]
    interface IBenchVault {
        function deposit(uint256 assets, address receiver) external returns (uint256 shares);
    }
}

/// Sends `input` to `to` from the unlocked account `from`, waits for the receipt, fails on a revert.
pub(crate) async fn send(
    p: &DynProvider,
    from: Address,
    to: Address,
    input: Vec<u8>,
    gas: u64,
    label: &str,
) -> Result<TransactionReceipt> {
    let tx = TransactionRequest::default()
        .from(from)
        .to(to)
        .input(Bytes::from(input).into())
        .gas_limit(gas);
    let hash = *p
        .send_transaction(tx)
        .await
        .wrap_err_with(|| format!("sending {label}"))?
        .tx_hash();
    // anvil mines on arrival: the receipt is there at once (alloy's `get_receipt` would wait for a block poll).
    let mut tries = 0;
    let receipt = loop {
        if let Some(r) = p
            .get_transaction_receipt(hash)
            .await
            .wrap_err_with(|| format!("receipt of {label}"))?
        {
            break r;
        }
        tries += 1;
        if tries > 2_000 {
            bail!("no receipt for {label} ({hash}) after 10 s");
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    };
    if !receipt.status() {
        bail!("{label} reverted ({})", receipt.transaction_hash);
    }
    Ok(receipt)
}

/// The depositor gets `usdc` whole USDC from the faucet and deposits them.
pub(crate) async fn deposit(
    p: &DynProvider,
    w: &World,
    depositor: Address,
    usdc: u64,
) -> Result<()> {
    let assets = U256::from(usdc) * U256::from(1_000_000u64);
    let mint = IDemoToken::mintCall {
        to: depositor,
        amount: assets,
    };
    send(p, w.deployer, w.usdc, mint.abi_encode(), 200_000, "faucet").await?;
    let approve = IDemoToken::approveCall {
        spender: w.vault,
        amount: assets,
    };
    send(
        p,
        depositor,
        w.usdc,
        approve.abi_encode(),
        200_000,
        "approve",
    )
    .await?;
    // ERC-4626's two-argument deposit (the vault also has one with `minShares`).
    let deposit = IBenchVault::depositCall {
        assets,
        receiver: depositor,
    };
    send(
        p,
        depositor,
        w.vault,
        deposit.abi_encode(),
        10_000_000,
        "deposit",
    )
    .await?;
    info!(usdc, %depositor, "deposited");
    Ok(())
}

/// Moves time forward by `secs` and mines a block.
pub(crate) async fn advance(p: &DynProvider, secs: u64) -> Result<()> {
    let _: serde_json::Value = p
        .raw_request("evm_increaseTime".into(), (secs,))
        .await
        .wrap_err("evm_increaseTime")?;
    let _: serde_json::Value = p
        .raw_request("evm_mine".into(), ())
        .await
        .wrap_err("evm_mine")?;
    Ok(())
}

/// The week's move of component `k`, in percent of its price: a third rise 35%, a third fall 30%, a third stay
/// (the forge rebalance benchmark's week).
pub(crate) fn weekly_move_percent(k: usize) -> i128 {
    match k % 3 {
        0 => 135,
        1 => 70,
        _ => 100,
    }
}

/// Posts every feed's new answer (all of them, so none is stale after the week).
pub(crate) async fn move_feeds(p: &DynProvider, w: &World) -> Result<()> {
    for (k, &feed) in w.feeds.iter().enumerate() {
        let round = IDemoFeed::new(feed, p.clone())
            .latestRoundData()
            .call()
            .await
            .wrap_err_with(|| format!("reading feed {k}"))?;
        let answer = i128::try_from(round.answer)
            .map_err(|e| eyre!("feed {k}: {e}"))?
            .checked_mul(weekly_move_percent(k))
            .ok_or_else(|| eyre!("feed {k}: overflow"))?
            / 100;
        let call = IDemoFeed::setAnswerCall {
            answer: I256::try_from(answer).map_err(|e| eyre!("feed {k}: {e}"))?,
        };
        send(p, w.deployer, feed, call.abi_encode(), 200_000, "setAnswer").await?;
    }
    info!(feeds = w.feeds.len(), "feeds moved");
    Ok(())
}

/// Swaps every pool back to its feed price through the real SwapRouter (the arbitrageur's trade); returns the
/// number of swaps.
pub(crate) async fn arbitrage(p: &DynProvider, w: &World) -> Result<usize> {
    let oracle = IPriceSource::new(w.oracle, p.clone());
    let mut swaps = 0;
    for (k, (&token, &pool)) in w.tokens.iter().zip(&w.pools).enumerate() {
        let price36 = oracle
            .price(token)
            .call()
            .await
            .wrap_err_with(|| format!("price of component {k}"))?;
        let current = U256::from(
            IUniswapV3Pool::new(pool, p.clone())
                .slot0()
                .call()
                .await
                .wrap_err_with(|| format!("slot0 of pool {k}"))?
                .sqrtPriceX96,
        );
        let token0 = token < w.usdc;
        let target = sqrt_price_x96(price36, token0);
        if target.abs_diff(current) * U256::from(100_000u64) <= current {
            continue;
        }
        let zero_for_one = target < current;
        let (t0, t1) = if token0 {
            (token, w.usdc)
        } else {
            (w.usdc, token)
        };
        let (token_in, token_out) = if zero_for_one { (t0, t1) } else { (t1, t0) };
        let call = ISwapRouter::exactInputSingleCall {
            params: ISwapRouter::ExactInputSingleParams {
                tokenIn: token_in,
                tokenOut: token_out,
                fee: alloy::primitives::Uint::<24, 1>::from(w.fee),
                recipient: w.arbitrageur,
                deadline: U256::MAX,
                amountIn: U256::from(u128::MAX),
                amountOutMinimum: U256::ZERO,
                sqrtPriceLimitX96: alloy::primitives::Uint::<160, 3>::from(target),
            },
        };
        send(
            p,
            w.arbitrageur,
            w.router,
            call.abi_encode(),
            1_000_000,
            "arbitrage",
        )
        .await?;
        swaps += 1;
    }
    info!(swaps, "pools arbitraged to the feeds");
    Ok(swaps)
}

/// Equal target weights for `n` components with `cash_wad` in cash; the rounding remainder goes to cash so the
/// total is exactly 1e18.
pub(crate) fn equal_targets(n: usize, cash_wad: u64) -> Result<(Vec<u64>, u64)> {
    const WAD: u64 = 1_000_000_000_000_000_000;
    if n == 0 || cash_wad > WAD {
        bail!("equal targets need at least one component and cash at most 1e18");
    }
    let each = (WAD - cash_wad) / n as u64;
    let cash = WAD - each * n as u64;
    Ok((vec![each; n], cash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_targets_sum_to_one() {
        for n in [1, 3, 25, 100, 7] {
            let (w, cash) = equal_targets(n, 20_000_000_000_000_000).expect("targets");
            assert_eq!(w.len(), n);
            let sum: u128 = w.iter().map(|x| u128::from(*x)).sum::<u128>() + u128::from(cash);
            assert_eq!(sum, 1_000_000_000_000_000_000);
            assert!(cash >= 20_000_000_000_000_000);
        }
        assert!(equal_targets(0, 0).is_err());
    }

    #[test]
    fn weekly_moves_are_thirds() {
        let v: Vec<i128> = (0..6).map(weekly_move_percent).collect();
        assert_eq!(v, [135, 70, 100, 135, 70, 100]);
    }
}
