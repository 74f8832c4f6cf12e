//! Pre-flight simulation with revm on a fork of the latest block: state is fetched lazily over RPC (alloy's
//! `AlloyDB`, wrapped by `WrapDatabaseAsync`, cached by `CacheDB`) and the transactions run, in order and each on
//! top of the previous one, in the environment of the block they would land in: number + 1, the later of the
//! parent's timestamp + 1 and the wall clock, and the base fee the parent implies. The blocking revm work runs in
//! `spawn_blocking` (the async database blocks on the runtime).

use alloy::{
    eips::{calc_next_block_base_fee, eip1559::BaseFeeParams, BlockId, BlockNumberOrTag},
    network::Ethereum,
    primitives::{Address, Bytes, TxKind, B256, U256},
    providers::{DynProvider, Provider},
};
use revm::{
    context::{BlockEnv, CfgEnv, TxEnv},
    context_interface::{block::BlobExcessGasAndPrice, result::ExecutionResult},
    database::{AlloyDB, CacheDB, WrapDatabaseAsync},
    primitives::{eip4844::BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE, hardfork::SpecId},
    Context, ExecuteCommitEvm, MainBuilder, MainContext,
};

use crate::{Error, Result, RevertDecoder};

/// Gas a transaction that prices the vault's NAV needs left beyond what it uses: the vault grants each price-source
/// batch a fixed allowance (100,000 gas per key, up to 16 keys, `VaultMath.PRICE_GAS`) and refuses to start a batch
/// without it, and every call frame on the way keeps back 1/64. The unused part is not paid.
pub const PRICE_HEADROOM: u64 = 2_000_000;

/// The gas limit to send a transaction with, from the gas it used in the pre-flight: 30 % more plus 50,000, and at
/// least [`PRICE_HEADROOM`] above it (a limit of 1.3× the gas used would starve the vault's price calls on chain,
/// where the pre-flight, run with a large limit, did not).
pub fn gas_limit_for(gas_used: u64) -> u64 {
    (gas_used.saturating_mul(13) / 10 + 50_000).max(gas_used.saturating_add(PRICE_HEADROOM))
}

/// One call to simulate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimTx {
    /// The sender.
    pub from: Address,
    /// The contract called.
    pub to: Address,
    /// The calldata.
    pub input: Bytes,
    /// Wei sent along.
    pub value: U256,
    /// The gas limit.
    pub gas_limit: u64,
}

/// The environment of the simulated block (the one the transactions would land in).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SimBlock {
    /// The forked (parent) block: state is read at this number.
    pub parent: u64,
    /// The simulated block's number (parent + 1).
    pub number: u64,
    /// Its timestamp.
    pub timestamp: u64,
    /// Its base fee, from the parent's gas use.
    pub base_fee: u64,
    /// Its gas limit (the parent's).
    pub gas_limit: u64,
}

/// What one simulated transaction did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimOutcome {
    /// Whether it succeeded.
    pub success: bool,
    /// Gas used.
    pub gas_used: u64,
    /// Return data (or revert data).
    pub output: Bytes,
    /// The decoded revert reason (`EpochIdMismatch(3, 4)`), if it reverted or halted.
    pub revert: Option<String>,
    /// The custom error's name alone, when it is a known one.
    pub error_name: Option<String>,
}

/// Simulates transactions on a fork of the latest block.
#[derive(Clone, Debug)]
pub struct Simulator {
    provider: DynProvider,
    chain_id: u64,
    decoder: RevertDecoder,
}

impl Simulator {
    /// A simulator reading state through `provider` for chain `chain_id`.
    pub fn new(provider: DynProvider, chain_id: u64) -> Self {
        Self {
            provider,
            chain_id,
            decoder: RevertDecoder::from_contracts(),
        }
    }

    /// The environment of the next block, from the latest header.
    pub async fn next_block(&self) -> Result<(SimBlock, Address, B256, Option<u64>)> {
        let block = self
            .provider
            .get_block_by_number(BlockNumberOrTag::Latest)
            .await
            .map_err(Error::rpc)?
            .ok_or_else(|| Error::State("no latest block".into()))?;
        let h = block.header;
        let base_fee = h
            .base_fee_per_gas
            .map(|b| {
                calc_next_block_base_fee(h.gas_used, h.gas_limit, b, BaseFeeParams::ethereum())
            })
            .unwrap_or(0);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let sim = SimBlock {
            parent: h.number,
            number: h.number + 1,
            timestamp: (h.timestamp + 1).max(now),
            base_fee,
            gas_limit: h.gas_limit,
        };
        Ok((sim, h.beneficiary, h.mix_hash, h.excess_blob_gas))
    }

    /// Runs `txs` in order on a fork of the latest block, each on the state the previous left.
    pub async fn simulate(&self, txs: Vec<SimTx>) -> Result<(SimBlock, Vec<SimOutcome>)> {
        self.simulate_kinds(txs.into_iter().map(|t| (TxKind::Call(t.to), t)).collect())
            .await
    }

    /// As [`Simulator::simulate`], each transaction with its kind: `TxKind::Create` runs `input` as init code (the
    /// `SimTx`'s `to` is then ignored) at the address the sender's nonce in the forked state gives, as on chain; a
    /// successful creation's `output` is the deployed code.
    pub async fn simulate_kinds(
        &self,
        txs: Vec<(TxKind, SimTx)>,
    ) -> Result<(SimBlock, Vec<SimOutcome>)> {
        let (sim, beneficiary, prevrandao, excess_blob_gas) = self.next_block().await?;
        let provider = self.provider.clone();
        let chain_id = self.chain_id;
        let results = tokio::task::spawn_blocking(move || {
            run(
                provider,
                chain_id,
                sim,
                beneficiary,
                prevrandao,
                excess_blob_gas,
                txs,
            )
        })
        .await
        .map_err(|e| Error::Simulation(format!("simulation task: {e}")))??;
        let outcomes = results
            .into_iter()
            .map(|r| {
                let gas_used = r.tx_gas_used();
                match r {
                    ExecutionResult::Success { output, .. } => SimOutcome {
                        success: true,
                        gas_used,
                        output: output.into_data(),
                        revert: None,
                        error_name: None,
                    },
                    ExecutionResult::Revert { output, .. } => SimOutcome {
                        success: false,
                        gas_used,
                        revert: Some(self.decoder.decode(&output)),
                        error_name: self.decoder.name(&output).map(str::to_string),
                        output,
                    },
                    ExecutionResult::Halt { reason, .. } => SimOutcome {
                        success: false,
                        gas_used,
                        output: Bytes::new(),
                        revert: Some(format!("halt: {reason:?}")),
                        error_name: None,
                    },
                }
            })
            .collect::<Vec<_>>();
        Ok((sim, outcomes))
    }
}

type ForkDb = CacheDB<WrapDatabaseAsync<AlloyDB<Ethereum, DynProvider>>>;

fn run(
    provider: DynProvider,
    chain_id: u64,
    sim: SimBlock,
    beneficiary: Address,
    prevrandao: B256,
    excess_blob_gas: Option<u64>,
    txs: Vec<(TxKind, SimTx)>,
) -> Result<Vec<ExecutionResult>> {
    let alloy_db = AlloyDB::<Ethereum, DynProvider>::new(provider, BlockId::number(sim.parent));
    let db: ForkDb = CacheDB::new(
        WrapDatabaseAsync::new(alloy_db)
            .ok_or_else(|| Error::Simulation("no tokio runtime".into()))?,
    );
    let mut evm = Context::mainnet()
        .with_db(db)
        .modify_block_chained(|b: &mut BlockEnv| {
            b.number = U256::from(sim.number);
            b.timestamp = U256::from(sim.timestamp);
            b.basefee = sim.base_fee;
            b.gas_limit = sim.gas_limit;
            b.beneficiary = beneficiary;
            b.prevrandao = Some(prevrandao);
            b.blob_excess_gas_and_price = excess_blob_gas
                .map(|x| BlobExcessGasAndPrice::new(x, BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE));
        })
        .modify_cfg_chained(|c: &mut CfgEnv| {
            c.chain_id = chain_id;
            c.spec = SpecId::PRAGUE;
            c.disable_nonce_check = true;
        })
        .build_mainnet();
    let mut out = Vec::with_capacity(txs.len());
    for (kind, tx) in txs {
        let env = TxEnv::builder()
            .caller(tx.from)
            .kind(kind)
            .data(tx.input)
            .value(tx.value)
            .gas_limit(tx.gas_limit)
            .gas_price(sim.base_fee as u128)
            .chain_id(Some(chain_id))
            .build()
            .map_err(|e| Error::Simulation(format!("transaction environment: {e:?}")))?;
        let result = evm
            .transact_commit(env)
            .map_err(|e| Error::Simulation(e.to_string()))?;
        out.push(result);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gas_limit_leaves_the_price_headroom_and_a_margin() {
        // A small transaction gets the full headroom for the vault's price calls.
        assert_eq!(gas_limit_for(100_000), 100_000 + PRICE_HEADROOM);
        // A large one gets 30 % more plus 50,000, which is then more than the headroom.
        assert_eq!(gas_limit_for(10_000_000), 13_050_000);
        assert!(gas_limit_for(u64::MAX) >= u64::MAX / 2, "no overflow");
    }
}
