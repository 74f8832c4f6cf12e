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
use tracing::{error, info, warn};

use crate::{
    bindings::IBallastRebalancer,
    chain::read_rebalancer,
    planner::{Plan, PlanInput, Planner, Targets, TradeBatch},
    route::RouteBuilder,
    sender::Intent,
    strategy::PoolBook,
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
    /// Nothing to do (no open epoch to resume).
    Idle {
        /// Why.
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

/// What opens the epoch when none is open.
#[derive(Clone, Debug)]
pub enum TargetSource {
    /// A rebalance at the vault's current targets.
    Keep,
    /// A rebalance at explicit targets.
    Given(Targets),
    /// A cash sweep at the current targets (`openCashSweep`).
    CashSweep,
    /// A regime switch (`switchRegime`): to risk-off (`risk_off`) or to risk-on with `targets`.
    RegimeSwitch {
        /// Whether the switch is to risk-off.
        risk_off: bool,
        /// The signal's reason code.
        reason: u32,
        /// Targets after the switch (all cash for risk-off).
        targets: Targets,
    },
    /// Only resume an open epoch; open nothing.
    ResumeOnly,
}

/// Runs epochs for one vault.
pub struct Runner {
    pub(crate) provider: DynProvider,
    pub(crate) simulator: Simulator,
    pub(crate) sender: Sender,
    pub(crate) vault: Address,
    pub(crate) rebalancer: Address,
    pub(crate) adapter: Address,
    pub(crate) gas_limit: u64,
    pub(crate) planner: Box<dyn Planner>,
    pub(crate) params: toml::Table,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) routes: RouteBuilder,
    pub(crate) pools: PoolBook,
    pub(crate) uniswap_factory: Option<Address>,
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
            routes: RouteBuilder::default(),
            pools: PoolBook::default(),
            uniswap_factory: None,
        }
    }

    /// Reads every direct pool's depth on chain from the Uniswap V3 `factory` before each plan ([`crate::pools`]).
    pub fn with_chain_pools(mut self, factory: Option<Address>) -> Self {
        self.uniswap_factory = factory;
        self
    }

    /// Builds each trade's `route` with `routes`, from the `[pools]` entries in `pools`.
    pub fn with_routes(mut self, routes: RouteBuilder, pools: PoolBook) -> Self {
        self.routes = routes;
        self.pools = pools;
        self
    }

    /// The configured adapter.
    pub fn adapter(&self) -> Address {
        self.adapter
    }

    /// The keeper's address.
    pub fn keeper(&self) -> Address {
        self.sender.address()
    }

    /// The rebalancer.
    pub fn rebalancer(&self) -> Address {
        self.rebalancer
    }

    /// Reads the vault and its rebalancer now.
    pub async fn read(&self) -> Result<VaultSnapshot> {
        self.snapshot().await
    }

    /// The `executeTrades` calldata of `plan`'s batch `b`, starting at trade index `first_index` on chain.
    pub fn execute_call(
        &self,
        snap: &VaultSnapshot,
        epoch: u64,
        first_index: u32,
        plan: &Plan,
        b: TradeBatch,
    ) -> Result<Vec<u8>> {
        let trades = plan.trades[b.first..b.first + b.len]
            .iter()
            .map(|t| {
                let component = if t.token_in == snap.asset {
                    t.token_out
                } else {
                    t.token_in
                };
                Ok(IBallastRebalancer::Trade {
                    adapter: self.adapter,
                    tokenIn: t.token_in,
                    tokenOut: t.token_out,
                    amountIn: t.amount_in,
                    route: self.routes.route(
                        t.token_in,
                        t.token_out,
                        snap.asset,
                        self.pools.for_token(snap, component),
                        snap.timestamp,
                    )?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(IBallastRebalancer::executeTradesCall {
            epochId: epoch,
            firstIndex: first_index,
            trades,
        }
        .abi_encode())
    }

    pub(crate) async fn snapshot(&self) -> Result<VaultSnapshot> {
        let s = VaultSnapshot::read(&self.provider, self.vault, Some(self.rebalancer)).await?;
        self.metrics.mark_read();
        self.metrics
            .nav
            .store(s.nav.saturating_to(), Ordering::Relaxed);
        let stale: Vec<&crate::ComponentState> =
            s.components.iter().filter(|c| c.price.is_none()).collect();
        self.metrics
            .stale_prices
            .store(stale.len() as u64, Ordering::Relaxed);
        if let Some(c) = stale.first() {
            self.metrics.stale_alerts.fetch_add(1, Ordering::Relaxed);
            error!(
                alert = "stale_price",
                token = %c.token,
                symbol = %c.symbol,
                stale = stale.len(),
                "ALERT: price unavailable (stale or invalid feed); not trading"
            );
            return Err(Error::StalePrice {
                token: c.token,
                symbol: c.symbol.clone(),
            });
        }
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
                        label: step.clone(),
                        to: self.rebalancer,
                        input: Bytes::from(input.clone()),
                        gas_limit: self.gas_limit,
                    };
                    match self.sender.send(&intent).await {
                        Ok(tx) => log.txs.push(tx),
                        // Mined but reverted: if another keeper's transaction landed first, the same step now
                        // fails its pre-flight as superseded; stop cleanly then.
                        Err(e @ Error::MinedRevert { .. }) => {
                            warn!(step, error = %e, "mined revert; checking whether another keeper got there first");
                            return match self.preflight(&step, input).await? {
                                Err(superseded) => Ok(Some(superseded)),
                                Ok(_) => Err(e),
                            };
                        }
                        Err(e @ Error::ForeignPending { .. }) => {
                            warn!(step, error = %e, "superseded: another keeper with this key is sending; stopping");
                            return Ok(Some(Outcome::Superseded {
                                step,
                                reason: e.to_string(),
                            }));
                        }
                        Err(e) => return Err(e),
                    }
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
            match self.sender.next_nonce().await {
                Ok(n) => n,
                Err(e @ Error::ForeignPending { .. }) => {
                    warn!(error = %e, "superseded: another keeper with this key is sending; stopping");
                    return Ok(Outcome::Superseded {
                        step: "start".into(),
                        reason: e.to_string(),
                    });
                }
                Err(e) => return Err(e),
            }
        };
        if !r.epoch.open {
            let id = r.epoch.id + 1;
            let (label, input, t) = match targets {
                TargetSource::ResumeOnly => {
                    return Ok(Outcome::Idle {
                        reason: "no open epoch".into(),
                    })
                }
                TargetSource::CashSweep => (
                    format!("openCashSweep({id})"),
                    IBallastRebalancer::openCashSweepCall { expectedId: id }.abi_encode(),
                    Targets::current(&snap),
                ),
                TargetSource::RegimeSwitch {
                    risk_off,
                    reason,
                    targets,
                } => {
                    targets.validate(snap.components.len())?;
                    (
                        format!(
                            "switchRegime({id}, {})",
                            if risk_off { "risk-off" } else { "risk-on" }
                        ),
                        IBallastRebalancer::switchRegimeCall {
                            expectedId: id,
                            // `enum Regime { RiskOn, RiskOff }` is a uint8 in the ABI.
                            to: u8::from(risk_off),
                            reason,
                            weights: targets.weights.clone(),
                            cashWeight: targets.cash,
                        }
                        .abi_encode(),
                        targets,
                    )
                }
                TargetSource::Keep | TargetSource::Given(_) => {
                    let t = match targets {
                        TargetSource::Given(t) => t,
                        _ => Targets::current(&snap),
                    };
                    t.validate(snap.components.len())?;
                    (
                        format!("openEpoch({id})"),
                        IBallastRebalancer::openEpochCall {
                            expectedId: id,
                            weights: t.weights.clone(),
                            cashWeight: t.cash,
                        }
                        .abi_encode(),
                        t,
                    )
                }
            };
            if let Some(o) = self.step(label, input, dry, &mut gas).await? {
                return Ok(o);
            }
            if dry {
                self.read_pool_depths(&mut snap).await?;
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
        // Targets as the rebalancer computes them for this call: its base (the opening NAV scaled down by the supply
        // that has left since) less the reserve.
        let investable = r
            .epoch
            .base(snap.total_supply)
            .saturating_sub(r.epoch.reserved);
        self.read_pool_depths(&mut snap).await?;
        let plan = self.plan(&snap, &Targets::current(&snap), investable, r.band_wad)?;
        let first = r.epoch.trades;
        let batches = plan.tx_batches();
        info!(
            epoch,
            trades = plan.trades.len(),
            txs = batches.len(),
            first_index = first,
            "executing the plan (sells first)"
        );
        for b in batches {
            let index = first + b.first as u32;
            let input = self.execute_call(&snap, epoch, index, &plan, b)?;
            if let Some(o) = self
                .step(
                    format!("executeTrades({epoch}, {index}, {} trades)", b.len),
                    input,
                    dry,
                    &mut gas,
                )
                .await?
            {
                return Ok(o);
            }
            if dry {
                break;
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

    /// Reads the pools' depths on chain at `snap`'s block when `[uniswap]` is configured ([`crate::pools`]): only
    /// before planning, not on every read of the vault (the daemon reads it every tick).
    pub(crate) async fn read_pool_depths(&self, snap: &mut VaultSnapshot) -> Result<()> {
        if let Some(factory) = self.uniswap_factory {
            snap.pool_depths =
                crate::pools::read_depths(&self.provider, factory, snap, &self.pools).await?;
        }
        Ok(())
    }

    pub(crate) fn plan(
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
