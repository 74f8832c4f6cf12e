//! The `run` daemon: every tick it re-reads the chain (so a restart is always safe) and does at most one job:
//! resume an open epoch; the daily regime check (switching when the signal and the on-chain dwell allow); the
//! weekly rebalance at the configured slot once the contract's `nextRebalanceDue()` has passed; or a cash sweep
//! when cash is above its target by the configured threshold or queued redemptions are pending. Time comes from a
//! [`Clock`], so tests can drive it.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

use alloy::providers::{DynProvider, Provider};
use serde::Serialize;
use tokio::sync::watch;
use tracing::{error, info, warn};

use crate::{
    bindings::IRedemptionQueue,
    config::Schedule,
    market::{targets_from_market, BoxFuture, MarketSource},
    planner::Targets,
    regime,
    settings::{MarketSettings, RegimeSettings},
    Error, Metrics, Outcome, Result, Runner, TargetSource, VaultSnapshot,
};

const DAY: u64 = 86_400;
const WEEK: u64 = 7 * DAY;

/// Where the daemon's "now" comes from.
pub trait Clock: Send + Sync {
    /// Unix seconds.
    fn now(&self) -> BoxFuture<'_, Result<u64>>;
}

/// Wall time.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> BoxFuture<'_, Result<u64>> {
        Box::pin(async {
            Ok(std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0))
        })
    }
}

/// The latest block's timestamp (follows anvil's `evm_increaseTime`).
#[derive(Clone, Debug)]
pub struct ChainClock(pub DynProvider);

impl Clock for ChainClock {
    fn now(&self) -> BoxFuture<'_, Result<u64>> {
        Box::pin(async {
            let b = self
                .0
                .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
                .await
                .map_err(Error::rpc)?
                .ok_or_else(|| Error::State("no latest block".into()))?;
            Ok(b.header.timestamp)
        })
    }
}

/// A clock set by hand (tests).
#[derive(Clone, Debug, Default)]
pub struct ManualClock(pub Arc<AtomicU64>);

impl ManualClock {
    /// Sets the time.
    pub fn set(&self, t: u64) {
        self.0.store(t, Ordering::Relaxed);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> BoxFuture<'_, Result<u64>> {
        let t = self.0.load(Ordering::Relaxed);
        Box::pin(async move { Ok(t) })
    }
}

/// The start of the weekly slot in force at `now` (the latest slot at or before it).
pub fn current_slot(schedule: &Schedule, now: u64) -> u64 {
    let next = schedule.next_after(now);
    if next == now {
        now
    } else {
        next.saturating_sub(WEEK)
    }
}

/// What a tick did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Job {
    /// Nothing was due.
    Nothing,
    /// Resumed and finished an open epoch.
    Resumed,
    /// Checked the regime; `true` if a switch epoch was run.
    RegimeCheck(bool),
    /// Ran the weekly rebalance.
    Rebalance,
    /// Ran a cash sweep.
    CashSweep,
    /// Another keeper did it first.
    Superseded,
}

/// The daemon.
pub struct Daemon {
    runner: Runner,
    provider: DynProvider,
    clock: Box<dyn Clock>,
    schedule: Schedule,
    market: Option<(Box<dyn MarketSource>, MarketSettings)>,
    regime: Option<RegimeSettings>,
    queue: Option<alloy::primitives::Address>,
    sweep_threshold_wad: u64,
    metrics: Arc<Metrics>,
    last_regime_day: Option<u64>,
    last_slot: Option<u64>,
}

impl std::fmt::Debug for Daemon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Daemon")
            .field("runner", &self.runner)
            .finish()
    }
}

impl Daemon {
    /// A daemon around `runner`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        runner: Runner,
        provider: DynProvider,
        clock: Box<dyn Clock>,
        schedule: Schedule,
        market: Option<(Box<dyn MarketSource>, MarketSettings)>,
        regime: Option<RegimeSettings>,
        queue: Option<alloy::primitives::Address>,
        sweep_threshold_wad: u64,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            runner,
            provider,
            clock,
            schedule,
            market,
            regime,
            queue,
            sweep_threshold_wad,
            metrics,
            last_regime_day: None,
            last_slot: None,
        }
    }

    /// Runs ticks every `tick` until `shutdown` turns true (SIGINT/SIGTERM in the binary); a job in flight is
    /// finished first. Errors of one tick are logged and the next tick tries again.
    pub async fn run(&mut self, tick: std::time::Duration, mut shutdown: watch::Receiver<bool>) {
        info!(tick_secs = tick.as_secs_f64(), "keeper daemon started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            match self.tick().await {
                Ok(Job::Nothing) => {}
                Ok(job) => info!(?job, "job done"),
                Err(e) => error!(error = %e, "tick failed; retrying next tick"),
            }
            tokio::select! {
                _ = tokio::time::sleep(tick) => {}
                _ = shutdown.changed() => {}
            }
        }
        info!("keeper daemon stopped (shutdown requested)");
    }

    async fn targets(&self, snap: &VaultSnapshot) -> Result<Option<Targets>> {
        match &self.market {
            Some((source, m)) => {
                let assets = source.markets().await?;
                Ok(Some(targets_from_market(&assets, snap, m)?))
            }
            None => Ok(None),
        }
    }

    async fn run_epoch(&self, source: TargetSource) -> Result<Job> {
        Ok(match self.runner.once(source, false).await? {
            Outcome::Superseded { .. } => Job::Superseded,
            _ => Job::Nothing,
        })
    }

    /// One tick: re-reads the chain, then does the first job that is due.
    pub async fn tick(&mut self) -> Result<Job> {
        let now = self.clock.now().await?;
        let snap = self.runner.read().await?;
        let r = snap
            .rebalancer
            .clone()
            .ok_or_else(|| Error::State("no rebalancer".into()))?;
        if r.epoch.open {
            info!(epoch = r.epoch.id, "an epoch is open: resuming it");
            let j = self.run_epoch(TargetSource::ResumeOnly).await?;
            return Ok(if j == Job::Superseded {
                j
            } else {
                Job::Resumed
            });
        }

        // Daily regime check.
        if let Some(rs) = self.regime.clone() {
            let day = now / DAY;
            if now % DAY >= u64::from(rs.hour_utc) * 3_600 && self.last_regime_day != Some(day) {
                self.metrics.regime_checks.fetch_add(1, Ordering::Relaxed);
                let history = regime::load_history(&rs)?;
                let d = regime::decide(&rs, &history, r.regime, r.last_switch, r.min_dwell, now)?;
                info!(reading = %d.reading, dwell_until = ?d.dwell_until, "regime check");
                if let Some((risk_off, reason)) = d.switch {
                    let targets = if risk_off {
                        Targets {
                            weights: vec![0; snap.components.len()],
                            cash: crate::chain::WAD,
                        }
                    } else {
                        self.targets(&snap).await?.ok_or_else(|| {
                            Error::config("market", "switching to risk-on needs [market] targets")
                        })?
                    };
                    warn!(risk_off, reason, "regime switch");
                    // The day counts as checked only once the switch went through: a failed one is retried at
                    // the next tick.
                    let j = self
                        .run_epoch(TargetSource::RegimeSwitch {
                            risk_off,
                            reason,
                            targets,
                        })
                        .await?;
                    self.last_regime_day = Some(day);
                    return Ok(if j == Job::Superseded {
                        j
                    } else {
                        Job::RegimeCheck(true)
                    });
                }
                self.last_regime_day = Some(day);
            }
        }

        // Weekly rebalance (risk-on only: risk-off targets are all cash until the switch back).
        let slot = current_slot(&self.schedule, now);
        if r.regime == 0
            && now >= r.next_rebalance_due
            && now >= slot
            && self.last_slot != Some(slot)
        {
            let source = match self.targets(&snap).await? {
                Some(t) => TargetSource::Given(t),
                None => TargetSource::Keep,
            };
            info!(slot, due = r.next_rebalance_due, "weekly rebalance due");
            // Marked done only once it went through: a failed rebalance is retried at the next tick.
            let j = self.run_epoch(source).await?;
            self.last_slot = Some(slot);
            return Ok(if j == Job::Superseded {
                j
            } else {
                Job::Rebalance
            });
        }

        // Cash sweep.
        let cash_weight = snap.weight_of(snap.cash);
        let excess = cash_weight.saturating_sub(snap.cash_target_weight);
        let pending = match self.queue {
            Some(q) => IRedemptionQueue::new(q, &self.provider)
                .pendingShares(r.epoch.id + 1)
                .call()
                .await
                .map_err(|e| Error::State(format!("queue.pendingShares(): {e}")))?,
            None => alloy::primitives::U256::ZERO,
        };
        if excess > self.sweep_threshold_wad || !pending.is_zero() {
            info!(
                cash_weight,
                target = snap.cash_target_weight,
                pending_shares = %pending,
                "cash sweep due"
            );
            self.metrics.sweeps.fetch_add(1, Ordering::Relaxed);
            let j = self.run_epoch(TargetSource::CashSweep).await?;
            return Ok(if j == Job::Superseded {
                j
            } else {
                Job::CashSweep
            });
        }
        Ok(Job::Nothing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_slot_is_the_latest_at_or_before_now() {
        let monday = 1_704_067_200; // 2024-01-01 00:00 UTC, a Monday
        let s = Schedule {
            weekday: 0,
            hour_utc: 12,
        };
        assert_eq!(current_slot(&s, monday + 12 * 3_600), monday + 12 * 3_600);
        assert_eq!(current_slot(&s, monday + 13 * 3_600), monday + 12 * 3_600);
        assert_eq!(
            current_slot(&s, monday + 11 * 3_600),
            monday + 12 * 3_600 - WEEK
        );
    }

    #[tokio::test]
    async fn manual_clock_is_settable() {
        let c = ManualClock::default();
        c.set(42);
        assert_eq!(c.now().await.expect("now"), 42);
    }
}
