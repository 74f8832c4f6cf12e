//! The strategy-wired keeper on anvil: `plan`, two racing keepers, a stale feed, an unreachable RPC, a reverting
//! simulation, a keeper killed mid-epoch, and the `run` daemon.

use std::{
    collections::BTreeMap,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use alloy::{
    primitives::Address,
    providers::{ext::AnvilApi, DynProvider, Provider},
    rpc::types::Filter,
    sol,
    sol_types::SolEvent,
};
use ballast_keeper::{
    FeePolicy, Metrics, PoolBook, Runner, Sender, Simulator, StrategyPlanner, TargetSource,
};
use serde_json::Value;

use crate::support::{
    ballast, ballast_bin, chain, config_for, config_toml, http_get, spawn_anvil, World,
    DEPLOYER_KEY, POOLS,
};

sol! {
    event TradeExecuted(
        uint64 indexed epochId,
        uint32 index,
        address indexed tokenIn,
        address indexed tokenOut,
        uint256 amountIn,
        uint256 amountOut,
        uint256 valueIn,
        uint256 valueOut,
        int256 slippageBps
    );
}

/// Every `TradeExecuted` on the rebalancer: (epoch, index) → how many times.
async fn trade_events(p: &DynProvider, world: &World) -> BTreeMap<(u64, u32), usize> {
    let logs = p
        .get_logs(
            &Filter::new()
                .address(world.rebalancer)
                .event_signature(TradeExecuted::SIGNATURE_HASH)
                .from_block(0),
        )
        .await
        .expect("logs");
    let mut out = BTreeMap::new();
    for l in logs {
        let e = TradeExecuted::decode_log(&l.inner).expect("decode");
        *out.entry((e.epochId, e.index)).or_default() += 1;
    }
    out
}

async fn nonce(p: &DynProvider, a: Address) -> u64 {
    p.get_transaction_count(a).await.expect("nonce")
}

async fn epoch(p: &DynProvider, world: &World) -> (u64, bool, u32) {
    let r = ballast_keeper::bindings::IBallastRebalancer::new(world.rebalancer, p);
    let e = r.currentEpoch().call().await.expect("epoch");
    (e.id, e.open, e.trades)
}

fn write_config(dir: &tempfile::TempDir, config: &str) -> std::path::PathBuf {
    let path = dir.path().join("ballast.toml");
    std::fs::write(&path, config).expect("write config");
    path
}

fn command(bin: &std::path::Path, config: &std::path::Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("--config")
        .arg(config)
        .args(args)
        .env_remove("BALLAST_CONFIG")
        .env_remove("BALLAST_PRIVATE_KEY")
        .env_remove("BALLAST_RPC_URL")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_prints_targets_trades_gas_and_sends_nothing() {
    let (world, anvil, p) = chain(&[]).await;
    let config = config_toml(&world, &anvil, "");
    let before = nonce(&p, world.deployer).await;
    let (ok, out, err) = ballast(&config, &["--json", "plan"], &[]).await;
    assert!(ok, "plan: {err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["epoch"], 1);
    let trades = v["trades"].as_array().expect("trades");
    assert_eq!(trades.len(), 3, "buys the three components: {v}");
    for t in trades {
        assert_eq!(t["side"], "buy");
        assert_eq!(t["token_in"], "USDC");
        let min: u128 = t["min_out_onchain"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("quoteMinOut");
        let expected: u128 = t["expected_out"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("expected");
        assert!(min > 0 && expected > min, "{t}");
        assert_eq!(t["fee_pips"], 500);
    }
    let txs = v["txs"].as_array().expect("txs");
    assert_eq!(txs.len(), 3, "open, one executeTrades batch, close");
    assert!(
        txs.iter()
            .all(|t| t["ok"] == true && t["gas"].as_u64() > Some(21_000)),
        "{v}"
    );
    assert_eq!(nonce(&p, world.deployer).await, before, "nothing sent");

    let (ok, out, err) = ballast(&config, &["plan"], &[]).await;
    assert!(ok, "{err}");
    for needle in [
        "DRY RUN",
        "openEpoch(1)",
        "closeEpoch(1)",
        "min out (chain)",
        "USDC",
    ] {
        assert!(out.contains(needle), "`{needle}` missing:\n{out}");
    }
    println!("{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_keepers_with_one_key_race_and_one_epoch_runs_once() {
    let (world, anvil, p) = chain(&[]).await;
    let dir = tempfile::tempdir().expect("dir");
    let path = write_config(&dir, &config_toml(&world, &anvil, ""));
    let bin = ballast_bin().await;
    let a = command(&bin, &path, &["--json", "once"])
        .spawn()
        .expect("a");
    let b = command(&bin, &path, &["--json", "once"])
        .spawn()
        .expect("b");
    let (a, b) = (
        a.wait_with_output().expect("a"),
        b.wait_with_output().expect("b"),
    );
    let mut done = 0;
    for o in [&a, &b] {
        let stdout = String::from_utf8_lossy(&o.stdout);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "both exit cleanly:\n{stdout}\n{stderr}");
        let v: Value = serde_json::from_str(&stdout).expect("JSON");
        match v["outcome"].as_str() {
            Some("done") => done += 1,
            Some("superseded") => assert!(
                stderr.contains("superseded: another keeper"),
                "clear log line:\n{stderr}"
            ),
            other => panic!("{other:?}: {v}"),
        }
    }
    assert!(done >= 1, "one of them carried the epoch");
    assert_eq!(epoch(&p, &world).await, (1, false, 3), "exactly one epoch");
    let events = trade_events(&p, &world).await;
    assert_eq!(events.len(), 3);
    assert!(
        events.values().all(|n| *n == 1),
        "no trade twice: {events:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_feed_stops_trading_with_an_alert_and_a_metric() {
    let (world, anvil, p) = chain(&[]).await;
    // Feeds have a one-day heartbeat: two days later every price is stale.
    p.anvil_increase_time(2 * 86_400).await.expect("time");
    p.anvil_mine(Some(1), None).await.expect("mine");
    let before = nonce(&p, world.deployer).await;
    let config = config_toml(&world, &anvil, "");
    let (ok, _out, err) = ballast(&config, &["once"], &[]).await;
    assert!(!ok, "no trading on stale prices");
    assert!(
        err.contains("ALERT") && err.contains("stale_price") && err.contains("not trading"),
        "{err}"
    );
    assert_eq!(nonce(&p, world.deployer).await, before);

    let metrics = std::sync::Arc::new(Metrics::default());
    let runner = runner(&p, &world, metrics.clone());
    let e = runner
        .once(TargetSource::Keep, false)
        .await
        .expect_err("stale");
    assert!(e.to_string().contains("unavailable"), "{e}");
    let text = metrics.render();
    assert!(
        text.contains("ballast_stale_prices 3")
            && text.contains("ballast_stale_price_alerts_total 1"),
        "{text}"
    );
    assert_eq!(nonce(&p, world.deployer).await, before);
}

fn runner(p: &DynProvider, world: &World, metrics: std::sync::Arc<Metrics>) -> Runner {
    let signer: alloy::signers::local::PrivateKeySigner = DEPLOYER_KEY.parse().expect("key");
    let policy = FeePolicy {
        max_fee_wei: 100_000_000_000,
        max_priority_fee_wei: 1_000_000_000,
        bump_percent: 15,
        rebroadcast: Duration::from_secs(5),
        receipt_timeout: Duration::from_secs(30),
        fee_wait: Duration::from_secs(5),
        confirmations: 1,
        poll: Duration::from_millis(100),
    };
    let sender = Sender::new(p.clone(), p.clone(), signer, 31337, policy);
    let config = ballast_keeper::Config::from_parts(
        &format!(
            "[chain]\nrpc_urls = [\"http://127.0.0.1:1\"]\nchain_id = 31337\n[contracts]\nvault = \"{}\"\n{POOLS}",
            world.vault
        ),
        &BTreeMap::new(),
    )
    .expect("config");
    let pools = PoolBook::new(config.settings.pools.clone());
    Runner::new(
        p.clone(),
        Simulator::new(p.clone(), 31337),
        sender,
        world.vault,
        world.rebalancer,
        world.adapter,
        5_000_000,
        Box::new(StrategyPlanner::new(
            pools,
            config.settings.plan.clone(),
            5_000_000,
        )),
        toml::Table::new(),
        metrics,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_rpc_is_retried_then_named() {
    let world = crate::support::world().await;
    // A closed port: bind, note the port, close.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let config = config_for(&world, &url, "");
    let start = Instant::now();
    let (ok, _, err) = ballast(&config, &["status"], &[("BALLAST_RPC_RETRIES", "3")]).await;
    assert!(!ok);
    assert!(
        err.contains(&format!("RPC {url} unreachable after 3 attempt(s)")),
        "{err}"
    );
    assert_eq!(err.matches("RPC unreachable; retrying").count(), 2, "{err}");
    assert!(
        start.elapsed() >= Duration::from_millis(1_400),
        "backoff 0.5 s + 1 s"
    );

    // A node that accepts connections and never answers: the request timeout applies.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", silent.local_addr().expect("addr"));
    let config = config_for(&world, &url, "");
    let start = Instant::now();
    let (ok, _, err) = ballast(
        &config,
        &["status"],
        &[
            ("BALLAST_RPC_RETRIES", "2"),
            ("BALLAST_RPC_TIMEOUT_SECS", "1"),
        ],
    )
    .await;
    assert!(!ok);
    assert!(
        err.contains(&format!("RPC {url} unreachable after 2 attempt(s)")),
        "{err}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "bounded: {:?}",
        start.elapsed()
    );
    drop(silent);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reverting_simulation_sends_nothing() {
    let (world, anvil, p) = chain(&[]).await;
    let dir = tempfile::tempdir().expect("dir");
    // Cash 1 %, under the rebalancer's 2 % buffer: openEpoch reverts with CashBelowBuffer.
    let targets = dir.path().join("targets.toml");
    std::fs::write(
        &targets,
        "cash = 10000000000000000\n[weights]\nWBTC = 330000000000000000\nWETH = 330000000000000000\nBNB = 330000000000000000\n",
    )
    .expect("targets");
    let before = nonce(&p, world.deployer).await;
    let config = config_toml(&world, &anvil, "");
    let (ok, _, err) = ballast(
        &config,
        &["once", "--targets", targets.to_str().expect("path")],
        &[],
    )
    .await;
    assert!(!ok);
    assert!(err.contains("CashBelowBuffer"), "decoded revert: {err}");
    assert_eq!(
        nonce(&p, world.deployer).await,
        before,
        "the nonce did not move"
    );
    assert_eq!(epoch(&p, &world).await, (0, false, 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_keeper_killed_mid_epoch_resumes_without_a_duplicate_trade() {
    let world = crate::support::world().await;
    // One block a second, so the run is slow enough to be killed between its transactions.
    let anvil = spawn_anvil(&["--block-time", "1"]);
    let p = crate::support::connect(&anvil);
    assert!(p
        .anvil_load_state(world.state.clone())
        .await
        .expect("anvil_loadState"));
    let dir = tempfile::tempdir().expect("dir");
    // One trade per transaction: three executeTrades calls.
    let path = write_config(
        &dir,
        &config_toml(&world, &anvil, "[plan]\ntx_gas_budget = 300000\n"),
    );
    let bin = ballast_bin().await;
    let mut child = command(&bin, &path, &["--json", "once"])
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (id, open, trades) = epoch(&p, &world).await;
        if id == 1 && open && trades >= 1 {
            break;
        }
        assert!(Instant::now() < deadline, "the first batch never landed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().expect("kill");
    let _ = child.wait();
    let (_, open, trades) = epoch(&p, &world).await;
    assert!(open && trades < 3, "killed mid-epoch ({trades} trades)");

    let (ok, out, err) = ballast(
        &std::fs::read_to_string(&path).expect("config"),
        &["--json", "once"],
        &[],
    )
    .await;
    assert!(ok, "restart: {err}");
    assert!(err.contains("resuming the open epoch"), "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["outcome"], "done", "{v}");
    assert_eq!(epoch(&p, &world).await, (1, false, 3));
    let events = trade_events(&p, &world).await;
    assert_eq!(
        events.keys().copied().collect::<Vec<_>>(),
        vec![(1, 0), (1, 1), (1, 2)]
    );
    assert!(events.values().all(|n| *n == 1), "no duplicate: {events:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_daemon_rebalances_when_due_serves_health_and_stops_on_sigterm() {
    let (world, anvil, p) = chain(&[]).await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let dir = tempfile::tempdir().expect("dir");
    let path = write_config(
        &dir,
        &config_toml(
            &world,
            &anvil,
            &format!(
                "[metrics]\nlisten = \"127.0.0.1:{port}\"\n[run]\ntick_secs = 1\nclock = \"chain\"\n"
            ),
        ),
    );
    let bin = ballast_bin().await;
    let child = command(&bin, &path, &["run"]).spawn().expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(60);
    while epoch(&p, &world).await != (1, false, 3) {
        assert!(Instant::now() < deadline, "the due rebalance never ran");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Health and metrics while it runs.
    let health = http_get(port, "/health").await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let metrics = http_get(port, "/metrics").await;
    assert!(
        metrics.contains("ballast_txs_sent_total 3") && metrics.contains("ballast_epoch_id 1"),
        "{metrics}"
    );
    // Nothing more is due: a few ticks later still one epoch.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(epoch(&p, &world).await, (1, false, 3));
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill")
        .success());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "graceful exit:\n{stderr}");
    assert!(stderr.contains("keeper daemon stopped"), "{stderr}");
}
