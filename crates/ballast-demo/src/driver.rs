//! The year on chain. Every transaction goes to the node through the real contracts: feed posts and pool arbitrage
//! each week, user deposits (ERC-2612 permit signed here), and the keeper's epochs, each pre-flighted with the
//! keeper's revm [`Simulator`] and sent with its [`Sender`]; gas comes from the receipts.

use std::{path::PathBuf, time::Instant};

use alloy::{
    primitives::{keccak256, Address, Bytes, B256, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    signers::{local::PrivateKeySigner, SignerSync},
    sol_types::{SolCall, SolValue},
};
use ballast_keeper::{
    bindings::{IBallastRebalancer, IBallastVault, IPriceSource, ISwapRouter, IUniswapV3Pool},
    FeePolicy, Intent, Sender, SimTx, Simulator,
};
use ballast_strategy::{Day, Regime};

use crate::{
    contracts::{IDemoFeed, IDemoToken},
    error::{Error, KeeperContext, Result},
    planner::{self, EpochView, Holding, Leg, BATCH},
    pool::sqrt_price_x96,
    report::{gas_table, Report, SeriesSummary, SwitchRow, WeekRow},
    scenario::{scaled_answer, Scenario, ScenarioConfig},
    world::{anvil_signer, World},
};

/// How the demo runs.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// The node's RPC URL.
    pub rpc: String,
    /// `world.json` from `script/DemoWorld.s.sol`.
    pub world: PathBuf,
    /// Where the report and chart go.
    pub out: PathBuf,
    /// The market.
    pub scenario: ScenarioConfig,
}

/// Who sent a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Keeper,
    Feeds,
    Arbitrage,
    User,
    Diy,
}

struct Tx {
    role: Role,
    gas: u64,
}

struct Demo {
    provider: DynProvider,
    world: World,
    sim: Simulator,
    chain_id: u64,
    deployer: Sender,
    keeper: Sender,
    arb: Sender,
    txs: Vec<Tx>,
    users: Vec<String>,
}

fn policy() -> FeePolicy {
    FeePolicy {
        max_fee_wei: 1_000_000_000_000,
        max_priority_fee_wei: 1_000_000_000,
        bump_percent: 20,
        rebroadcast: std::time::Duration::from_secs(10),
        receipt_timeout: std::time::Duration::from_secs(120),
        fee_wait: std::time::Duration::from_secs(30),
        confirmations: 1,
        poll: std::time::Duration::from_millis(20),
    }
}

fn e(n: u64) -> U256 {
    U256::from(10u64).pow(U256::from(n))
}

fn to_f64(x: U256, decimals: u64) -> f64 {
    let s = x.to_string().parse::<f64>().unwrap_or(f64::MAX);
    s / 10f64.powi(decimals as i32)
}

impl Demo {
    fn sender(&self, signer: PrivateKeySigner) -> Sender {
        Sender::new(
            self.provider.clone(),
            self.provider.clone(),
            signer,
            self.chain_id,
            policy(),
        )
    }

    async fn timestamp(&self) -> Result<u64> {
        let b = self
            .provider
            .get_block_by_number(Default::default())
            .await?
            .ok_or_else(|| Error::Setup("the node has no latest block".into()))?;
        Ok(b.header.timestamp)
    }

    /// Pre-flights `input` from `sender` with revm and returns a gas limit with headroom; fails with the decoded
    /// revert.
    async fn preflight(
        &self,
        from: Address,
        to: Address,
        input: &Bytes,
        label: &str,
    ) -> Result<u64> {
        let (_, outcomes) = self
            .sim
            .simulate(vec![SimTx {
                from,
                to,
                input: input.clone(),
                value: U256::ZERO,
                gas_limit: 25_000_000,
            }])
            .await
            .keeper_context(|| format!("simulating {label}"))?;
        let o = outcomes
            .first()
            .ok_or_else(|| Error::Setup(format!("no simulation outcome for {label}")))?;
        if !o.success {
            return Err(Error::WouldRevert {
                label: label.to_string(),
                reason: o.revert.clone().unwrap_or_default(),
            });
        }
        Ok(ballast_keeper::gas_limit_for(o.gas_used))
    }

    /// Simulates, then sends with `sender`; records the receipt's gas.
    async fn send_checked(
        &mut self,
        who: Who,
        role: Role,
        to: Address,
        input: Vec<u8>,
        label: String,
    ) -> Result<u64> {
        let input = Bytes::from(input);
        let sender = self.pick(who);
        let gas_limit = self.preflight(sender.address(), to, &input, &label).await?;
        self.send_raw(who, role, to, input, gas_limit, label).await
    }

    /// Sends without simulation (feed posts and arbitrage swaps: their gas is bounded and known).
    async fn send_raw(
        &mut self,
        who: Who,
        role: Role,
        to: Address,
        input: Bytes,
        gas_limit: u64,
        label: String,
    ) -> Result<u64> {
        let sender = self.pick(who);
        let sent = sender
            .send(&Intent {
                label: label.clone(),
                to,
                input,
                gas_limit,
            })
            .await
            .keeper_context(|| format!("sending {label}"))?;
        self.txs.push(Tx {
            role,
            gas: sent.gas_used,
        });
        Ok(sent.gas_used)
    }

    fn pick(&self, who: Who) -> Sender {
        match who {
            Who::Deployer => self.deployer.clone(),
            Who::Keeper => self.keeper.clone(),
            Who::Arb => self.arb.clone(),
            Who::Account(i) => {
                self.sender(anvil_signer(i).unwrap_or_else(|_| PrivateKeySigner::random()))
            }
        }
    }

    async fn increase_time(&self, secs: u64) -> Result<()> {
        let _: serde_json::Value = self
            .provider
            .raw_request("evm_increaseTime".into(), (secs,))
            .await?;
        let _: serde_json::Value = self.provider.raw_request("evm_mine".into(), ()).await?;
        Ok(())
    }

    async fn post_prices(&mut self, answers: &[i128]) -> Result<()> {
        for (k, &a) in answers.iter().enumerate() {
            let input = IDemoFeed::setAnswerCall {
                answer: alloy::primitives::I256::try_from(a)
                    .map_err(|_| Error::Range("feed answer"))?,
            }
            .abi_encode();
            let feed = self.world.feeds[k];
            self.send_raw(
                Who::Deployer,
                Role::Feeds,
                feed,
                input.into(),
                120_000,
                format!("setAnswer({k})"),
            )
            .await?;
        }
        Ok(())
    }

    /// Swaps each pool back to its feed price through the real SwapRouter (the arbitrageur's trade).
    async fn arbitrage(&mut self) -> Result<usize> {
        let oracle = IPriceSource::new(self.world.oracle, self.provider.clone());
        let mut swaps = 0;
        for k in 0..self.world.tokens.len() {
            let token = self.world.tokens[k];
            let usdc = self.world.usdc;
            let price36 = oracle.price(token).call().await?;
            let pool = IUniswapV3Pool::new(self.world.pools[k], self.provider.clone());
            let current = U256::from(pool.slot0().call().await?.sqrtPriceX96);
            let token0 = token < usdc;
            let target = sqrt_price_x96(price36, token0);
            // Within ~0.002% of the price: leave it.
            if target.abs_diff(current) * U256::from(100_000u64) <= current {
                continue;
            }
            let zero_for_one = target < current;
            let (t0, t1) = if token0 { (token, usdc) } else { (usdc, token) };
            let (token_in, token_out) = if zero_for_one { (t0, t1) } else { (t1, t0) };
            let input = ISwapRouter::exactInputSingleCall {
                params: ISwapRouter::ExactInputSingleParams {
                    tokenIn: token_in,
                    tokenOut: token_out,
                    fee: alloy::primitives::Uint::<24, 1>::from(self.world.fee),
                    recipient: self.world.arbitrageur,
                    deadline: U256::MAX,
                    amountIn: U256::from(u128::MAX),
                    amountOutMinimum: U256::ZERO,
                    sqrtPriceLimitX96: alloy::primitives::Uint::<160, 3>::from(target),
                },
            }
            .abi_encode();
            let router = self.world.router;
            self.send_raw(
                Who::Arb,
                Role::Arbitrage,
                router,
                input.into(),
                600_000,
                format!("arbitrage({k})"),
            )
            .await?;
            swaps += 1;
        }
        Ok(swaps)
    }

    /// User `i` (anvil account) receives `usdc` from the faucet and deposits it in ONE transaction
    /// (`depositWithPermit`, the ERC-2612 permit signed here).
    async fn deposit(&mut self, i: usize, usdc: u64) -> Result<u64> {
        let signer = anvil_signer(i)?;
        let user = signer.address();
        let assets = U256::from(usdc) * e(6);
        let token = IDemoToken::new(self.world.usdc, self.provider.clone());
        let mint = IDemoToken::mintCall {
            to: user,
            amount: assets,
        }
        .abi_encode();
        self.send_raw(
            Who::Deployer,
            Role::User,
            self.world.usdc,
            mint.into(),
            100_000,
            "faucet".into(),
        )
        .await?;
        let vault = IBallastVault::new(self.world.vault, self.provider.clone());
        let nonce = token.nonces(user).call().await?;
        let domain = token.DOMAIN_SEPARATOR().call().await?;
        let deadline = U256::from(self.timestamp().await? + 3_600);
        let typehash = keccak256(
            "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)",
        );
        let struct_hash =
            keccak256((typehash, user, self.world.vault, assets, nonce, deadline).abi_encode());
        let mut pre = Vec::with_capacity(66);
        pre.extend_from_slice(b"\x19\x01");
        pre.extend_from_slice(domain.as_slice());
        pre.extend_from_slice(struct_hash.as_slice());
        let sig = signer.sign_hash_sync(&keccak256(&pre))?;
        let quoted = vault.previewDeposit(assets).call().await?;
        let input = IBallastVault::depositWithPermitCall {
            assets,
            receiver: user,
            minShares: quoted * U256::from(999u64) / U256::from(1000u64),
            deadline,
            v: 27 + u8::from(sig.v()),
            r: B256::from(sig.r()),
            s: B256::from(sig.s()),
        }
        .abi_encode();
        let gas = self
            .send_checked(
                Who::Account(i),
                Role::User,
                self.world.vault,
                input,
                format!("depositWithPermit({i})"),
            )
            .await?;
        self.users.push(format!(
            "{user} deposited {usdc} USDC in one transaction (depositWithPermit, {gas} gas)"
        ));
        Ok(gas)
    }

    /// One real do-it-yourself swap (USDC → token #1) through the router from a fresh account: its receipt gas.
    async fn diy_swap(&mut self) -> Result<u64> {
        let signer = anvil_signer(8)?;
        let me = signer.address();
        let amount = U256::from(1_000u64) * e(6);
        let mint = IDemoToken::mintCall { to: me, amount }.abi_encode();
        self.send_raw(
            Who::Deployer,
            Role::Diy,
            self.world.usdc,
            mint.into(),
            100_000,
            "faucet".into(),
        )
        .await?;
        let approve = IDemoToken::approveCall {
            spender: self.world.router,
            amount,
        }
        .abi_encode();
        self.send_checked(
            Who::Account(8),
            Role::Diy,
            self.world.usdc,
            approve,
            "diy approve".into(),
        )
        .await?;
        let deadline = U256::from(self.timestamp().await? + 3_600);
        let swap = ISwapRouter::exactInputSingleCall {
            params: ISwapRouter::ExactInputSingleParams {
                tokenIn: self.world.usdc,
                tokenOut: self.world.tokens[1.min(self.world.tokens.len() - 1)],
                fee: alloy::primitives::Uint::<24, 1>::from(self.world.fee),
                recipient: me,
                deadline,
                amountIn: amount,
                amountOutMinimum: U256::ZERO,
                sqrtPriceLimitX96: alloy::primitives::Uint::<160, 3>::ZERO,
            },
        }
        .abi_encode();
        self.send_checked(
            Who::Account(8),
            Role::Diy,
            self.world.router,
            swap,
            "diy swap".into(),
        )
        .await
    }

    async fn holdings(&self) -> Result<(Vec<Holding>, EpochView)> {
        let vault = IBallastVault::new(self.world.vault, self.provider.clone());
        let reb = IBallastRebalancer::new(self.world.rebalancer, self.provider.clone());
        let oracle = IPriceSource::new(self.world.oracle, self.provider.clone());
        let cs = vault.components().call().await?;
        let mut hs = Vec::with_capacity(cs.len());
        for c in cs {
            hs.push(Holding {
                token: c.token,
                balance: c.balance,
                target_weight: c.targetWeight,
                price36: oracle.price(c.token).call().await?,
            });
        }
        let ep = reb.currentEpoch().call().await?;
        let cfg = reb.config().call().await?;
        // The rebalancer's base for this call: the opening NAV scaled down by the supply that has left since.
        let supply = vault.totalSupply().call().await?;
        let view = EpochView {
            base: ballast_keeper::chain::epoch_base(
                U256::from(ep.navAtOpen),
                U256::from(ep.supplyAtOpen),
                supply,
            ),
            reserved: U256::from(ep.reserved),
            band_wad: cfg.bandWad,
            cash_target_weight: vault.cashTargetWeight().call().await?,
            cash: vault.cash().call().await?,
        };
        Ok((hs, view))
    }

    async fn execute(&mut self, epoch: u64, legs: &[Leg]) -> Result<(usize, u64)> {
        let reb = IBallastRebalancer::new(self.world.rebalancer, self.provider.clone());
        let mut gas = 0;
        for batch in legs.chunks(BATCH) {
            let first = reb.currentEpoch().call().await?.trades;
            let deadline = U256::from(self.timestamp().await? + 3_600);
            let fee = self.world.fee.to_be_bytes();
            let trades = batch
                .iter()
                .map(|l| {
                    let (tin, tout) = if l.sell {
                        (l.token, self.world.usdc)
                    } else {
                        (self.world.usdc, l.token)
                    };
                    let mut path = Vec::with_capacity(43);
                    path.extend_from_slice(tin.as_slice());
                    path.extend_from_slice(&fee[1..]);
                    path.extend_from_slice(tout.as_slice());
                    IBallastRebalancer::Trade {
                        adapter: self.world.adapter,
                        tokenIn: tin,
                        tokenOut: tout,
                        amountIn: l.amount,
                        route: (deadline, Bytes::from(path)).abi_encode_params().into(),
                    }
                })
                .collect::<Vec<_>>();
            let input = IBallastRebalancer::executeTradesCall {
                epochId: epoch,
                firstIndex: first,
                trades,
            }
            .abi_encode();
            gas += self
                .send_checked(
                    Who::Keeper,
                    Role::Keeper,
                    self.world.rebalancer,
                    input,
                    format!("executeTrades({epoch}, {first}, {} trades)", batch.len()),
                )
                .await?;
        }
        Ok((legs.len(), gas))
    }

    /// Opens an epoch with `open` (its calldata, built for the next id), executes sells then buys, closes it.
    async fn epoch(
        &mut self,
        label: &str,
        open: impl FnOnce(u64) -> Vec<u8>,
    ) -> Result<(u64, usize, u64)> {
        let reb = IBallastRebalancer::new(self.world.rebalancer, self.provider.clone());
        let id = reb.currentEpoch().call().await?.id + 1;
        let mut gas = self
            .send_checked(
                Who::Keeper,
                Role::Keeper,
                self.world.rebalancer,
                open(id),
                format!("{label}({id})"),
            )
            .await?;
        let (hs, view) = self.holdings().await?;
        let sells: Vec<Leg> = planner::plan(&hs, &view)
            .into_iter()
            .filter(|l| l.sell)
            .collect();
        let (n1, g1) = self.execute(id, &sells).await?;
        let (hs, view) = self.holdings().await?;
        let buys: Vec<Leg> = planner::plan(&hs, &view)
            .into_iter()
            .filter(|l| !l.sell)
            .collect();
        let (n2, g2) = self.execute(id, &buys).await?;
        let close = IBallastRebalancer::closeEpochCall { epochId: id }.abi_encode();
        gas += g1
            + g2
            + self
                .send_checked(
                    Who::Keeper,
                    Role::Keeper,
                    self.world.rebalancer,
                    close,
                    format!("closeEpoch({id})"),
                )
                .await?;
        Ok((id, n1 + n2, gas))
    }

    async fn nav(&self) -> Result<(f64, f64)> {
        let vault = IBallastVault::new(self.world.vault, self.provider.clone());
        let nav = vault.nav().call().await?;
        let supply =
            vault.totalSupply().call().await? + vault.pendingManagementFeeShares().call().await?;
        let assets = to_f64(nav.assets, 6);
        let per_share = if supply.is_zero() {
            0.0
        } else {
            to_f64(nav.assets * e(18) / supply, 18)
        };
        Ok((per_share, assets))
    }

    async fn regime(&self) -> Result<Regime> {
        let reb = IBallastRebalancer::new(self.world.rebalancer, self.provider.clone());
        let r = reb.regime().call().await?;
        Ok(if r._0 == 0 {
            Regime::RiskOn
        } else {
            Regime::RiskOff
        })
    }
}

#[derive(Debug, Clone, Copy)]
enum Who {
    Deployer,
    Keeper,
    Arb,
    Account(usize),
}

fn regime_name(r: Regime) -> &'static str {
    match r {
        Regime::RiskOn => "risk-on",
        Regime::RiskOff => "risk-off",
    }
}

/// Runs the demo year and writes the report; returns it.
pub async fn run(config: DemoConfig) -> Result<Report> {
    let started = Instant::now();
    let world = World::load(&config.world)?;
    let n = world.tokens.len();
    let scenario = Scenario::generate(ScenarioConfig {
        components: n,
        ..config.scenario
    })?;
    let weeks = scenario.config.weeks;
    println!(
        "==> seed {}: {} components, {} weeks from {}; the signal switches {} time(s): {}",
        scenario.config.seed,
        n,
        weeks,
        scenario.date(0),
        scenario.switches.len(),
        scenario
            .switches
            .iter()
            .map(|s| format!("{} -> {} ({:?})", s.date, regime_name(s.to), s.reason))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let url = config
        .rpc
        .parse()
        .map_err(|e| Error::Setup(format!("rpc url `{}`: {e}", config.rpc)))?;
    let provider = ProviderBuilder::new()
        .disable_recommended_fillers()
        .connect_http(url)
        .erased();
    let chain_id = provider.get_chain_id().await?;
    let mk = |i: usize| -> Result<Sender> {
        Ok(Sender::new(
            provider.clone(),
            provider.clone(),
            anvil_signer(i)?,
            chain_id,
            policy(),
        ))
    };
    let mut d = Demo {
        sim: Simulator::new(provider.clone(), chain_id),
        deployer: mk(0)?,
        keeper: mk(1)?,
        arb: mk(2)?,
        provider,
        world,
        chain_id,
        txs: Vec::new(),
        users: Vec::new(),
    };
    if d.keeper.address() != d.world.keeper || d.arb.address() != d.world.arbitrageur {
        return Err(Error::Setup(
            "world.json's keeper/arbitrageur are not anvil accounts 1/2".into(),
        ));
    }

    // The feeds' starting answers are the deployed prices: the history is scaled to them.
    let mut base = Vec::with_capacity(n);
    for &f in &d.world.feeds {
        let r = IDemoFeed::new(f, d.provider.clone())
            .latestRoundData()
            .call()
            .await?;
        base.push(i128::try_from(r.answer).map_err(|_| Error::Range("feed answer"))?);
    }

    let mut rows = Vec::new();
    let mut vault_series = Vec::new();
    let mut switches = Vec::new();
    let mut baseline = 0.0;
    let mut trades_total = 0;
    let mut diy_gas = 0;
    let mut dates: Vec<Day> = Vec::new();
    for week in 0..=weeks {
        if week > 0 {
            d.increase_time(7 * 86_400).await?;
        }
        let answers: Vec<i128> = (0..n)
            .map(|k| scaled_answer(base[k], scenario.price_ratio(k, week)))
            .collect();
        d.post_prices(&answers).await?;
        d.arbitrage().await?;
        if week == 0 {
            for (i, usdc) in [(3, 5_000), (4, 12_000), (5, 25_000), (6, 40_000)] {
                d.deposit(i, usdc).await?;
            }
            diy_gas = d.diy_swap().await?;
            baseline = d.nav().await?.0;
        }
        if week == (weeks / 2).saturating_sub(6) && week > 0 {
            d.deposit(7, 30_000).await?;
        }
        if week == weeks * 2 / 3 {
            d.deposit(4, 8_000).await?;
        }

        let (want, reason) = scenario.regime_at(week);
        let now = d.regime().await?;
        let mut action = "hold";
        let (mut trades, mut gas) = (0, 0);
        if want != now {
            let weights = scenario.weights(week)?;
            let to = if want == Regime::RiskOn { 0u8 } else { 1u8 };
            let code = reason.code();
            let (id, t, g) = d
                .epoch("switchRegime", |id| {
                    let (w, c) = if want == Regime::RiskOn {
                        (weights.components.clone(), weights.cash)
                    } else {
                        (Vec::new(), 0)
                    };
                    IBallastRebalancer::switchRegimeCall {
                        expectedId: id,
                        to,
                        reason: code,
                        weights: w,
                        cashWeight: c,
                    }
                    .abi_encode()
                })
                .await?;
            let signal = scenario
                .switches
                .iter()
                .rev()
                .find(|s| s.day <= week * 7 && s.to == want);
            switches.push(SwitchRow {
                week,
                date: scenario.date(week).to_string(),
                signal_date: signal.map(|s| s.date.to_string()).unwrap_or_default(),
                to: regime_name(want).into(),
                reason: format!("{reason:?}"),
                reason_code: code,
                ratio: signal.and_then(|s| s.ratio),
                epoch: id,
            });
            action = if want == Regime::RiskOn {
                "risk-on"
            } else {
                "risk-off"
            };
            (trades, gas) = (t, g);
        } else if now == Regime::RiskOn {
            let weights = scenario.weights(week)?;
            let (_, t, g) = d
                .epoch("openEpoch", |id| {
                    IBallastRebalancer::openEpochCall {
                        expectedId: id,
                        weights: weights.components.clone(),
                        cashWeight: weights.cash,
                    }
                    .abi_encode()
                })
                .await?;
            action = "rebalance";
            (trades, gas) = (t, g);
        }
        trades_total += trades;
        let (per_share, nav) = d.nav().await?;
        let rel = if baseline > 0.0 {
            per_share / baseline
        } else {
            0.0
        };
        if week == 0 {
            vault_series.push(1.0);
            dates.push(scenario.date(0));
        } else {
            vault_series.push(rel);
            dates.push(scenario.date(week));
        }
        let regime = d.regime().await?;
        println!(
            "week {week:>2} {} {:<8} {:<9} NAV/share {rel:.4}  NAV {nav:>10.0} USDC  trades {trades:>2}  keeper gas {gas:>9}",
            scenario.date(week),
            regime_name(regime),
            action,
        );
        rows.push(WeekRow {
            week,
            date: scenario.date(week).to_string(),
            regime: regime_name(regime).into(),
            action: action.into(),
            nav_per_share: rel,
            nav_usdc: nav,
            trades,
            keeper_gas: gas,
        });
    }

    // The end: one user leaves in kind (no oracle, no keeper needed).
    let leaver = anvil_signer(3)?.address();
    let vault = IBallastVault::new(d.world.vault, d.provider.clone());
    let shares = vault.balanceOf(leaver).call().await?;
    let input = IBallastVault::redeemInKindCall {
        shares,
        receiver: leaver,
        owner: leaver,
    }
    .abi_encode();
    let g = d
        .send_checked(
            Who::Account(3),
            Role::User,
            d.world.vault,
            input,
            "redeemInKind".into(),
        )
        .await?;
    d.users.push(format!(
        "{leaver} redeemed all {} shares in kind at the end ({g} gas)",
        to_f64(shares, 18)
    ));

    let keeper: Vec<&Tx> = d.txs.iter().filter(|t| t.role == Role::Keeper).collect();
    let keeper_gas: u64 = keeper.iter().map(|t| t.gas).sum();
    let hold_first = scenario.hold_first();
    let index = scenario.index_always_on()?;
    let report = Report {
        seed: scenario.config.seed,
        weeks,
        components: n,
        rows,
        summaries: [
            SeriesSummary::of(&vault_series),
            SeriesSummary::of(&hold_first),
            SeriesSummary::of(&index),
        ],
        vault: vault_series,
        hold_first,
        index_always_on: index,
        switches,
        keeper_txs: keeper.len(),
        keeper_gas,
        trades: trades_total,
        diy_swap_gas: diy_gas,
        gas: gas_table(keeper_gas, trades_total, diy_gas),
        users: d.users.clone(),
        total_txs: d.txs.len(),
        runtime_secs: started.elapsed().as_secs_f64(),
    };
    report.write(&config.out, &dates)?;
    let _ = (Role::Feeds, Role::Arbitrage, Role::Diy);
    Ok(report)
}
