//! `ballast-demo`: runs the demo year against a world deployed by `script/DemoWorld.s.sol` (see the crate docs).

use std::path::PathBuf;

use ballast_demo::{scenario::ScenarioConfig, DemoConfig};
use clap::Parser;

/// A simulated year of weekly Ballast epochs on a local chain.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    /// The node's RPC URL.
    #[arg(long, env = "DEMO_RPC", default_value = "http://127.0.0.1:8545")]
    rpc: String,
    /// `world.json` written by `script/DemoWorld.s.sol`.
    #[arg(long, default_value = "target/demo/world.json")]
    world: PathBuf,
    /// Where `report.json`, `report.md` and `chart.svg` go.
    #[arg(long, default_value = "target/demo")]
    out: PathBuf,
    /// The history generator's seed.
    #[arg(long, env = "DEMO_SEED", default_value_t = ballast_demo::scenario::DEFAULT_SEED)]
    seed: u64,
    /// Weeks to simulate.
    #[arg(long, env = "DEMO_WEEKS", default_value_t = 52)]
    weeks: usize,
    /// Print the first seed from `--seed` (within 500) whose year has a round trip to risk-off and back, and exit.
    #[arg(long)]
    find_seed: bool,
}

#[tokio::main]
async fn main() -> eyre::Result<()> {
    let cli = Cli::parse();
    let scenario = ScenarioConfig {
        seed: cli.seed,
        weeks: cli.weeks,
        ..ScenarioConfig::default()
    };
    if cli.find_seed {
        match ballast_demo::scenario::find_seed(scenario, cli.seed, 500) {
            Some(s) => println!("{s}"),
            None => eyre::bail!(
                "no seed with a round trip in {}..{}",
                cli.seed,
                cli.seed + 500
            ),
        }
        return Ok(());
    }
    let report = ballast_demo::run(DemoConfig {
        rpc: cli.rpc,
        world: cli.world,
        out: cli.out.clone(),
        scenario,
    })
    .await?;
    println!("\n{}", report.summary());
    println!(
        "report: {0}/report.md, {0}/report.json; chart: {0}/chart.svg",
        cli.out.display()
    );
    Ok(())
}
