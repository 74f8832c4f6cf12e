//! The demo's world (`script/DemoWorld.s.sol`: the vault stack and REAL Uniswap V3 from the npm bytecode) on anvil:
//! `ballast demo` runs a short year end to end and writes its report, and the keeper reads its pools' depth on chain
//! (`[uniswap]`) instead of trusting `[pools]`.

use std::{collections::BTreeMap, path::PathBuf, process::Command};

use alloy::{
    primitives::{Address, Bytes, U256},
    providers::{ext::AnvilApi, DynProvider, Provider},
    rpc::types::TransactionRequest,
    sol,
    sol_types::SolCall,
};
use ballast_keeper::{pools::read_depths, settings::PoolSpec, PoolBook, VaultSnapshot};
use serde_json::Value;
use tokio::sync::OnceCell;

use crate::support::{ballast, ballast_bin, connect, root, spawn_anvil, DEPLOYER_KEY};

/// anvil's account 2: the demo's arbitrageur.
const ARBITRAGEUR_KEY: &str = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
/// anvil's account 1: the demo's keeper.
const KEEPER: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const KEEPER_KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
/// Components of the test's demo world (the demo itself runs 25).
const COMPONENTS: usize = 5;
/// USDC base units of liquidity per pool.
const POOL_VALUE: u64 = 20_000_000_000_000;

sol! {
    #[sol(rpc)]
    interface IErc20 {
        function balanceOf(address owner) external view returns (uint256);
        function mint(address to, uint256 amount) external;
        function approve(address spender, uint256 amount) external returns (bool);
    }
    interface IDeposit {
        function deposit(uint256 assets, address receiver) external returns (uint256);
    }
}

#[derive(Clone)]
struct DemoWorld {
    state: Bytes,
    file: PathBuf,
    world: ballast_demo::World,
}

static DEMO: OnceCell<DemoWorld> = OnceCell::const_new();

/// The demo world, deployed once per test binary on a throwaway anvil and dumped.
async fn demo_world() -> DemoWorld {
    DEMO.get_or_init(|| async {
        let anvil = spawn_anvil(&["--gas-limit", "100000000"]);
        let file = root().join(format!("target/demo/e2e-world-{}.json", std::process::id()));
        let out = Command::new(root().join("node_modules/.bin/forge"))
            .current_dir(root())
            .args([
                "script",
                "script/DemoWorld.s.sol",
                "--rpc-url",
                &anvil.endpoint(),
                "--broadcast",
                "-q",
            ])
            .env("DEPLOYER_KEY", DEPLOYER_KEY)
            .env("ARBITRAGEUR_KEY", ARBITRAGEUR_KEY)
            .env("KEEPER", KEEPER)
            .env("COMPONENTS", COMPONENTS.to_string())
            .env("POOL_VALUE", POOL_VALUE.to_string())
            .env("WORLD_OUT", &file)
            .output()
            .expect("forge script DemoWorld");
        assert!(
            out.status.success(),
            "DemoWorld failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let world = ballast_demo::World::load(&file).expect("world.json");
        let p = connect(&anvil);
        let state = p.anvil_dump_state().await.expect("dump");
        DemoWorld { state, file, world }
    })
    .await
    .clone()
}

async fn fresh_chain(d: &DemoWorld) -> (alloy::node_bindings::AnvilInstance, DynProvider) {
    let anvil = spawn_anvil(&["--gas-limit", "100000000"]);
    let p = connect(&anvil);
    assert!(p.anvil_load_state(d.state.clone()).await.expect("load"));
    (anvil, p)
}

async fn send(p: &DynProvider, from: Address, to: Address, input: Vec<u8>) {
    let tx = TransactionRequest::default()
        .from(from)
        .to(to)
        .input(input.into());
    let r = p
        .send_transaction(tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status(), "transaction to {to} reverted");
}

#[tokio::test(flavor = "multi_thread")]
async fn ballast_demo_runs_a_short_year_and_writes_its_report() {
    let d = demo_world().await;
    let (anvil, _p) = fresh_chain(&d).await;
    let out = tempfile::tempdir().expect("dir");
    // The first seed whose short year starts risk-on, so the keeper invests through the real pools.
    let seed = (1..200)
        .find(|&seed| {
            ballast_demo::Scenario::generate(ballast_demo::scenario::ScenarioConfig {
                seed,
                weeks: 4,
                components: COMPONENTS,
                ..ballast_demo::scenario::ScenarioConfig::default()
            })
            .is_ok_and(|s| s.regime_at(0).0 == ballast_strategy::Regime::RiskOn)
        })
        .expect("a seed starting risk-on");
    let bin = ballast_bin().await;
    let run = Command::new(bin)
        .args([
            "demo",
            "--rpc",
            &anvil.endpoint(),
            "--weeks",
            "4",
            "--seed",
            &seed.to_string(),
            "--out",
        ])
        .arg(out.path())
        .arg("--world")
        .arg(&d.file)
        .env_remove("DEMO_WEEKS")
        .env_remove("DEMO_SEED")
        .env_remove("DEMO_RPC")
        .output()
        .expect("ballast demo");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success(),
        "ballast demo failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("report:"), "{stdout}");
    // Readable: one progress line per week on stdout; the details in demo.log, not on the terminal.
    let week_lines = stdout.lines().filter(|l| l.starts_with("week ")).count();
    assert_eq!(week_lines, 5, "one line per week (0..=4):\n{stdout}");
    assert!(
        stdout.lines().count() < 40,
        "stdout is a summary, not a log:\n{stdout}"
    );
    assert!(
        !stderr.contains(" INFO "),
        "info lines belong in demo.log:\n{stderr}"
    );
    let log = std::fs::read_to_string(out.path().join("demo.log")).expect("demo.log");
    assert!(
        log.lines().count() > week_lines && log.contains("INFO"),
        "the detailed log is in demo.log:\n{log}"
    );
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("report.json")).expect("report.json"),
    )
    .expect("report json");
    assert_eq!(report["weeks"], 4, "{report:#}");
    let rows = report["rows"].as_array().expect("rows");
    assert_eq!(
        rows.len(),
        5,
        "week 0 (the first investment), then one row per week:\n{report:#}"
    );
    assert!(
        report["keeper_txs"].as_u64().expect("keeper_txs") >= 3,
        "the keeper opened, traded and closed at least one epoch:\n{report:#}"
    );
    assert!(
        report["trades"].as_u64().expect("trades") >= COMPONENTS as u64,
        "{report:#}"
    );
    let chart = std::fs::read_to_string(out.path().join("chart.svg")).expect("chart.svg");
    assert!(
        chart.starts_with("<svg") || chart.starts_with("<?xml"),
        "an SVG chart"
    );
    assert!(
        std::fs::read_to_string(out.path().join("report.md"))
            .expect("report.md")
            .contains("| Week | Date | Regime |"),
        "the markdown report has the weekly table"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ballast_demo_names_a_missing_world_file() {
    let bin = ballast_bin().await;
    let run = Command::new(bin)
        .args(["demo", "--world", "/nonexistent/world.json", "--weeks", "1"])
        .output()
        .expect("ballast demo");
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("/nonexistent/world.json"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn pool_depths_are_read_on_chain_from_the_uniswap_pools() {
    let d = demo_world().await;
    let (_anvil, p) = fresh_chain(&d).await;
    let w = &d.world;
    let snap = VaultSnapshot::read(&p, w.vault, Some(w.rebalancer))
        .await
        .expect("snapshot");
    let book = |fee: u32| {
        PoolBook::new(BTreeMap::from([(
            "default".to_string(),
            PoolSpec {
                fee,
                depth: 1.0,
                via: None,
                via_fee: None,
            },
        )]))
    };
    let depths = read_depths(&p, w.factory, &snap, &book(w.fee))
        .await
        .expect("depths");
    assert_eq!(depths.len(), COMPONENTS);
    let usdc = IErc20::new(w.usdc, &p);
    for (token, pool) in w.tokens.iter().zip(&w.pools) {
        // Full-range liquidity: the virtual reserve equals the USDC the pool actually holds.
        let held: u128 = usdc.balanceOf(*pool).call().await.expect("balance").to();
        let depth = depths[token];
        let off = (depth as f64 / held as f64 - 1.0).abs();
        assert!(
            off < 1e-3,
            "{token}: depth {depth} against {held} USDC held by {pool}"
        );
        assert!(
            held > u128::from(POOL_VALUE) / 4,
            "the pool is deep: {held}"
        );
    }
    // A fee tier with no pool is named, with the token.
    let e = read_depths(&p, w.factory, &snap, &book(500))
        .await
        .expect_err("no 0.05 % pools");
    assert!(
        e.to_string().contains("no Uniswap V3 pool") && e.to_string().contains("fee 500"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_uses_the_depth_read_on_chain_not_the_config_guess() {
    let d = demo_world().await;
    let (anvil, p) = fresh_chain(&d).await;
    let w = &d.world;
    // New cash for the keeper to invest: 200,000 USDC deposited by the deployer.
    let amount = U256::from(200_000_000_000u64);
    let calls = [
        (
            w.usdc,
            IErc20::mintCall {
                to: w.deployer,
                amount,
            }
            .abi_encode(),
        ),
        (
            w.usdc,
            IErc20::approveCall {
                spender: w.vault,
                amount,
            }
            .abi_encode(),
        ),
        (
            w.vault,
            IDeposit::depositCall {
                assets: amount,
                receiver: w.deployer,
            }
            .abi_encode(),
        ),
    ];
    for (to, input) in calls {
        send(&p, w.deployer, to, input).await;
    }
    let keeper: Address = KEEPER.parse().expect("address");
    assert!(
        !p.get_balance(keeper).await.expect("balance").is_zero(),
        "the keeper has ether on the loaded chain"
    );
    // Targets: 19 % in each component, 5 % cash.
    let dir = tempfile::tempdir().expect("dir");
    let targets = dir.path().join("targets.json");
    let weights: serde_json::Map<String, Value> = w
        .tokens
        .iter()
        .map(|t| (t.to_string(), Value::from(190_000_000_000_000_000u64)))
        .collect();
    std::fs::write(
        &targets,
        serde_json::json!({"cash": 50_000_000_000_000_000u64, "weights": weights}).to_string(),
    )
    .expect("targets");
    let targets = targets.to_str().expect("utf-8 path");
    // `[pools]` guesses a depth of 10 USDC: planned from it, no buy could reach its band.
    let base = format!(
        "[chain]\nrpc_urls = [\"{}\"]\nchain_id = 31337\n[contracts]\nvault = \"{}\"\nrebalancer = \"{}\"\nqueue = \"{}\"\nadapter = \"{}\"\n\
         [signer]\nprivate_key = \"{KEEPER_KEY}\"\n[pools]\ndefault = {{ fee = {}, depth = 10 }}\n\
         [routes]\n\"{}\" = {{ kind = \"uniswap-v3\" }}\n",
        anvil.endpoint(),
        w.vault,
        w.rebalancer,
        w.queue,
        w.adapter,
        w.fee,
        w.adapter
    );
    let bought = |plan: &Value| -> u128 {
        plan["trades"]
            .as_array()
            .expect("trades")
            .iter()
            .map(|t| {
                t["value_in"]
                    .as_str()
                    .expect("value_in")
                    .parse::<u128>()
                    .expect("number")
            })
            .sum()
    };
    let (ok, out, err) = ballast(&base, &["--json", "plan", "--targets", targets], &[]).await;
    assert!(ok, "{err}");
    let guessed: Value = serde_json::from_str(&out).expect("plan json");
    assert!(
        bought(&guessed) < 10_000_000 && err.contains("deepen its [pools] entry"),
        "a 10 USDC pool allows dust only, with a warning:\n{out}\n{err}"
    );
    let (ok, out, err) = ballast(
        &format!("{base}[uniswap]\nfactory = \"{}\"\n", w.factory),
        &["--json", "plan", "--targets", targets],
        &[],
    )
    .await;
    assert!(ok, "planned with on-chain depths:\n{out}\n{err}");
    let plan: Value = serde_json::from_str(&out).expect("plan json");
    // 95 % of the 201,000 USDC NAV goes into the basket, read against pools of 10M USDC a side.
    assert!(
        bought(&plan) > 180_000_000_000 && !err.contains("deepen its [pools] entry"),
        "the whole basket is bought:\n{out}\n{err}"
    );
    assert!(
        plan["txs"]
            .as_array()
            .expect("txs")
            .iter()
            .all(|t| t["ok"] == true),
        "every transaction simulates: {plan:#}"
    );
}
