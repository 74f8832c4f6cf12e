//! The commands. Library errors become `eyre` reports here, and only here.

use std::{path::PathBuf, sync::Arc};

use alloy::{
    primitives::Address,
    providers::{DynProvider, Provider},
};
use ballast_keeper::{
    chain,
    daemon::{ChainClock, Clock, Daemon, SystemClock},
    market, metrics, quote,
    settings::{ClockKind, PlannerKind},
    status::StatusReport,
    telemetry::LogFormat,
    Config, FeePolicy, Metrics, Outcome, Planner, PoolBook, ProportionalPlanner, RouteBuilder,
    Runner, Sender, Simulator, StrategyPlanner, TargetSource, Targets, VaultSnapshot,
};
use clap::{Parser, Subcommand, ValueEnum};
use eyre::{bail, WrapErr};
use tracing::{info, warn};

/// The Ballast keeper.
#[derive(Debug, Parser)]
#[command(name = "ballast", version, about)]
pub(crate) struct Args {
    /// The TOML config file (`BALLAST_*` environment variables override it).
    #[arg(long, short, env = "BALLAST_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Print machine-readable JSON on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogArg::Human, global = true)]
    pub(crate) log_format: LogArg,
    #[command(subcommand)]
    command: Command,
}

/// Log format flag.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum LogArg {
    /// Human-readable.
    Human,
    /// JSON lines.
    Json,
}

impl From<LogArg> for LogFormat {
    fn from(a: LogArg) -> Self {
        match a {
            LogArg::Human => LogFormat::Human,
            LogArg::Json => LogFormat::Json,
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    #[command(flatten)]
    Keeper(KeeperCommand),
    /// The local showcase: a simulated year of weekly epochs on a world deployed by `script/DemoWorld.s.sol`
    /// (`./script/demo.sh` starts anvil, deploys it and runs this). Needs no config file.
    Demo(DemoArgs),
    /// Deploys the production stack (price source, vault, rebalancer, queue, Uniswap V3 adapter) onto existing
    /// tokens and feeds from a spec (`script/deploy.example.toml`), wires and hands it over, and writes
    /// `OUT/deployment.json` and a ready `OUT/keeper.toml`. Restartable: a rerun does only what is left. Needs no
    /// config file.
    Deploy(DeployArgs),
}

/// `ballast deploy`.
#[derive(Debug, clap::Args)]
struct DeployArgs {
    /// The deploy spec (TOML; see `script/deploy.example.toml`).
    #[arg(long)]
    spec: PathBuf,
    /// Where `deployment.json` (the restartable record) and `keeper.toml` go.
    #[arg(long, default_value = "deployment")]
    out: PathBuf,
}

/// The commands that read the configuration.
#[derive(Debug, Subcommand)]
enum KeeperCommand {
    /// Validates the configuration and prints it (secrets redacted).
    Config,
    /// NAV, share price, holdings against targets, regime, last epoch, fees, next rebalance.
    Status,
    /// One rebalancing run: open → executeTrades (one transaction per planned batch) → close (resumes an open
    /// epoch), each step simulated first.
    Once {
        /// Targets file (.json/.toml: `cash` and `[weights]` by symbol or address, WAD); default: keep current.
        #[arg(long, conflicts_with = "market")]
        targets: Option<PathBuf>,
        /// New targets from the `[market]` source (universe → weights → listed components).
        #[arg(long)]
        market: bool,
        /// Simulate only; send nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Dry run: targets, trades (amounts, expected and on-chain minimum outputs), gas of every transaction
    /// (simulated with revm), slippage and fees. Sends nothing.
    Plan {
        /// Targets file (as for `once`); default: keep current.
        #[arg(long, conflicts_with = "market")]
        targets: Option<PathBuf>,
        /// New targets from the `[market]` source.
        #[arg(long)]
        market: bool,
    },
    /// The daemon: weekly rebalance, daily regime check, cash sweeps; /metrics and /health; stops on SIGINT/SIGTERM.
    Run,
    /// Quotes an action.
    Quote {
        #[command(subcommand)]
        what: QuoteCommand,
    },
}

/// `ballast demo`.
#[derive(Debug, clap::Args)]
struct DemoArgs {
    /// The node's RPC URL.
    #[arg(long, env = "DEMO_RPC", default_value = "http://127.0.0.1:8545")]
    rpc: String,
    /// `world.json` written by `script/DemoWorld.s.sol`.
    #[arg(long, default_value = "target/demo/world.json")]
    world: PathBuf,
    /// Where `report.json`, `report.md`, `chart.svg` and the detailed log `demo.log` go.
    #[arg(long, default_value = "target/demo")]
    out: PathBuf,
    /// The history generator's seed.
    #[arg(long, env = "DEMO_SEED", default_value_t = ballast_demo::scenario::DEFAULT_SEED)]
    seed: u64,
    /// Weeks to simulate (1..=520).
    #[arg(long, env = "DEMO_WEEKS", default_value_t = 52, value_parser = clap::value_parser!(u64).range(1..=520))]
    weeks: u64,
    /// Print the first seed from `--seed` (within 500) whose year has a round trip to risk-off and back, and exit.
    #[arg(long)]
    find_seed: bool,
}

#[derive(Debug, Subcommand)]
enum QuoteCommand {
    /// Shares out, every fee, and the estimated gas of depositing AMOUNT (in asset units, e.g. 100.5).
    Deposit {
        /// The amount, in asset units.
        amount: String,
        /// The depositor to estimate gas for (default: the configured key's address, if any).
        #[arg(long)]
        from: Option<Address>,
    },
}

impl Args {
    /// Where the logs go instead of stderr: the demo's `OUT/demo.log` (its standard output is the week-by-week
    /// progress); `None` for every other command.
    pub(crate) fn log_file(&self) -> Option<PathBuf> {
        match &self.command {
            Command::Demo(a) if !a.find_seed => Some(a.out.join("demo.log")),
            _ => None,
        }
    }
}

pub(crate) async fn run(args: Args) -> eyre::Result<()> {
    let command = match args.command {
        Command::Demo(a) => return demo(a, args.json).await,
        Command::Deploy(a) => return deploy(a, args.json).await,
        Command::Keeper(c) => c,
    };
    let config = Config::load(args.config.as_deref()).wrap_err("loading the configuration")?;
    match command {
        KeeperCommand::Config => {
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({ "ok": true, "chain_id": config.chain_id, "vault": config.vault })
                );
            } else {
                println!("{config:#?}");
            }
            Ok(())
        }
        KeeperCommand::Status => status(&config, args.json).await,
        KeeperCommand::Once {
            targets,
            market,
            dry_run,
        } => once(&config, args.json, targets, market, dry_run).await,
        KeeperCommand::Plan { targets, market } => plan(&config, args.json, targets, market).await,
        KeeperCommand::Run => run_daemon(&config).await,
        KeeperCommand::Quote {
            what: QuoteCommand::Deposit { amount, from },
        } => quote_deposit(&config, args.json, &amount, from).await,
    }
}

/// `ballast deploy`: the stack from a spec, then the summary.
async fn deploy(a: DeployArgs, json: bool) -> eyre::Result<()> {
    let spec = ballast_keeper::deploy::Spec::load(&a.spec)
        .wrap_err_with(|| format!("reading the deploy spec {}", a.spec.display()))?;
    let outcome = ballast_keeper::deploy::deploy(&spec, &a.out)
        .await
        .wrap_err("ballast deploy")?;
    print(json, &outcome)
}

/// `ballast demo`: the year, then the report's summary.
async fn demo(a: DemoArgs, json: bool) -> eyre::Result<()> {
    let weeks = usize::try_from(a.weeks).wrap_err("--weeks")?;
    let scenario = ballast_demo::scenario::ScenarioConfig {
        seed: a.seed,
        weeks,
        ..ballast_demo::scenario::ScenarioConfig::default()
    };
    if a.find_seed {
        match ballast_demo::scenario::find_seed(scenario, a.seed, 500) {
            Some(s) => println!("{s}"),
            None => bail!("no seed with a round trip in {}..{}", a.seed, a.seed + 500),
        }
        return Ok(());
    }
    let report = ballast_demo::run(ballast_demo::DemoConfig {
        rpc: a.rpc,
        world: a.world,
        out: a.out.clone(),
        scenario,
    })
    .await
    .wrap_err("the demo")?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("\n{}", report.summary());
        println!(
            "report: {0}/report.md, {0}/report.json; chart: {0}/chart.svg",
            a.out.display()
        );
    }
    Ok(())
}

/// A provider on the first RPC URL, after checking the node's chain id; an unreachable node is retried
/// `chain.rpc_retries` times with doubling backoff, then reported by its (redacted) URL.
async fn provider(config: &Config) -> eyre::Result<DynProvider> {
    let url = config
        .rpc_urls
        .first()
        .ok_or_else(|| eyre::eyre!("no RPC URL"))?;
    let p = chain::connect_with_timeout(url, config.rpc_timeout);
    let mut delay = std::time::Duration::from_millis(500);
    let mut attempt = 1;
    let id = loop {
        match p.get_chain_id().await {
            Ok(id) => break id,
            Err(e) if attempt < config.rpc_retries => {
                warn!(rpc = %url, attempt, error = %e, retry_in_ms = delay.as_millis() as u64, "RPC unreachable; retrying");
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
            Err(e) => bail!("RPC {url} unreachable after {attempt} attempt(s): {e}"),
        }
    };
    if id != config.chain_id {
        bail!(
            "the node at {url} is on chain {id}, the config says chain.chain_id = {}",
            config.chain_id
        );
    }
    Ok(p)
}

async fn status(config: &Config, json: bool) -> eyre::Result<()> {
    let p = provider(config).await?;
    let snapshot = VaultSnapshot::read(&p, config.vault, config.rebalancer).await?;
    let report = StatusReport::new(&snapshot, &config.schedule);
    info!(block = snapshot.block, nav = %snapshot.nav, "status read");
    print(json, &report)
}

async fn quote_deposit(
    config: &Config,
    json: bool,
    amount: &str,
    from: Option<Address>,
) -> eyre::Result<()> {
    let p = provider(config).await?;
    let from = match (from, &config.signer) {
        (Some(a), _) => a,
        (None, Some(ballast_keeper::KeySource::Raw(_)))
        | (None, Some(ballast_keeper::KeySource::Keystore(_))) => signer_address(config)?,
        (None, None) => bail!("give --from ADDRESS (or configure a signer) to estimate gas"),
    };
    let policy = FeePolicy::from_config(config);
    let sender_base = base_fee(&p).await?;
    let q = quote::quote_deposit(
        &p,
        config.vault,
        amount,
        from,
        sender_base,
        policy.max_priority_fee_wei,
    )
    .await?;
    print(json, &q)
}

fn signer_address(config: &Config) -> eyre::Result<Address> {
    let source = config
        .signer
        .as_ref()
        .ok_or_else(|| eyre::eyre!("no signer configured"))?;
    Ok(source.load(None)?.address())
}

async fn base_fee(p: &DynProvider) -> eyre::Result<u128> {
    let block = p
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
        .await?
        .ok_or_else(|| eyre::eyre!("no latest block"))?;
    Ok(block.header.base_fee_per_gas.unwrap_or(0) as u128)
}

fn print<T: serde::Serialize + std::fmt::Display>(json: bool, value: &T) -> eyre::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(value)?);
    } else {
        println!("{value}");
    }
    Ok(())
}

/// The runner the config describes: key, sender, simulator, planner (`[plan] planner`), routes (`[routes]`).
async fn build_runner(
    config: &Config,
    p: &DynProvider,
    metrics: Arc<Metrics>,
) -> eyre::Result<Runner> {
    let rebalancer = config.require_rebalancer()?;
    let adapter = config
        .adapter
        .ok_or_else(|| eyre::eyre!("invalid config `contracts.adapter`: required to rebalance"))?;
    let source = config
        .signer
        .as_ref()
        .ok_or_else(|| eyre::eyre!("invalid config `signer`: a key is required"))?;
    let signer = source.load(None)?;
    let broadcast = config
        .private_tx_url
        .as_ref()
        .map(|u| chain::connect_with_timeout(u, config.rpc_timeout))
        .unwrap_or_else(|| p.clone());
    let sender = Sender::new(
        p.clone(),
        broadcast,
        signer,
        config.chain_id,
        FeePolicy::from_config(config),
    )
    .with_metrics(metrics.clone());
    let settings = &config.settings;
    let pools = PoolBook::new(settings.pools.clone());
    let planner: Box<dyn Planner> = match settings.plan.planner {
        PlannerKind::Strategy => Box::new(StrategyPlanner::new(
            pools.clone(),
            settings.plan.clone(),
            config.gas.limit,
        )),
        PlannerKind::Proportional => Box::new(ProportionalPlanner),
    };
    Ok(Runner::new(
        p.clone(),
        Simulator::new(p.clone(), config.chain_id),
        sender,
        config.vault,
        rebalancer,
        adapter,
        config.gas.limit,
        planner,
        config.strategy.clone(),
        metrics,
    )
    .with_routes(
        RouteBuilder::new(settings.routes.get(&adapter).copied()),
        pools,
    )
    .with_chain_pools(settings.uniswap.map(|u| u.factory)))
}

/// Targets from `--targets FILE` or `--market`, if asked.
async fn chosen_targets(
    config: &Config,
    p: &DynProvider,
    file: Option<PathBuf>,
    from_market: bool,
) -> eyre::Result<Option<Targets>> {
    if file.is_none() && !from_market {
        return Ok(None);
    }
    let snapshot = VaultSnapshot::read(p, config.vault, config.rebalancer).await?;
    if let Some(path) = file {
        return Ok(Some(Targets::from_file(&path, &snapshot)?));
    }
    let m =
        config.settings.market.as_ref().ok_or_else(|| {
            eyre::eyre!("invalid config `market`: --market needs a [market] section")
        })?;
    let source = market::source_from(m)?;
    let assets = source
        .markets()
        .await
        .wrap_err_with(|| format!("reading market data from {}", source.describe()))?;
    Ok(Some(market::targets_from_market(&assets, &snapshot, m)?))
}

async fn plan(
    config: &Config,
    json: bool,
    targets: Option<PathBuf>,
    from_market: bool,
) -> eyre::Result<()> {
    let p = provider(config).await?;
    let runner = build_runner(config, &p, Arc::new(Metrics::default())).await?;
    let targets = chosen_targets(config, &p, targets, from_market).await?;
    let report = runner.plan_report(targets).await?;
    print(json, &report)
}

async fn run_daemon(config: &Config) -> eyre::Result<()> {
    let p = provider(config).await?;
    let metrics = Arc::new(Metrics::default());
    let _server = match config.metrics_listen {
        Some(addr) => Some(metrics::serve(addr, metrics.clone(), 600).await?),
        None => None,
    };
    let runner = build_runner(config, &p, metrics.clone()).await?;
    let settings = &config.settings;
    let market = match &settings.market {
        Some(m) => Some((market::source_from(m)?, m.clone())),
        None => None,
    };
    let clock: Box<dyn Clock> = match settings.run.clock {
        ClockKind::System => Box::new(SystemClock),
        ClockKind::Chain => Box::new(ChainClock(p.clone())),
    };
    let mut daemon = Daemon::new(
        runner,
        p.clone(),
        clock,
        config.schedule,
        market,
        settings.regime.clone(),
        config.queue,
        settings.run.sweep_threshold_wad,
        metrics,
    );
    let (tx, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        info!("shutdown signal received: finishing the job in flight");
        let _ = tx.send(true);
    });
    daemon
        .run(std::time::Duration::from_secs(settings.run.tick_secs), rx)
        .await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn once(
    config: &Config,
    json: bool,
    targets: Option<PathBuf>,
    from_market: bool,
    dry_run: bool,
) -> eyre::Result<()> {
    let p = provider(config).await?;
    let metrics = Arc::new(Metrics::default());
    let _server = match config.metrics_listen {
        Some(addr) => Some(metrics::serve(addr, metrics.clone(), 600).await?),
        None => None,
    };
    let runner = build_runner(config, &p, metrics).await?;
    let targets = match chosen_targets(config, &p, targets, from_market).await? {
        Some(t) => TargetSource::Given(t),
        None => TargetSource::Keep,
    };
    let outcome = runner.once(targets, dry_run).await?;
    let report = match &outcome {
        Outcome::Done { epoch, trades, txs } => serde_json::json!({
            "outcome": "done", "epoch": epoch, "trades": trades,
            "txs": txs.iter().map(|t| serde_json::json!({"hash": t.hash, "nonce": t.nonce, "block": t.block, "gas_used": t.gas_used})).collect::<Vec<_>>(),
        }),
        Outcome::Superseded { step, reason } => {
            serde_json::json!({ "outcome": "superseded", "step": step, "reason": reason })
        }
        Outcome::Idle { reason } => serde_json::json!({ "outcome": "idle", "reason": reason }),
        Outcome::Simulated { epoch, plan, gas } => serde_json::json!({
            "outcome": "simulated", "epoch": epoch, "trades": plan.trades.len(),
            "gas": gas.iter().map(|(s, g)| serde_json::json!({"step": s, "gas": g})).collect::<Vec<_>>(),
        }),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        match outcome {
            Outcome::Done { epoch, trades, txs } => println!(
                "epoch {epoch} closed: {trades} trades, {} transactions",
                txs.len()
            ),
            Outcome::Superseded { step, reason } => println!(
                "superseded at {step}: {reason} (another keeper got there first; nothing sent)"
            ),
            Outcome::Idle { reason } => println!("nothing to do: {reason}"),
            Outcome::Simulated { epoch, plan, gas } => {
                println!(
                    "dry run for epoch {epoch}: {} trades planned",
                    plan.trades.len()
                );
                for (step, g) in gas {
                    println!("  {step}: ok, {g} gas");
                }
            }
        }
    }
    Ok(())
}
