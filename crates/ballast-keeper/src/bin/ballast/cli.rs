//! The commands. Library errors become `eyre` reports here, and only here.

use std::{path::PathBuf, sync::Arc};

use alloy::{
    primitives::Address,
    providers::{DynProvider, Provider},
};
use ballast_keeper::{
    chain, metrics, quote, status::StatusReport, telemetry::LogFormat, Config, FeePolicy, Metrics,
    Outcome, ProportionalPlanner, Runner, Sender, Simulator, TargetSource, Targets, VaultSnapshot,
};
use clap::{Parser, Subcommand, ValueEnum};
use eyre::{bail, WrapErr};
use tracing::info;

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
    /// Validates the configuration and prints it (secrets redacted).
    Config,
    /// NAV, share price, holdings against targets, regime, last epoch, fees, next rebalance.
    Status,
    /// One rebalancing run: open → executeTrades → close (resumes an open epoch), each step simulated first.
    Once {
        /// Targets file (.json/.toml: `cash` and `[weights]` by symbol or address, WAD); default: keep current.
        #[arg(long)]
        targets: Option<PathBuf>,
        /// Simulate only; send nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Quotes an action.
    Quote {
        #[command(subcommand)]
        what: QuoteCommand,
    },
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

pub(crate) async fn run(args: Args) -> eyre::Result<()> {
    let config = Config::load(args.config.as_deref()).wrap_err("loading the configuration")?;
    match args.command {
        Command::Config => {
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
        Command::Status => status(&config, args.json).await,
        Command::Once { targets, dry_run } => once(&config, args.json, targets, dry_run).await,
        Command::Quote {
            what: QuoteCommand::Deposit { amount, from },
        } => quote_deposit(&config, args.json, &amount, from).await,
    }
}

/// A provider on the first RPC URL, after checking the node's chain id.
async fn provider(config: &Config) -> eyre::Result<DynProvider> {
    let url = config
        .rpc_urls
        .first()
        .ok_or_else(|| eyre::eyre!("no RPC URL"))?;
    let p = chain::connect(url);
    let id = p
        .get_chain_id()
        .await
        .wrap_err_with(|| format!("connecting to {url}"))?;
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

async fn once(
    config: &Config,
    json: bool,
    targets: Option<PathBuf>,
    dry_run: bool,
) -> eyre::Result<()> {
    let p = provider(config).await?;
    let rebalancer = config.require_rebalancer()?;
    let adapter = config
        .adapter
        .ok_or_else(|| eyre::eyre!("invalid config `contracts.adapter`: required to rebalance"))?;
    let source = config
        .signer
        .as_ref()
        .ok_or_else(|| eyre::eyre!("invalid config `signer`: a key is required"))?;
    let signer = source.load(None)?;
    let metrics = Arc::new(Metrics::default());
    let _server = match config.metrics_listen {
        Some(addr) => Some(metrics::serve(addr, metrics.clone(), 600).await?),
        None => None,
    };
    let broadcast = config
        .private_tx_url
        .as_ref()
        .map(chain::connect)
        .unwrap_or_else(|| p.clone());
    let sender = Sender::new(
        p.clone(),
        broadcast,
        signer,
        config.chain_id,
        FeePolicy::from_config(config),
    )
    .with_metrics(metrics.clone());
    let snapshot = VaultSnapshot::read(&p, config.vault, Some(rebalancer)).await?;
    let targets = match targets {
        Some(path) => TargetSource::Given(Targets::from_file(&path, &snapshot)?),
        None => TargetSource::Keep,
    };
    let runner = Runner::new(
        p.clone(),
        Simulator::new(p.clone(), config.chain_id),
        sender,
        config.vault,
        rebalancer,
        adapter,
        config.gas.limit,
        Box::new(ProportionalPlanner),
        config.strategy.clone(),
        metrics,
    );
    let outcome = runner.once(targets, dry_run).await?;
    let report = match &outcome {
        Outcome::Done { epoch, trades, txs } => serde_json::json!({
            "outcome": "done", "epoch": epoch, "trades": trades,
            "txs": txs.iter().map(|t| serde_json::json!({"hash": t.hash, "nonce": t.nonce, "block": t.block, "gas_used": t.gas_used})).collect::<Vec<_>>(),
        }),
        Outcome::Superseded { step, reason } => {
            serde_json::json!({ "outcome": "superseded", "step": step, "reason": reason })
        }
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
