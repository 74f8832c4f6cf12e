//! The `ballast` binary, end to end.

use serde_json::Value;

use crate::support::{ballast, chain, config_toml, DEPLOYER_KEY};

#[tokio::test(flavor = "multi_thread")]
async fn status_json_and_human() {
    let (world, anvil, _p) = chain(&[]).await;
    let config = config_toml(&world, &anvil, "");
    let (ok, out, err) = ballast(&config, &["--json", "status"], &[]).await;
    assert!(ok, "status failed: {err}");
    let v: Value = serde_json::from_str(&out).expect("status --json is JSON");
    assert_eq!(v["asset"], "USDC");
    assert_eq!(
        v["nav_display"], "101,000.00",
        "seed 1000 + 100000 deposited, in asset units"
    );
    assert_eq!(v["nav"], "101000000000", "base units stay exact");
    let holdings = v["holdings"].as_array().expect("holdings");
    assert_eq!(holdings.len(), 4, "3 components and the cash leg");
    assert_eq!(
        holdings[3]["weight_wad"].as_u64(),
        Some(1_000_000_000_000_000_000),
        "all cash before the first epoch"
    );
    let weights: u64 = holdings
        .iter()
        .map(|h| h["target_wad"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(weights, 1_000_000_000_000_000_000, "targets sum to 1e18");
    assert_eq!(v["rebalancer"]["regime"], "risk-on");
    assert_eq!(v["rebalancer"]["last_epoch"]["id"], 0);
    assert_eq!(v["fees"]["entry_fee_bps"], 10);

    let (ok, out, err) = ballast(&config, &["status"], &[]).await;
    assert!(ok, "{err}");
    for needle in [
        "NAV          101,000.00 USDC",
        "101,000.00 USDC",
        "WBTC",
        "regime       risk-on",
        "last epoch   #0",
    ] {
        assert!(out.contains(needle), "`{needle}` missing from:\n{out}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn quote_deposit_shows_shares_fees_and_gas() {
    let (world, anvil, _p) = chain(&[]).await;
    let config = config_toml(&world, &anvil, "");
    let (ok, out, err) = ballast(&config, &["--json", "quote", "deposit", "250.5"], &[]).await;
    assert!(ok, "quote failed: {err}");
    let q: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(q["assets"], "250500000");
    assert_eq!(q["entry_fee_assets"], "250500", "10 bps of 250.5 USDC");
    let shares: u128 = q["shares_out"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("shares");
    assert!(
        shares > 249 * 10u128.pow(18) && shares < 251 * 10u128.pow(18),
        "{shares}"
    );
    let gas = q["gas_estimate"]
        .as_u64()
        .expect("the deployer holds USDC and an allowance: gas is estimated");
    assert!((50_000..1_000_000).contains(&gas), "{gas}");
    assert!(q["gas_cost_eth"].as_str().is_some());

    // A depositor without allowance: the estimate's revert is decoded by name.
    let other = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    let (ok, out, _) = ballast(&config, &["quote", "deposit", "10", "--from", other], &[]).await;
    assert!(ok);
    assert!(out.contains("ERC20InsufficientAllowance("), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_config_fails_at_start_naming_the_key() {
    let (world, anvil, _p) = chain(&[]).await;
    let config = config_toml(&world, &anvil, "");
    let (ok, _, err) = ballast(&config, &["status"], &[("BALLAST_VAULT", "0x1234")]).await;
    assert!(!ok);
    assert!(
        err.contains("contracts.vault (from BALLAST_VAULT)") && err.contains("20-byte"),
        "{err}"
    );

    let (ok, _, err) = ballast(
        &config.replace("chain_id = 31337", "chain_id = 1"),
        &["status"],
        &[],
    )
    .await;
    assert!(!ok);
    assert!(
        err.contains("signer.private_key") && err.contains("only on anvil"),
        "{err}"
    );
    assert!(
        !err.contains(&DEPLOYER_KEY[2..]),
        "the key must not be echoed"
    );

    let (ok, _, err) = ballast(&format!("{config}[gas]\nlimt = 5\n"), &["status"], &[]).await;
    assert!(!ok);
    assert!(
        err.contains("gas.limt") && err.contains("unknown key"),
        "{err}"
    );

    // A valid file for the wrong chain: refused after connecting.
    let cfg = config.replace("[signer]", "[gas]\nmax_fee_gwei = 5\n[signer]");
    let (ok, _, err) = ballast(&cfg, &["status"], &[("BALLAST_CHAIN_ID", "31338")]).await;
    assert!(!ok, "chain 31338 with a raw key is rejected");
    assert!(err.contains("signer.private_key"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_never_reach_the_logs() {
    let (world, anvil, _p) = chain(&[]).await;
    let config =
        config_toml(&world, &anvil, "").replace(&format!("private_key = \"{DEPLOYER_KEY}\""), "");
    let env = [("BALLAST_PRIVATE_KEY", DEPLOYER_KEY), ("RUST_LOG", "trace")];
    let mut all = String::new();
    for args in [
        &["config"][..],
        &["status"],
        &["quote", "deposit", "1"],
        &["--log-format", "json", "status"],
    ] {
        let (ok, out, err) = ballast(&config, args, &env).await;
        assert!(ok, "{args:?}: {err}");
        all.push_str(&out);
        all.push_str(&err);
    }
    assert!(
        all.contains("<redacted>"),
        "the config printout shows the key as redacted"
    );
    assert!(
        !all.to_lowercase().contains(&DEPLOYER_KEY[2..]),
        "a secret leaked into the output"
    );
}
