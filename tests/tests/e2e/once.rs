//! `ballast once`: a whole epoch on anvil, resumption, and a second keeper that lost the race.

use std::time::Duration;

use alloy::sol_types::SolCall;
use ballast_keeper::{
    bindings::IBallastRebalancer, sender::Intent, FeePolicy, Outcome, ProportionalPlanner, Runner,
    Sender, Simulator, TargetSource,
};
use serde_json::Value;

use crate::support::{ballast, chain, config_toml, DEPLOYER_KEY};

#[tokio::test(flavor = "multi_thread")]
async fn once_runs_a_whole_epoch_then_reports_it() {
    let (world, anvil, _p) = chain(&[]).await;
    let config = config_toml(&world, &anvil, "");
    let (ok, out, err) = ballast(&config, &["--json", "once", "--dry-run"], &[]).await;
    assert!(ok, "dry run: {err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["outcome"], "simulated");
    assert_eq!(v["epoch"], 1);

    let (ok, out, err) = ballast(&config, &["--json", "once"], &[]).await;
    assert!(ok, "once: {err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["outcome"], "done", "{v}");
    assert_eq!(v["epoch"], 1);
    assert_eq!(v["trades"], 3, "buys the three components");
    assert_eq!(
        v["txs"].as_array().map(Vec::len),
        Some(3),
        "open, executeTrades, close"
    );

    let (ok, out, _) = ballast(&config, &["--json", "status"], &[]).await;
    assert!(ok);
    let s: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(s["rebalancer"]["last_epoch"]["id"], 1);
    assert_eq!(s["rebalancer"]["last_epoch"]["open"], false);
    assert_eq!(s["rebalancer"]["last_epoch"]["trades"], 3);
    assert_eq!(
        s["rebalancer"]["window_loss_cap_bps"], 300,
        "the world's maxEpochLossBps"
    );
    let used = s["rebalancer"]["window_loss_bps"]
        .as_u64()
        .expect("window_loss_bps");
    assert!(used <= 300, "{used} bps of the rolling-window budget used");
    for h in s["holdings"].as_array().expect("holdings") {
        let (w, t) = (
            h["weight_wad"].as_u64().unwrap_or(0) as i128,
            h["target_wad"].as_u64().unwrap_or(0) as i128,
        );
        assert!(
            (w - t).abs() < 10_000_000_000_000_000,
            "{} at {w} vs target {t}",
            h["symbol"]
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn resumes_an_open_epoch_and_a_stale_keeper_stops_cleanly() {
    let (world, _anvil, p) = chain(&[]).await;
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
    let runner = |metrics| {
        Runner::new(
            p.clone(),
            Simulator::new(p.clone(), 31337),
            sender.clone(),
            world.vault,
            world.rebalancer,
            world.adapter,
            5_000_000,
            Box::new(ProportionalPlanner),
            toml::Table::new(),
            metrics,
        )
    };
    // A previous run crashed right after opening epoch 1.
    let weights = vec![316_666_666_666_666_666u64; 3];
    let open = IBallastRebalancer::openEpochCall {
        expectedId: 1,
        weights,
        cashWeight: 50_000_000_000_000_002,
    };
    sender
        .send(&Intent {
            label: "open".into(),
            to: world.rebalancer,
            input: open.abi_encode().into(),
            gas_limit: 1_000_000,
        })
        .await
        .expect("open");
    let outcome = runner(Default::default())
        .once(TargetSource::Keep, false)
        .await
        .expect("resume");
    match outcome {
        Outcome::Done { epoch, trades, txs } => {
            assert_eq!(
                (epoch, trades, txs.len()),
                (1, 3, 2),
                "resumed: trades and close only"
            );
        }
        other => panic!("{other:?}"),
    }
    // A keeper still acting on epoch 1 (the step it would send now reverts in pre-flight): it stops, sends nothing.
    let nonce = alloy::providers::Provider::get_transaction_count(&p, world.deployer)
        .await
        .expect("nonce");
    let stale = Simulator::new(p.clone(), 31337);
    let close = IBallastRebalancer::closeEpochCall { epochId: 1 }.abi_encode();
    let tx = ballast_keeper::SimTx {
        from: world.deployer,
        to: world.rebalancer,
        input: close.into(),
        value: alloy::primitives::U256::ZERO,
        gas_limit: 1_000_000,
    };
    let (_, o) = stale.simulate(vec![tx]).await.expect("simulate");
    assert_eq!(o[0].error_name.as_deref(), Some("NoOpenEpoch"));
    assert!(ballast_keeper::runner::SUPERSEDED.contains(&"NoOpenEpoch"));
    assert_eq!(
        alloy::providers::Provider::get_transaction_count(&p, world.deployer)
            .await
            .expect("nonce"),
        nonce
    );
}
