//! `keeper-bench`: the keeper's measurements for `BENCHMARKS.md`, on a world deployed by `script/DemoWorld.s.sol`
//! (real Uniswap V3) on anvil; `script/bench-keeper.sh` starts anvil, deploys and runs it for N = 25 and 100.
//!
//! `keeper-bench run` deposits so the vault has cash, then measures two keeper cycles, each the operator's own
//! command (`ballast once`, a child process: read the chain → plan → pre-flight every transaction in revm → send →
//! confirm) followed by the re-read (`ballast status`): the first investment (equal targets) and, a week later with
//! feeds moved and pools arbitraged to them, the weekly rebalance (current targets). For each it records the wall
//! times, the peak RSS of `ballast once` (`VmHWM`, see [`child`]), and then, on the very states the cycle's
//! transactions met (see [`preflight`]), the keeper's revm pre-flight against anvil's `eth_estimateGas`.
//! `keeper-bench table` renders the Markdown tables from the JSON results.

mod child;
mod preflight;
mod report;
mod setup;
mod stats;

use std::path::{Path, PathBuf};

use alloy::{
    primitives::{B256, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
};
use ballast_demo::{world::ANVIL_KEYS, World};
use ballast_keeper::Simulator;
use clap::{Parser, Subcommand};
use eyre::{bail, eyre, Result, WrapErr};
use serde::Deserialize;
use tracing::info;

use crate::report::{BenchResult, CycleResult, Machine, Summary};

/// The keeper's benchmarks on anvil.
#[derive(Debug, Parser)]
#[command(name = "keeper-bench", version, about)]
struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Measures the first investment and a weekly rebalance on one deployed world; writes `keeper-<N>.json`.
    Run(RunArgs),
    /// Prints the Markdown tables of result files.
    Table {
        /// `keeper-<N>.json` files.
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// The node's RPC URL.
    #[arg(long, default_value = "http://127.0.0.1:8545")]
    rpc: String,
    /// `world.json` written by `script/DemoWorld.s.sol`.
    #[arg(long)]
    world: PathBuf,
    /// The `ballast` binary (build it with `--release`).
    #[arg(long, default_value = "target/release/ballast")]
    ballast: PathBuf,
    /// Where the config, logs and `keeper-<N>.json` go.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
    /// Timings of each transaction's pre-flight and estimate.
    #[arg(long, default_value_t = 5)]
    reps: usize,
    /// USDC deposited before the first investment.
    #[arg(long, default_value_t = 1_000_000)]
    deposit: u64,
    /// The date recorded in the result (UTC, `date -u +%F`).
    #[arg(long)]
    date: String,
    /// The CPU model recorded in the result (`lscpu`'s "Model name").
    #[arg(long)]
    cpu: String,
    /// The command recorded in the result.
    #[arg(long, default_value = "./script/bench-keeper.sh")]
    command: String,
}

/// What `ballast --json once` prints.
#[derive(Debug, Deserialize)]
struct OnceJson {
    outcome: String,
    #[serde(default)]
    epoch: u64,
    #[serde(default)]
    trades: usize,
    #[serde(default)]
    txs: Vec<OnceTx>,
}

#[derive(Debug, Deserialize)]
struct OnceTx {
    hash: B256,
    #[serde(default)]
    gas_used: u64,
}

/// The keeper's config for the world: anvil account 1 signs; trades route through the world's Uniswap V3 adapter
/// and pools (0.3%, 10M USDC a side); `[plan]` budgets about 285k gas per real Uniswap trade.
fn keeper_config(w: &World, rpc: &str) -> String {
    format!(
        r#"# Written by keeper-bench for the demo world (anvil only: a public development key).
[chain]
rpc_urls = ["{rpc}"]
chain_id = 31337
confirmations = 1

[contracts]
vault = "{vault}"
rebalancer = "{rebalancer}"
queue = "{queue}"
adapter = "{adapter}"

[gas]
limit = 5000000

[signer]
private_key = "{key}"

[pools]
default = {{ fee = {fee}, depth = 10000000 }}

[routes]
"{adapter}" = {{ kind = "uniswap-v3", deadline_secs = 3600 }}

[plan]
gas_per_trade = 300000
gas_per_tx = 100000
tx_gas_budget = 3000000
"#,
        vault = w.vault,
        rebalancer = w.rebalancer,
        queue = w.queue,
        adapter = w.adapter,
        key = ANVIL_KEYS[1],
        fee = w.fee,
    )
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).wrap_err_with(|| format!("writing {}", path.display()))
}

struct Ctx {
    provider: DynProvider,
    sim: Simulator,
    ballast: PathBuf,
    config: PathBuf,
    dir: PathBuf,
    reps: usize,
}

async fn cycle(ctx: &Ctx, name: &str, slug: &str, targets: Option<&Path>) -> Result<CycleResult> {
    let snapshot: U256 = ctx
        .provider
        .raw_request("evm_snapshot".into(), ())
        .await
        .wrap_err("evm_snapshot")?;
    let config = ctx.config.display().to_string();
    let mut args = vec![
        "--config".to_string(),
        config.clone(),
        "--json".into(),
        "--log-format".into(),
        "json".into(),
        "once".into(),
    ];
    if let Some(t) = targets {
        args.extend(["--targets".into(), t.display().to_string()]);
    }
    info!(cycle = name, "running `ballast once`");
    let log = ctx.dir.join(format!("{slug}-once.log"));
    let once = child::run(&ctx.ballast, &args, &log).await?;
    if !once.success {
        bail!("`ballast once` failed; see {}", log.display());
    }
    let status_log = ctx.dir.join(format!("{slug}-status.log"));
    let status = child::run(
        &ctx.ballast,
        &["--config".into(), config, "--json".into(), "status".into()],
        &status_log,
    )
    .await?;
    if !status.success {
        bail!("`ballast status` failed; see {}", status_log.display());
    }
    write(&ctx.dir.join(format!("{slug}-once.json")), &once.stdout)?;
    write(&ctx.dir.join(format!("{slug}-status.json")), &status.stdout)?;
    let out: OnceJson = serde_json::from_str(&once.stdout)
        .wrap_err_with(|| format!("parsing `ballast once` output: {}", once.stdout))?;
    if out.outcome != "done" {
        bail!("`ballast once` ended `{}`, not `done`", out.outcome);
    }
    info!(
        cycle = name,
        epoch = out.epoch,
        trades = out.trades,
        txs = out.txs.len(),
        wall_s = once.wall.as_secs_f64(),
        peak_rss_kib = once.peak_rss_kib,
        "cycle done; measuring revm against eth_estimateGas on each transaction's state"
    );
    let send_gaps_ms = send_gaps(&log)?;
    let hashes: Vec<B256> = out.txs.iter().map(|t| t.hash).collect();
    let txs = preflight::fetch(&ctx.provider, &hashes).await?;
    let timings = preflight::measure(&ctx.provider, &ctx.sim, snapshot, &txs, ctx.reps).await?;
    let summary = Summary::of(&timings).ok_or_else(|| eyre!("no transactions in the cycle"))?;
    Ok(CycleResult {
        name: name.into(),
        epoch: out.epoch,
        trades: out.trades,
        txs: out.txs.len(),
        keeper_gas: out.txs.iter().map(|t| t.gas_used).sum(),
        once_wall_ms: once.wall.as_secs_f64() * 1e3,
        reread_wall_ms: status.wall.as_secs_f64() * 1e3,
        cycle_wall_ms: (once.wall + status.wall).as_secs_f64() * 1e3,
        peak_rss_kib: once.peak_rss_kib,
        rss_samples: once.samples,
        reread_peak_rss_kib: status.peak_rss_kib,
        send_gap_median_ms: stats::median(&send_gaps_ms).unwrap_or(0.0),
        send_gaps_ms,
        preflight: timings,
        summary,
    })
}

/// Gaps between the keeper's consecutive `sending` events in its JSON log, ms.
fn send_gaps(log: &Path) -> Result<Vec<f64>> {
    let text =
        std::fs::read_to_string(log).wrap_err_with(|| format!("reading {}", log.display()))?;
    let times: Vec<f64> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["fields"]["message"] == "sending")
        .filter_map(|v| v["timestamp"].as_str().and_then(stats::seconds_of_day))
        .collect();
    Ok(stats::gaps_ms(&times))
}

async fn run(a: RunArgs) -> Result<()> {
    if a.reps == 0 {
        bail!("--reps must be at least 1");
    }
    let world = World::load(&a.world)?;
    let n = world.tokens.len();
    let dir = a.out.join(format!("n{n}"));
    std::fs::create_dir_all(&dir).wrap_err_with(|| format!("creating {}", dir.display()))?;
    let provider = ProviderBuilder::new()
        .disable_recommended_fillers()
        .connect_http(a.rpc.parse().wrap_err("--rpc")?)
        .erased();
    let chain_id = provider.get_chain_id().await.wrap_err("chain id")?;
    if chain_id != 31337 {
        bail!("chain {chain_id} is not anvil (31337): the bench sends from development accounts");
    }
    let config = dir.join("ballast.toml");
    write(&config, &keeper_config(&world, &a.rpc))?;

    // A depositor (anvil account 3) brings the cash the first cycle invests.
    let depositor = ballast_demo::world::anvil_signer(3)?.address();
    setup::deposit(&provider, &world, depositor, a.deposit).await?;
    let (weights, cash) = setup::equal_targets(n, 20_000_000_000_000_000)?;
    let targets = dir.join("targets.json");
    let map: serde_json::Map<String, serde_json::Value> = world
        .tokens
        .iter()
        .zip(&weights)
        .map(|(t, w)| (t.to_string(), serde_json::Value::from(*w)))
        .collect();
    write(
        &targets,
        &serde_json::to_string_pretty(&serde_json::json!({ "cash": cash, "weights": map }))?,
    )?;

    let ctx = Ctx {
        sim: Simulator::new(provider.clone(), chain_id),
        provider: provider.clone(),
        ballast: a.ballast.clone(),
        config,
        dir: dir.clone(),
        reps: a.reps,
    };
    let mut cycles = vec![cycle(&ctx, "first investment", "first", Some(&targets)).await?];

    // A week later: a third of the feeds up 35%, a third down 30%, every pool arbitraged back to its feed.
    setup::advance(&provider, 7 * 86_400).await?;
    setup::move_feeds(&provider, &world).await?;
    setup::arbitrage(&provider, &world).await?;
    cycles.push(cycle(&ctx, "weekly rebalance", "weekly", None).await?);

    let result = BenchResult {
        components: n,
        date: a.date,
        machine: Machine {
            nproc: std::thread::available_parallelism().map_or(0, |p| p.get()),
            cpu: a.cpu,
        },
        command: a.command,
        reps: a.reps,
        deposit_usdc: a.deposit,
        cycles,
    };
    let path = a.out.join(format!("keeper-{n}.json"));
    write(&path, &serde_json::to_string_pretty(&result)?)?;
    println!("{}", report::cycle_table(std::slice::from_ref(&result)));
    println!("{}", report::preflight_table(std::slice::from_ref(&result)));
    println!("{}", report::step_table(std::slice::from_ref(&result)));
    println!("result: {}", path.display());
    Ok(())
}

fn table(files: &[PathBuf]) -> Result<()> {
    let mut results = Vec::with_capacity(files.len());
    for f in files {
        let text =
            std::fs::read_to_string(f).wrap_err_with(|| format!("reading {}", f.display()))?;
        let r: BenchResult =
            serde_json::from_str(&text).wrap_err_with(|| format!("parsing {}", f.display()))?;
        results.push(r);
    }
    if let Some(r) = results.first() {
        println!(
            "Machine: nproc = {}, {}; date {}; command `{}`; {} repetitions per pre-flight timing.\n",
            r.machine.nproc, r.machine.cpu, r.date, r.command, r.reps
        );
    }
    println!("{}", report::cycle_table(&results));
    println!("{}", report::preflight_table(&results));
    println!("{}", report::step_table(&results));
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    ballast_keeper::telemetry::init(ballast_keeper::telemetry::LogFormat::Human);
    match Args::parse().command {
        Cmd::Run(a) => run(a).await,
        Cmd::Table { files } => table(&files),
    }
}
