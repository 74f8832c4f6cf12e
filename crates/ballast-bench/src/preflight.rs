//! revm pre-flight against the node's `eth_estimateGas`, per transaction of a cycle, on the same state.
//!
//! The cycle's transactions are mined one per block. To time both on exactly the state each one met, the chain is
//! reverted (`evm_revert`) to the snapshot taken before the cycle; then, for each transaction in order, the keeper's
//! own [`Simulator`] (revm over AlloyDB on a fork of the latest block, a fresh cache each call, as the keeper's
//! pre-flight does) and `eth_estimateGas` at `latest` are each timed `reps` times, alternating which goes first,
//! and the transaction is then replayed with `eth_sendTransaction` from the keeper's (unlocked) account, which
//! brings the chain to the next transaction's state.

use std::time::Instant;

use alloy::{
    consensus::Transaction as _,
    eips::BlockId,
    primitives::{Address, Bytes, B256, U256},
    providers::{DynProvider, Provider},
    rpc::types::TransactionRequest,
    sol_types::SolInterface,
};
use ballast_keeper::{bindings::IBallastRebalancer::IBallastRebalancerCalls, SimTx, Simulator};
use eyre::{bail, eyre, Result, WrapErr};
use serde::{Deserialize, Serialize};
use tracing::info;

use crate::{setup::send, stats};

/// One transaction the keeper sent in the measured cycle.
#[derive(Clone, Debug)]
pub(crate) struct CycleTx {
    /// The step (`openEpoch`, `executeTrades(9 trades)`, `closeEpoch`).
    pub(crate) step: String,
    /// The keeper.
    pub(crate) from: Address,
    /// The rebalancer.
    pub(crate) to: Address,
    /// Calldata.
    pub(crate) input: Bytes,
    /// The keeper's gas limit.
    pub(crate) gas_limit: u64,
    /// Gas used, from the cycle's receipt.
    pub(crate) gas_receipt: u64,
}

/// The measurements of one transaction.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct TxTiming {
    /// The step.
    pub(crate) step: String,
    /// Gas used in the measured cycle (receipt).
    pub(crate) gas_receipt: u64,
    /// Gas used in revm.
    pub(crate) gas_revm: u64,
    /// The node's estimate.
    pub(crate) gas_estimate: u64,
    /// Gas used by the replay (receipt).
    pub(crate) gas_replay: u64,
    /// Each revm pre-flight, ms.
    pub(crate) revm_ms: Vec<f64>,
    /// Each `eth_estimateGas`, ms.
    pub(crate) estimate_ms: Vec<f64>,
    /// Median revm time, ms.
    pub(crate) revm_median_ms: f64,
    /// Median estimate time, ms.
    pub(crate) estimate_median_ms: f64,
    /// revm / estimateGas (medians).
    pub(crate) ratio: f64,
}

/// The step name of rebalancer calldata.
pub(crate) fn step_name(input: &[u8]) -> String {
    match IBallastRebalancerCalls::abi_decode(input) {
        Ok(IBallastRebalancerCalls::openEpoch(c)) => format!("openEpoch({})", c.expectedId),
        Ok(IBallastRebalancerCalls::executeTrades(c)) => format!(
            "executeTrades({}, {}, {} trades)",
            c.epochId,
            c.firstIndex,
            c.trades.len()
        ),
        Ok(IBallastRebalancerCalls::closeEpoch(c)) => format!("closeEpoch({})", c.epochId),
        Ok(IBallastRebalancerCalls::openCashSweep(c)) => format!("openCashSweep({})", c.expectedId),
        Ok(IBallastRebalancerCalls::switchRegime(c)) => format!("switchRegime({})", c.expectedId),
        Ok(_) => "other rebalancer call".into(),
        Err(_) => "unknown".into(),
    }
}

/// Reads the cycle's transactions from the chain, in the order the keeper sent them.
pub(crate) async fn fetch(p: &DynProvider, hashes: &[B256]) -> Result<Vec<CycleTx>> {
    let mut out = Vec::with_capacity(hashes.len());
    for h in hashes {
        let tx = p
            .get_transaction_by_hash(*h)
            .await
            .wrap_err_with(|| format!("transaction {h}"))?
            .ok_or_else(|| eyre!("transaction {h} not found"))?;
        let receipt = p
            .get_transaction_receipt(*h)
            .await
            .wrap_err_with(|| format!("receipt {h}"))?
            .ok_or_else(|| eyre!("receipt {h} not found"))?;
        let to = tx.to().ok_or_else(|| eyre!("{h} creates a contract"))?;
        out.push(CycleTx {
            step: step_name(tx.input()),
            from: tx.inner.signer(),
            to,
            input: tx.input().clone(),
            gas_limit: tx.gas_limit(),
            gas_receipt: receipt.gas_used,
        });
    }
    Ok(out)
}

/// Reverts to `snapshot`, then times revm and `eth_estimateGas` on each transaction's own state and replays it.
pub(crate) async fn measure(
    p: &DynProvider,
    sim: &Simulator,
    snapshot: U256,
    txs: &[CycleTx],
    reps: usize,
) -> Result<Vec<TxTiming>> {
    let reverted: bool = p
        .raw_request("evm_revert".into(), (snapshot,))
        .await
        .wrap_err("evm_revert")?;
    if !reverted {
        bail!("evm_revert({snapshot}) failed");
    }
    let mut out = Vec::with_capacity(txs.len());
    for tx in txs {
        let sim_tx = SimTx {
            from: tx.from,
            to: tx.to,
            input: tx.input.clone(),
            value: U256::ZERO,
            gas_limit: tx.gas_limit,
        };
        let request = TransactionRequest::default()
            .from(tx.from)
            .to(tx.to)
            .input(tx.input.clone().into());
        let mut revm_ms = Vec::with_capacity(reps);
        let mut estimate_ms = Vec::with_capacity(reps);
        let mut gas_revm = 0;
        let mut gas_estimate = 0;
        for r in 0..reps {
            for first_revm in [r % 2 == 0, r % 2 == 1] {
                if first_revm {
                    let t = Instant::now();
                    let (_, outcomes) = sim
                        .simulate(vec![sim_tx.clone()])
                        .await
                        .wrap_err_with(|| format!("simulating {}", tx.step))?;
                    revm_ms.push(t.elapsed().as_secs_f64() * 1e3);
                    let o = outcomes
                        .first()
                        .ok_or_else(|| eyre!("no outcome for {}", tx.step))?;
                    if !o.success {
                        bail!(
                            "{} fails in revm on its own state: {}",
                            tx.step,
                            o.revert.clone().unwrap_or_default()
                        );
                    }
                    gas_revm = o.gas_used;
                } else {
                    let t = Instant::now();
                    gas_estimate = p
                        .estimate_gas(request.clone())
                        .block(BlockId::latest())
                        .await
                        .wrap_err_with(|| format!("eth_estimateGas of {}", tx.step))?;
                    estimate_ms.push(t.elapsed().as_secs_f64() * 1e3);
                }
            }
        }
        let replay = send(
            p,
            tx.from,
            tx.to,
            tx.input.to_vec(),
            tx.gas_limit,
            &format!("replay of {}", tx.step),
        )
        .await?;
        let revm_median_ms = stats::median(&revm_ms).ok_or_else(|| eyre!("no revm samples"))?;
        let estimate_median_ms =
            stats::median(&estimate_ms).ok_or_else(|| eyre!("no estimate samples"))?;
        let ratio = stats::ratio(revm_median_ms, estimate_median_ms)
            .ok_or_else(|| eyre!("estimate took no time"))?;
        info!(
            step = %tx.step,
            gas_receipt = tx.gas_receipt,
            gas_revm,
            gas_estimate,
            revm_median_ms,
            estimate_median_ms,
            ratio,
            "pre-flight measured"
        );
        out.push(TxTiming {
            step: tx.step.clone(),
            gas_receipt: tx.gas_receipt,
            gas_revm,
            gas_estimate,
            gas_replay: replay.gas_used,
            revm_ms,
            estimate_ms,
            revm_median_ms,
            estimate_median_ms,
            ratio,
        });
    }
    Ok(out)
}
