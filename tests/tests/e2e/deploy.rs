//! `ballast deploy`, end to end: a bare market (script/MockMarket.s.sol: USDC, tokens, mock feeds) on a fresh anvil,
//! the real binary deploying the production stack onto it, then on-chain reads, `status` with the written
//! keeper.toml, a deposit, an idle rerun, and bad specs that must fail by name and send nothing.

use std::{path::Path, process::Command};

use alloy::{
    node_bindings::AnvilInstance,
    primitives::{Address, U256},
    providers::{Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use ballast_keeper::bindings::{
    ballast_rebalancer::BallastRebalancer, ballast_vault::BallastVault,
    chainlink_price_source::ChainlinkPriceSource, redemption_queue::RedemptionQueue, IBallastVault,
    IERC20Metadata,
};
use serde_json::Value;

use crate::support::{
    ballast_bin, connect, logged, root, run, spawn_anvil, tool, DEPLOYER_KEY, OTHER_KEY,
};

const WAD: u64 = 1_000_000_000_000_000_000;

alloy::sol! {
    #[sol(rpc)]
    contract MockAggregator {
        function setAnswerAt(int256 answer, uint256 updatedAt) external;
    }
}

struct Market {
    usdc: Address,
    tokens: Vec<Address>,
    feeds: Vec<Address>,
}

fn address_of(key: &str) -> Address {
    key.parse::<PrivateKeySigner>().expect("key").address()
}

/// USDC and `n` tokens with feeds, deployed by script/MockMarket.s.sol (the deployer holds the seed and probes).
fn market(anvil: &AnvilInstance, n: usize) -> Market {
    let out = run(Command::new(tool("forge"))
        .current_dir(root())
        .args([
            "script",
            "script/MockMarket.s.sol",
            "--rpc-url",
            &anvil.endpoint(),
            "--broadcast",
        ])
        .env("DEPLOYER_KEY", DEPLOYER_KEY)
        .env("COMPONENTS", n.to_string()));
    Market {
        usdc: logged(&out, "usdc"),
        tokens: (0..n).map(|i| logged(&out, &format!("token{i}"))).collect(),
        feeds: (0..n).map(|i| logged(&out, &format!("feed{i}"))).collect(),
    }
}

/// A spec for `anvil` deploying onto `tokens` (with `feeds`) with `weights` and `cash`; `extra` is appended.
fn spec(
    anvil: &AnvilInstance,
    m: &Market,
    tokens: &[Address],
    weights: &[u64],
    cash: u64,
    extra: &str,
) -> String {
    let deployer = address_of(DEPLOYER_KEY);
    let owner = address_of(OTHER_KEY);
    let mut s = format!(
        "[chain]\nrpc_url = \"{}\"\nchain_id = 31337\n\n[signer]\nprivate_key = \"{DEPLOYER_KEY}\"\n\n\
         [vault]\nasset = \"{}\"\nname = \"Ballast Test Index\"\nsymbol = \"BTI\"\nowner = \"{owner}\"\n\
         guardian = \"{owner}\"\nkeeper = \"{deployer}\"\nfee_recipient = \"{owner}\"\nseed_assets = \"1000\"\n\
         management_fee_wad = 5000000000000000\nentry_fee_bps = 10\nexit_fee_bps = 20\nlevy_bps = 50\nshare_lock_secs = 600\n\
         deposit_cap = \"1000000\"\nmin_deposit = \"10\"\ncash_weight_wad = {cash}\n\n\
         [uniswap]\nrouter = \"{}\"\nfactory = \"{}\"\nfee = 500\n\n",
        anvil.endpoint(),
        m.usdc,
        m.usdc, // any contract stands in for the router: the adapter only stores it
        m.usdc,
    );
    for (i, (t, w)) in tokens.iter().zip(weights).enumerate() {
        s.push_str(&format!(
            "[[components]]\ntoken = \"{t}\"\nfeed = \"{}\"\nheartbeat = 86400\nweight_wad = {w}\nprobe = \"0.5\"\n\n",
            m.feeds[i]
        ));
    }
    s.push_str(extra);
    s
}

/// `ballast [--json] deploy --spec SPEC --out OUT`: (success, stdout, stderr).
async fn deploy(dir: &Path, spec_text: &str, json: bool) -> (bool, String, String) {
    let path = dir.join("deploy.toml");
    std::fs::write(&path, spec_text).expect("write spec");
    let mut cmd = Command::new(ballast_bin().await);
    if json {
        cmd.arg("--json");
    }
    cmd.arg("deploy")
        .arg("--spec")
        .arg(&path)
        .arg("--out")
        .arg(dir.join("out"));
    for var in ["BALLAST_CONFIG", "BALLAST_PRIVATE_KEY", "RUST_LOG"] {
        cmd.env_remove(var);
    }
    let out = cmd.output().expect("run ballast");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn addr(v: &Value, role: &str) -> Address {
    v["contracts"][role]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no {role} in {v}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn deploys_wires_hands_over_and_resumes_idle() {
    let anvil = spawn_anvil(&[]);
    let p = connect(&anvil);
    let m = market(&anvil, 3);
    let deployer = address_of(DEPLOYER_KEY);
    let owner = address_of(OTHER_KEY);
    let weights = [WAD / 10 * 3, WAD / 10 * 3, WAD / 10 * 3];
    let text = spec(
        &anvil,
        &m,
        &m.tokens,
        &weights,
        WAD / 10,
        "[oracle]\nmax_deviation_bps = 50\n",
    );
    let dir = tempfile::tempdir().expect("tempdir");

    let (ok, out, err) = deploy(dir.path(), &text, false).await;
    assert!(ok, "deploy failed:\n{out}\n{err}");
    assert!(
        out.contains("acceptOwnership"),
        "the handover must be said:\n{out}"
    );
    assert!(
        err.contains("vault.listComponent"),
        "progress is logged per step:\n{err}"
    );
    let record: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/deployment.json")).expect("deployment.json"),
    )
    .expect("JSON");
    assert_eq!(record["complete"], true);
    assert!(record["steps"].as_array().is_some_and(|s| s.len() > 20));
    assert!(record["steps"][0]["tx"]
        .as_str()
        .is_some_and(|h| h.len() == 66));
    let (vault, rebalancer, queue, adapter, oracle) = (
        addr(&record, "vault"),
        addr(&record, "rebalancer"),
        addr(&record, "queue"),
        addr(&record, "adapter"),
        addr(&record, "price_source"),
    );

    // The vault: components with their source and weights, cash weight, fees, limits, lock, roles.
    let v = IBallastVault::new(vault, &p);
    let list = v.components().call().await.expect("components");
    assert_eq!(
        list.iter().map(|c| c.token).collect::<Vec<_>>(),
        m.tokens,
        "listed in spec order"
    );
    assert!(list
        .iter()
        .all(|c| c.source == oracle && c.targetWeight == WAD / 10 * 3));
    assert_eq!(v.cashTargetWeight().call().await.expect("cash"), WAD / 10);
    let fees = v.feeConfig().call().await.expect("fees");
    assert_eq!(
        (
            fees.recipient,
            fees.managementFeeWad,
            fees.entryFeeBps,
            fees.exitFeeBps,
            fees.levyBps
        ),
        (owner, 5_000_000_000_000_000, 10, 20, 50)
    );
    let limits = v.depositLimits().call().await.expect("limits");
    assert_eq!(limits.depositCap, U256::from(1_000_000_000_000u64));
    assert_eq!(limits.minDeposit, U256::from(10_000_000u64));
    assert_eq!(
        v.shareLockPeriod().call().await.expect("lock"),
        U256::from(600)
    );
    assert_eq!(v.guardian().call().await.expect("guardian"), owner);
    assert_eq!(v.rebalancer().call().await.expect("rebalancer"), rebalancer);
    assert_eq!(
        v.cash().call().await.expect("cash"),
        U256::from(1_000_000_000u64),
        "the seed"
    );

    // Rebalancer, queue, adapter wiring.
    let r = BallastRebalancer::new(rebalancer, &p);
    assert_eq!(r.vault().call().await.expect("vault"), vault);
    assert_eq!(r.keeper().call().await.expect("keeper"), deployer);
    assert_eq!(r.redemptionQueue().call().await.expect("queue"), queue);
    assert!(r.isAdapter(adapter).call().await.expect("isAdapter"));
    assert_eq!(
        r.config().call().await.expect("config").maxTurnoverBps,
        30_000
    );
    let q = RedemptionQueue::new(queue, &p);
    assert_eq!(q.vault().call().await.expect("vault"), vault);
    assert_eq!(q.rebalancer().call().await.expect("rebalancer"), rebalancer);

    // Ownable2Step: transferred, pending acceptance by the spec's owner.
    let bv = BallastVault::new(vault, &p);
    assert_eq!(bv.owner().call().await.expect("owner"), deployer);
    assert_eq!(bv.pendingOwner().call().await.expect("pending"), owner);
    assert_eq!(r.pendingOwner().call().await.expect("pending"), owner);
    let o = ChainlinkPriceSource::new(oracle, &p);
    assert_eq!(o.pendingOwner().call().await.expect("pending"), owner);
    assert_eq!(o.quoteAsset().call().await.expect("quote"), m.usdc);
    assert_eq!(
        o.maxDeviationBps().call().await.expect("maxDeviationBps"),
        50
    );

    // The keeper config works as written.
    let keeper_toml = dir.path().join("out/keeper.toml");
    let kt = std::fs::read_to_string(&keeper_toml).expect("keeper.toml");
    assert!(
        kt.contains(&format!("\"{adapter}\" = {{ kind = \"uniswap-v3\"")),
        "{kt}"
    );
    assert!(kt.contains("default = { fee = 500"), "{kt}");
    assert!(kt.contains(&format!("factory = \"{}\"", m.usdc)), "{kt}");
    let status = Command::new(ballast_bin().await)
        .arg("-c")
        .arg(&keeper_toml)
        .args(["status", "--json"])
        .env_remove("BALLAST_CONFIG")
        .output()
        .expect("status");
    assert!(
        status.status.success(),
        "status with keeper.toml failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let s: Value = serde_json::from_slice(&status.stdout).expect("status JSON");
    assert_eq!(s["asset"], "USDC");
    assert_eq!(s["holdings"].as_array().map(Vec::len), Some(4), "{s}");

    // A deposit works.
    let wallet = ProviderBuilder::new()
        .wallet(DEPLOYER_KEY.parse::<PrivateKeySigner>().expect("key"))
        .connect_http(anvil.endpoint_url());
    let usdc = IERC20Metadata::new(m.usdc, &wallet);
    let amount = U256::from(100_000_000u64);
    usdc.approve(vault, amount)
        .send()
        .await
        .expect("approve")
        .get_receipt()
        .await
        .expect("receipt");
    let receipt = IBallastVault::new(vault, &wallet)
        .deposit_0(amount, deployer)
        .send()
        .await
        .expect("deposit")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(receipt.status(), "deposit reverted");
    let shares = IERC20Metadata::new(vault, &p)
        .balanceOf(deployer)
        .call()
        .await
        .expect("shares");
    assert!(shares > U256::ZERO, "the deposit minted shares");

    // A rerun finds everything on chain and sends nothing.
    let nonce = p.get_transaction_count(deployer).await.expect("nonce");
    let (ok, out, err) = deploy(dir.path(), &text, true).await;
    assert!(ok, "rerun failed:\n{out}\n{err}");
    let again: Value = serde_json::from_str(&out).expect("--json");
    assert_eq!(again["sent"], 0, "{out}");
    assert_eq!(addr(&again["deployment"], "vault"), vault);
    assert_eq!(
        p.get_transaction_count(deployer).await.expect("nonce"),
        nonce
    );

    // Another spec on the same record is refused (it would deploy a second vault).
    let other = text.replace("symbol = \"BTI\"", "symbol = \"BT2\"");
    let (ok, _, err) = deploy(dir.path(), &other, false).await;
    assert!(!ok && err.contains("different spec"), "{err}");
    assert_eq!(
        p.get_transaction_count(deployer).await.expect("nonce"),
        nonce
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_specs_fail_by_name_and_send_nothing() {
    let anvil = spawn_anvil(&[]);
    let p = connect(&anvil);
    let m = market(&anvil, 2);
    let deployer = address_of(DEPLOYER_KEY);
    let nonce = p.get_transaction_count(deployer).await.expect("nonce");
    let dir = tempfile::tempdir().expect("tempdir");
    let half = WAD / 2;
    let nobody: Address = "0x00000000000000000000000000000000DeaDBeef"
        .parse()
        .expect("address");

    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            spec(&anvil, &m, &m.tokens, &[half, half - 1], 0, ""),
            vec!["weight_wad", "999999999999999999"],
        ),
        (
            spec(&anvil, &m, &[m.tokens[0], nobody], &[half, half], 0, ""),
            vec![
                "components[1].token",
                "0x00000000000000000000000000000000DeaDBeef",
                "no code",
            ],
        ),
        (
            spec(&anvil, &m, &m.tokens, &[half, half], 0, "")
                .replace("probe = \"0.5\"", "probe = \"1000\""),
            vec!["components[0].probe", "holds"],
        ),
        (
            spec(&anvil, &m, &m.tokens, &[half, half], 0, "")
                .replace("seed_assets = \"1000\"", "seed_assets = \"5000000\""),
            vec!["vault.seed_assets"],
        ),
        (
            spec(&anvil, &m, &m.tokens, &[half, half], 0, "")
                .replace("probe = \"0.5\"", "probe = \"0.000001\""),
            // 1e-6 of the 8-decimal TKN1 is 100 base units, under the vault's minimum probe.
            vec!["components[1].probe", "MIN_PROBE_AMOUNT"],
        ),
        (
            spec(&anvil, &m, &m.tokens, &[half, half], 0, "")
                .replace("[vault]\n", "[vault]\nasset_x = 1\n"),
            vec!["asset_x"],
        ),
        (
            spec(
                &anvil,
                &m,
                &m.tokens,
                &[half, half],
                0,
                "[oracle]\nmax_deviation_bps = 501\n",
            ),
            vec!["oracle.max_deviation_bps", "501"],
        ),
    ];
    for (text, needles) in cases {
        let (ok, out, err) = deploy(dir.path(), &text, false).await;
        assert!(!ok, "must fail: {needles:?}\n{out}");
        for n in &needles {
            assert!(err.contains(n), "`{n}` missing from:\n{err}");
        }
        assert_eq!(
            p.get_transaction_count(deployer).await.expect("nonce"),
            nonce,
            "nothing may be sent ({needles:?})"
        );
        assert!(
            !dir.path().join("out/deployment.json").exists(),
            "a spec that fails its checks leaves no record"
        );
    }

    // A stale feed is named with its token.
    let wallet = ProviderBuilder::new()
        .wallet(DEPLOYER_KEY.parse::<PrivateKeySigner>().expect("key"))
        .connect_http(anvil.endpoint_url());
    let now = p
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
        .await
        .expect("block")
        .expect("latest")
        .header
        .timestamp;
    MockAggregator::new(m.feeds[1], &wallet)
        .setAnswerAt(
            alloy::primitives::I256::try_from(20_000_000_000i64).expect("i256"),
            U256::from(now - 2 * 86_400),
        )
        .send()
        .await
        .expect("setAnswerAt")
        .get_receipt()
        .await
        .expect("receipt");
    let nonce = p.get_transaction_count(deployer).await.expect("nonce");
    let (ok, _, err) = deploy(
        dir.path(),
        &spec(&anvil, &m, &m.tokens, &[half, half], 0, ""),
        false,
    )
    .await;
    assert!(!ok);
    for n in ["components[1].feed", "stale", &m.tokens[1].to_string()] {
        assert!(err.contains(n), "`{n}` missing from:\n{err}");
    }
    assert_eq!(
        p.get_transaction_count(deployer).await.expect("nonce"),
        nonce
    );

    // The node's chain id must be the spec's.
    let other_chain = spawn_anvil(&["--chain-id", "5"]);
    let text = spec(&anvil, &m, &m.tokens, &[half, half], 0, "")
        .replace(&anvil.endpoint(), &other_chain.endpoint());
    let (ok, _, err) = deploy(dir.path(), &text, false).await;
    assert!(
        !ok && err.contains("chain.chain_id") && err.contains("chain 5"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_deploy_resumes_without_a_second_vault() {
    // One block a second: the run is killed mid-way, after the vault is recorded and while a later step is in flight.
    let anvil = spawn_anvil(&["--block-time", "1"]);
    let p = connect(&anvil);
    let m = market(&anvil, 2);
    let deployer = address_of(DEPLOYER_KEY);
    let start = p.get_transaction_count(deployer).await.expect("nonce");
    let text = spec(
        &anvil,
        &m,
        &m.tokens,
        &[WAD / 2, WAD / 2 - WAD / 10],
        WAD / 10,
        "",
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let spec_path = dir.path().join("deploy.toml");
    std::fs::write(&spec_path, &text).expect("write spec");
    let record_path = dir.path().join("out/deployment.json");
    let mut child = Command::new(ballast_bin().await)
        .arg("deploy")
        .arg("--spec")
        .arg(&spec_path)
        .arg("--out")
        .arg(dir.path().join("out"))
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn ballast deploy");
    let recorded_vault = loop {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if let Some(status) = child.try_wait().expect("try_wait") {
            panic!("deploy ended before it could be interrupted: {status}");
        }
        let Ok(text) = std::fs::read_to_string(&record_path) else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        if v["pending"]["key"]
            .as_str()
            .is_some_and(|k| k.starts_with("approveProbe"))
        {
            break addr(&v, "vault");
        }
    };
    child.kill().expect("kill");
    let _ = child.wait();

    let (ok, out, err) = deploy(dir.path(), &text, true).await;
    assert!(ok, "resume failed:\n{out}\n{err}");
    let v: Value = serde_json::from_str(&out).expect("--json");
    assert_eq!(
        addr(&v["deployment"], "vault"),
        recorded_vault,
        "the same vault"
    );
    assert_eq!(v["deployment"]["complete"], true);
    let steps = v["deployment"]["steps"].as_array().expect("steps").len() as u64;
    let end = p.get_transaction_count(deployer).await.expect("nonce");
    assert_eq!(
        end - start,
        steps,
        "one transaction per recorded step: nothing sent twice"
    );
    let list = IBallastVault::new(recorded_vault, &p)
        .components()
        .call()
        .await
        .expect("components");
    assert_eq!(list.len(), 2);
}
