//! The `run` daemon through the events of a year, on anvil, with the chain's clock: the first investment lands
//! inside the bands; after price moves the weekly rebalance brings the weights back; a crash in the market history
//! makes the daily regime check switch to risk-off (at least 99 % cash); the recovery brings the basket back; a large
//! deposit is swept into the basket. Everything is read back with `ballast status --json`, as an operator would.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use alloy::{
    primitives::{Address, I256, U256},
    providers::{ext::AnvilApi, DynProvider, Provider},
    rpc::types::TransactionRequest,
    sol,
    sol_types::SolCall,
};
use ballast_keeper::bindings::{IBallastRebalancer, IBallastVault};
use ballast_strategy::Day;
use serde_json::Value;

use crate::support::{ballast, ballast_bin, chain, config_toml, http_get, World};

sol! {
    #[sol(rpc)]
    interface IFeedRegistry {
        function feeds(address token) external view returns (address feed, uint32 heartbeat, uint8 scaleExp);
    }
    #[sol(rpc)]
    interface IMockFeed {
        function setAnswer(int256 answer) external;
        function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80);
    }
    interface IDeposit {
        function deposit(uint256 assets, address receiver) external returns (uint256);
    }
}

/// Absolute no-trade band of the planner and the rebalancer in the test world (0.5 %).
const BAND_WAD: i128 = 5_000_000_000_000_000;
const WAD: u64 = 1_000_000_000_000_000_000;
const DAY: u64 = 86_400;

/// A daily history of one asset (`bitcoin`) from 2024-01-01, whose level the regime signal follows.
fn history_csv(prices: &[f64]) -> String {
    let mut text = String::from("date,id,price,market_cap,volume\n");
    let start = Day::from_ymd(2024, 1, 1).expect("day");
    for (i, p) in prices.iter().enumerate() {
        let day = start.plus(i32::try_from(i).expect("days"));
        text.push_str(&format!("{day},bitcoin,{p},{},{}\n", p * 1e6, 1e9));
    }
    text
}

/// The listed components: (token, decimals, feed).
async fn feeds(p: &DynProvider, world: &World) -> Vec<(Address, u8, Address)> {
    let vault = IBallastVault::new(world.vault, p);
    let mut out = Vec::new();
    for c in vault.components().call().await.expect("components") {
        let f = IFeedRegistry::new(c.source, p)
            .feeds(c.token)
            .call()
            .await
            .expect("feeds");
        out.push((c.token, c.decimals, f.feed));
    }
    out
}

/// Moves time forward by `secs` and posts every feed's answer times `factor[i]` in one block, so no price is ever
/// stale at a block the daemon can read.
async fn warp_and_post(p: &DynProvider, world: &World, secs: u64, factors: &[f64]) {
    let feeds = feeds(p, world).await;
    p.anvil_set_auto_mine(false).await.expect("automine off");
    for (i, (_, _, feed)) in feeds.iter().enumerate() {
        let f = IMockFeed::new(*feed, p);
        let answer = f.latestRoundData().call().await.expect("round")._1;
        let scaled = answer.as_i64() as f64 * factors.get(i).copied().unwrap_or(1.0);
        let call = IMockFeed::setAnswerCall {
            answer: I256::try_from(scaled.round() as i64).expect("answer"),
        };
        let tx = TransactionRequest::default()
            .from(world.deployer)
            .to(*feed)
            .input(call.abi_encode().into());
        let _pending = p.send_transaction(tx).await.expect("setAnswer");
    }
    p.anvil_increase_time(secs).await.expect("time");
    p.anvil_mine(Some(1), None).await.expect("mine");
    p.anvil_set_auto_mine(true).await.expect("automine on");
}

async fn deposit(p: &DynProvider, world: &World, assets: u64) {
    let call = IDeposit::depositCall {
        assets: U256::from(assets),
        receiver: world.deployer,
    };
    let tx = TransactionRequest::default()
        .from(world.deployer)
        .to(world.vault)
        .input(call.abi_encode().into());
    let receipt = p
        .send_transaction(tx)
        .await
        .expect("deposit")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(receipt.status(), "deposit reverted");
}

async fn status(config: &str) -> Value {
    let (ok, out, err) = ballast(config, &["--json", "status"], &[]).await;
    assert!(ok, "status failed: {err}");
    serde_json::from_str(&out).expect("status json")
}

fn u(v: &Value) -> u64 {
    v.as_u64().expect("u64")
}

/// Every holding (components and the cash leg) within the band of its target; returns the cash weight.
fn assert_in_bands(s: &Value, when: &str) -> u64 {
    let holdings = s["holdings"].as_array().expect("holdings");
    for h in holdings {
        let (w, t) = (u(&h["weight_wad"]), u(&h["target_wad"]));
        let dev = i128::from(w) - i128::from(t);
        assert!(
            dev.abs() <= BAND_WAD,
            "{when}: {} at {w} against target {t} (off by {dev}):\n{s:#}",
            h["symbol"]
        );
    }
    u(&holdings.last().expect("cash leg")["weight_wad"])
}

fn epoch_of(s: &Value) -> (u64, bool) {
    let e = &s["rebalancer"]["last_epoch"];
    (u(&e["id"]), e["open"].as_bool().expect("open"))
}

/// Polls `status` until `done` holds for it, or fails after a minute naming `what`.
async fn wait_for(config: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let s = status(config).await;
        if done(&s) {
            return s;
        }
        assert!(Instant::now() < deadline, "{what} never happened:\n{s:#}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_daemon_invests_rebalances_goes_risk_off_comes_back_and_sweeps_deposits() {
    let (world, anvil, p) = chain(&[]).await;
    let dir = tempfile::tempdir().expect("dir");
    let tokens = feeds(&p, &world).await;
    // The market: three listed tokens with market caps 50 / 30 / 20.
    let markets: Vec<Value> = tokens
        .iter()
        .zip([("bitcoin", 5e11), ("ethereum", 3e11), ("binancecoin", 2e11)])
        .map(|((token, decimals, _), (id, cap))| {
            serde_json::json!({"id": id, "symbol": id, "current_price": 1.0, "market_cap": cap,
                "total_volume": 1e10, "token": {"address": token.to_string(), "decimals": decimals}})
        })
        .collect();
    let markets_path = dir.path().join("markets.json");
    std::fs::write(&markets_path, Value::Array(markets).to_string()).expect("markets");
    let history_path = dir.path().join("history.csv");
    let mut prices = vec![100.0; 30];
    std::fs::write(&history_path, history_csv(&prices)).expect("history");

    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let config = config_toml(
        &world,
        &anvil,
        &format!(
            "[market]\nsource = \"file\"\npath = \"{}\"\nsize = 3\nbuffer = 0\nmin_volume_usd = 0\nscheme = \"market-cap\"\ncash_wad = 50000000000000000\n\
             [regime]\nhistory = \"{}\"\nma_days = 10\nband = 0.05\nbreadth = false\nmin_dwell_days = 1\n\
             [run]\ntick_secs = 1\nclock = \"chain\"\nsweep_threshold_wad = 20000000000000000\n\
             [metrics]\nlisten = \"127.0.0.1:{port}\"\n",
            markets_path.display(),
            history_path.display()
        ),
    );
    let config_path = dir.path().join("ballast.toml");
    std::fs::write(&config_path, &config).expect("config");
    let log_path = dir.path().join("daemon.log");
    let log = std::fs::File::create(&log_path).expect("log");
    let child = Command::new(ballast_bin().await)
        .arg("--config")
        .arg(&config_path)
        .arg("run")
        .env_remove("BALLAST_CONFIG")
        .env_remove("BALLAST_PRIVATE_KEY")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("spawn the daemon");
    let _daemon = Daemon(child);
    let logs = || std::fs::read_to_string(&log_path).unwrap_or_default();

    // 1. First investment: the due weekly rebalance with the market's targets (47.5 / 28.5 / 19 / cash 5 %).
    let s = wait_for(&config, "the first investment", |s| {
        epoch_of(s) == (1, false)
    })
    .await;
    let targets: Vec<u64> = s["holdings"]
        .as_array()
        .expect("holdings")
        .iter()
        .map(|h| u(&h["target_wad"]))
        .collect();
    assert_eq!(
        targets,
        vec![
            475 * (WAD / 1000),
            285 * (WAD / 1000),
            190 * (WAD / 1000),
            50 * (WAD / 1000)
        ],
        "market-cap targets"
    );
    assert_in_bands(&s, "after the first investment");

    // 2. A week later, +40 % / -30 % / +10 %: the weekly rebalance brings every weight back inside its band.
    warp_and_post(&p, &world, 7 * DAY, &[1.4, 0.7, 1.1]).await;
    let drifted = status(&config).await;
    assert!(
        drifted["holdings"].as_array().expect("h").iter().any(|h| {
            (i128::from(u(&h["weight_wad"])) - i128::from(u(&h["target_wad"]))).abs() > BAND_WAD
        }),
        "the moves must push a weight out of its band:\n{drifted:#}"
    );
    let s = wait_for(&config, "the weekly rebalance", |s| {
        epoch_of(s) == (2, false)
    })
    .await;
    assert_in_bands(&s, "after the weekly rebalance");
    assert_eq!(s["rebalancer"]["regime"], "risk-on");

    // 3. The market crashes: the history's level falls 40 % under its moving average; the next daily check switches.
    prices.extend([90.0, 75.0, 60.0]);
    std::fs::write(&history_path, history_csv(&prices)).expect("history");
    warp_and_post(&p, &world, DAY, &[0.6, 0.6, 0.6]).await;
    let s = wait_for(&config, "the switch to risk-off", |s| {
        s["rebalancer"]["regime"] == "risk-off" && !epoch_of(s).1
    })
    .await;
    let cash = u(&s["holdings"].as_array().expect("h").last().expect("cash")["weight_wad"]);
    assert!(
        cash >= 99 * (WAD / 100),
        "risk-off holds at least 99 % cash, not {cash}:\n{s:#}"
    );
    assert!(logs().contains("regime switch"), "{}", logs());

    // 4. Recovery: the level climbs back above its average; after the dwell the daemon switches back to the basket.
    prices.extend([80.0, 100.0, 120.0, 130.0, 135.0]);
    std::fs::write(&history_path, history_csv(&prices)).expect("history");
    warp_and_post(&p, &world, 2 * DAY, &[1.5, 1.5, 1.5]).await;
    let s = wait_for(&config, "the switch back to risk-on", |s| {
        s["rebalancer"]["regime"] == "risk-on" && !epoch_of(s).1
    })
    .await;
    assert_in_bands(&s, "after the switch back");
    let switched_back = epoch_of(&s).0;

    // 5. A deposit as large as the NAV: cash far above its target; the daemon sweeps it into the basket.
    let nav: u64 = s["nav"].as_str().expect("nav").parse().expect("nav number");
    deposit(&p, &world, nav).await;
    let before = status(&config).await;
    assert!(
        u(&before["holdings"]
            .as_array()
            .expect("h")
            .last()
            .expect("cash")["weight_wad"])
            > 40 * (WAD / 100),
        "the deposit sits in cash:\n{before:#}"
    );
    let s = wait_for(&config, "the cash sweep", |s| {
        epoch_of(s).0 > switched_back && !epoch_of(s).1
    })
    .await;
    let cash = assert_in_bands(&s, "after the cash sweep");
    assert!(cash < 10 * (WAD / 100), "cash swept: {cash}");
    assert!(logs().contains("cash sweep due"), "{}", logs());

    // Every trade was simulated and sent once: no epoch ran twice, no failure counted.
    let r = IBallastRebalancer::new(world.rebalancer, &p);
    let e = r.currentEpoch().call().await.expect("epoch");
    assert!(!e.open);
    let metrics = http_get(port, "/metrics").await;
    assert!(metrics.contains("ballast_cash_sweeps_total 1"), "{metrics}");
    assert!(
        metrics.contains(&format!("ballast_epoch_id {}", e.id)),
        "{metrics}"
    );
}
