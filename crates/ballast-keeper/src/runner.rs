//! One rebalancing run (`once`): open → executeTrades → close, every step simulated with revm first and resumable
//! from the chain's state (`currentEpoch()`: an open epoch is picked up at its `trades` index). When a pre-flight
//! shows another keeper got there first (`EpochIdMismatch`, `EpochAlreadyOpen`, `TradeIndexMismatch`,
//! `NoOpenEpoch`), the run stops cleanly with [`Outcome::Superseded`] and sends nothing.

use std::sync::{atomic::Ordering, Arc};

use alloy::{
    eips::BlockId,
    primitives::{Address, Bytes, U256},
    providers::DynProvider,
    sol_types::SolCall,
};
use tracing::{info, warn};

use crate::{
    bindings::IBallastRebalancer,
    chain::read_rebalancer,
    planner::{Plan, PlanInput, Planner, Targets},
    sender::Intent,
    Error, Metrics, Result, Sender, SentTx, SimTx, Simulator, VaultSnapshot,
};

/// Revert names that mean another keeper (or a previous run) already did this step.
pub const SUPERSEDED: &[&str] = &[
    "EpochIdMismatch",
    "EpochAlreadyOpen",
    "TradeIndexMismatch",
    "NoOpenEpoch",
];

/// Gas simulated and transactions confirmed so far in a run.
#[derive(Debug, Default)]
struct Progress {
    gas: Vec<(String, u64)>,
    txs: Vec<SentTx>,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The epoch was carried to its close.
    Done {
        /// The epoch.
        epoch: u64,
        /// Trades executed by this run.
        trades: usize,
        /// Transactions confirmed by this run.
        txs: Vec<SentTx>,
    },
    /// A pre-flight showed that someone else did the step first; nothing was sent for it.
    Superseded {
        /// The step (`openEpoch(4)`).
        step: String,
        /// The decoded revert (`EpochIdMismatch(4, 5)`).
        reason: String,
    },
    /// Dry run: every step simulated, nothing sent.
    Simulated {
        /// The epoch that would be opened or continued.
        epoch: u64,
        /// The planned trades.
        plan: Plan,
        /// Gas of each simulated step.
        gas: Vec<(String, u64)>,
    },
}

/// Where the targets of a new epoch come from.
#[derive(Clone, Debug)]
pub enum TargetSource {
    /// The vault's current targets.
    Keep,
    /// Explicit targets.
    Given(Targets),
}

/// Runs epochs for one vault.
pub struct Runner {
    provider: DynProvider,
    simulator: Simulator,
    sender: Sender,
    vault: Address,
    rebalancer: Address,
    adapter: Address,
    gas_limit: u64,
    planner: Box<dyn Planner>,
    params: toml::Table,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner")
            .field("vault", &self.vault)
            .field("rebalancer", &self.rebalancer)
            .finish()
    }
}

impl Runner {
    /// A runner; `planner` is the seam (the placeholder today, the strategy crate later).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        provider: DynProvider,
        simulator: Simulator,
        sender: Sender,
        vault: Address,
        rebalancer: Address,
        adapter: Address,
        gas_limit: u64,
        planner: Box<dyn Planner>,
        params: toml::Table,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            provider,
            simulator,
            sender,
            vault,
            rebalancer,
            adapter,
            gas_limit,
            planner,
            params,
            metrics,
        }
    }

    async fn snapshot(&self) -> Result<VaultSnapshot> {
        let s = VaultSnapshot::read(&self.provider, self.vault, Some(self.rebalancer)).await?;
        self.metrics.mark_read();
        self.metrics
            .nav
            .store(s.nav.saturating_to(), Ordering::Relaxed);
        Ok(s)
    }

    /// Simulates `input`; `Ok(Err(outcome))` when superseded.
    async fn preflight(
        &self,
        step: &str,
        input: Vec<u8>,
    ) -> Result<std::result::Result<u64, Outcome>> {
        let tx = SimTx {
            from: self.sender.address(),
            to: self.rebalancer,
            input: input.into(),
            value: U256::ZERO,
            gas_limit: self.gas_limit,
        };
        let (_, outcomes) = self.simulator.simulate(vec![tx]).await?;
        let o = outcomes
            .into_iter()
            .next()
            .ok_or_else(|| Error::Simulation("no outcome".into()))?;
        if o.success {
            return Ok(Ok(o.gas_used));
        }
        self.metrics.sim_reverts.fetch_add(1, Ordering::Relaxed);
        let reason = o.revert.unwrap_or_default();
        if o.error_name
            .as_deref()
            .is_some_and(|n| SUPERSEDED.contains(&n))
        {
            warn!(step, %reason, "superseded: another keeper did this step; stopping");
            return Ok(Err(Outcome::Superseded {
                step: step.into(),
                reason,
            }));
        }
        Err(Error::Revert {
            call: step.into(),
            reason,
        })
    }

    async fn step(
        &self,
        step: String,
        input: Vec<u8>,
        dry: bool,
        log: &mut Progress,
    ) -> Result<Option<Outcome>> {
        match self.preflight(&step, input.clone()).await? {
            Err(superseded) => Ok(Some(superseded)),
            Ok(gas) => {
                log.gas.push((step.clone(), gas));
                if !dry {
                    let intent = Intent {
                        label: step,
                        to: self.rebalancer,
                        input: Bytes::from(input),
                        gas_limit: self.gas_limit,
                    };
                    log.txs.push(self.sender.send(&intent).await?);
                }
                Ok(None)
            }
        }
    }

    /// One run. With `dry_run`, only the first step that changes state is simulated and the plan is computed on the
    /// current state.
    pub async fn once(&self, targets: TargetSource, dry_run: bool) -> Result<Outcome> {
        let result = self.once_inner(targets, dry_run).await;
        match &result {
            Ok(_) => self.metrics.runs_ok.fetch_add(1, Ordering::Relaxed),
            Err(_) => self.metrics.runs_failed.fetch_add(1, Ordering::Relaxed),
        };
        result
    }

    async fn once_inner(&self, targets: TargetSource, dry: bool) -> Result<Outcome> {
        let mut gas = Progress::default();
        let mut snap = self.snapshot().await?;
        let mut r = snap
            .rebalancer
            .clone()
            .ok_or_else(|| Error::State("no rebalancer".into()))?;
        let nonce_before = if dry {
            0
        } else {
            self.sender.next_nonce().await?
        };
        if !r.epoch.open {
            let t = match targets {
                TargetSource::Keep => Targets::current(&snap),
                TargetSource::Given(t) => t,
            };
            t.validate(snap.components.len())?;
            let id = r.epoch.id + 1;
            let input = IBallastRebalancer::openEpochCall {
                expectedId: id,
                weights: t.weights.clone(),
                cashWeight: t.cash,
            }
            .abi_encode();
            if let Some(o) = self
                .step(format!("openEpoch({id})"), input, dry, &mut gas)
                .await?
            {
                return Ok(o);
            }
            if dry {
                let plan = self.plan(&snap, &t, snap.nav, r.band_wad)?;
                return Ok(Outcome::Simulated {
                    epoch: id,
                    plan,
                    gas: gas.gas,
                });
            }
            snap = self.snapshot().await?;
            r = read_rebalancer(&self.provider, self.rebalancer, BlockId::number(snap.block))
                .await?;
        } else {
            info!(
                epoch = r.epoch.id,
                next_trade = r.epoch.trades,
                "resuming the open epoch"
            );
        }
        let epoch = r.epoch.id;
        self.metrics.epoch_id.store(epoch, Ordering::Relaxed);
        let investable = r.epoch.nav_at_open.saturating_sub(r.epoch.reserved);
        let plan = self.plan(&snap, &Targets::current(&snap), investable, r.band_wad)?;
        let first = r.epoch.trades;
        if !plan.trades.is_empty() {
            let trades = plan
                .trades
                .iter()
                .map(|t| IBallastRebalancer::Trade {
                    adapter: self.adapter,
                    tokenIn: t.token_in,
                    tokenOut: t.token_out,
                    amountIn: t.amount_in,
                    route: Bytes::new(),
                })
                .collect();
            let input = IBallastRebalancer::executeTradesCall {
                epochId: epoch,
                firstIndex: first,
                trades,
            }
            .abi_encode();
            if let Some(o) = self
                .step(
                    format!("executeTrades({epoch}, {first})"),
                    input,
                    dry,
                    &mut gas,
                )
                .await?
            {
                return Ok(o);
            }
        }
        if dry {
            return Ok(Outcome::Simulated {
                epoch,
                plan,
                gas: gas.gas,
            });
        }
        let input = IBallastRebalancer::closeEpochCall { epochId: epoch }.abi_encode();
        if let Some(o) = self
            .step(format!("closeEpoch({epoch})"), input, dry, &mut gas)
            .await?
        {
            return Ok(o);
        }
        let nonce_after = self.sender.next_nonce().await?;
        info!(
            epoch,
            trades = plan.trades.len(),
            txs = nonce_after - nonce_before,
            "epoch closed"
        );
        Ok(Outcome::Done {
            epoch,
            trades: plan.trades.len(),
            txs: gas.txs,
        })
    }

    fn plan(
        &self,
        snap: &VaultSnapshot,
        targets: &Targets,
        investable: U256,
        band_wad: u64,
    ) -> Result<Plan> {
        self.planner.plan(&PlanInput {
            snapshot: snap,
            targets,
            investable,
            nav: investable,
            band_wad,
            params: &self.params,
        })
    }
}
