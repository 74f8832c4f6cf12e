//! The sender against anvil: manual mining, dropped transactions, the fee cap, a reorg.

use std::time::Duration;

use alloy::{
    node_bindings::AnvilInstance,
    primitives::U256,
    providers::{ext::AnvilApi, DynProvider, Provider},
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};
use ballast_keeper::{
    bindings::IBallastVault,
    sender::{Intent, SentTx},
    Error, FeePolicy, Sender,
};

use crate::support::{chain, World, DEPLOYER_KEY};

fn policy() -> FeePolicy {
    FeePolicy {
        max_fee_wei: 50_000_000_000,
        max_priority_fee_wei: 1_000_000_000,
        bump_percent: 15,
        rebroadcast: Duration::from_millis(600),
        receipt_timeout: Duration::from_secs(20),
        fee_wait: Duration::from_secs(2),
        confirmations: 1,
        poll: Duration::from_millis(100),
    }
}

fn accrue(vault: alloy::primitives::Address) -> Intent {
    Intent {
        label: "accrueManagementFee".into(),
        to: vault,
        input: IBallastVault::accrueManagementFeeCall {}
            .abi_encode()
            .into(),
        gas_limit: 200_000,
    }
}

fn signer() -> PrivateKeySigner {
    DEPLOYER_KEY.parse().expect("key")
}

/// A chain that mines only when told to, a sender for the deployer with `policy`, and the deployer's next nonce.
async fn paused_chain(policy: FeePolicy) -> (World, AnvilInstance, DynProvider, Sender, u64) {
    let (world, anvil, p) = chain(&["--no-mining"]).await;
    let sender = Sender::new(p.clone(), p.clone(), signer(), 31337, policy);
    let nonce = p
        .get_transaction_count(world.deployer)
        .await
        .expect("nonce");
    (world, anvil, p, sender, nonce)
}

/// Sends `accrueManagementFee` on `vault` in the background.
fn spawn_accrue(
    sender: &Sender,
    vault: alloy::primitives::Address,
) -> tokio::task::JoinHandle<Result<SentTx, Error>> {
    let sender = sender.clone();
    let intent = accrue(vault);
    tokio::spawn(async move { sender.send(&intent).await })
}

/// Whether a transaction of `who` at `nonce` reaches the node's pool within 5 s.
async fn in_pool_within_5s(p: &DynProvider, who: alloy::primitives::Address, nonce: u64) -> bool {
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if p.get_transaction_count(who)
            .pending()
            .await
            .expect("pending")
            > nonce
        {
            return true;
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread")]
async fn sends_and_confirms_with_automine() {
    let (world, _anvil, p) = chain(&[]).await;
    let sender = Sender::new(p.clone(), p.clone(), signer(), 31337, policy());
    let before = p
        .get_transaction_count(world.deployer)
        .await
        .expect("nonce");
    let a = sender.send(&accrue(world.vault)).await.expect("first");
    let b = sender.send(&accrue(world.vault)).await.expect("second");
    assert_eq!(
        (a.nonce, b.nonce),
        (before, before + 1),
        "nonces follow the chain, no hole"
    );
    assert_eq!(a.replacements + a.rebroadcasts, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn dropped_transaction_is_rebroadcast_then_replaced_at_the_same_nonce() {
    let (world, _anvil, p, sender, nonce) = paused_chain(policy()).await;
    let job = spawn_accrue(&sender, world.vault);
    // Drop whatever the sender broadcast, twice, then let a block be mined.
    for _ in 0..2 {
        let mut dropped = false;
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let pool = p
                .get_transaction_count(world.deployer)
                .pending()
                .await
                .expect("pending");
            if pool > nonce {
                // The pending transaction's hash: find it in the pending block.
                let block = p
                    .get_block_by_number(alloy::eips::BlockNumberOrTag::Pending)
                    .await
                    .expect("pending block")
                    .expect("some");
                for h in block.transactions.hashes() {
                    p.anvil_drop_transaction(h).await.expect("drop");
                    dropped = true;
                }
                break;
            }
        }
        assert!(dropped, "the sender never broadcast");
    }
    // Now let it in.
    let mut sent = None;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if p.get_transaction_count(world.deployer)
            .pending()
            .await
            .expect("pending")
            > nonce
        {
            p.evm_mine(None).await.expect("mine");
            sent = Some(
                job.await
                    .expect("join")
                    .expect("confirmed after rebroadcast"),
            );
            break;
        }
    }
    let sent = sent.expect("the sender kept pushing the transaction");
    assert_eq!(sent.nonce, nonce, "same nonce, never a fresh send");
    assert!(sent.rebroadcasts + sent.replacements >= 2, "{sent:?}");
    assert_eq!(
        p.get_transaction_count(world.deployer)
            .await
            .expect("nonce"),
        nonce + 1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn waits_instead_of_paying_above_the_cap() {
    let (world, _anvil, p) = chain(&[]).await;
    let mut capped = policy();
    capped.max_fee_wei = 1_000_000_000;
    let sender = Sender::new(p.clone(), p.clone(), signer(), 31337, capped);
    p.anvil_set_next_block_base_fee_per_gas(20_000_000_000)
        .await
        .expect("base fee");
    p.evm_mine(None).await.expect("mine");
    let nonce = p
        .get_transaction_count(world.deployer)
        .await
        .expect("nonce");
    let err = sender
        .send(&accrue(world.vault))
        .await
        .expect_err("above the cap");
    assert!(
        matches!(
            err,
            Error::FeeAboveCap {
                cap: 1_000_000_000,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        p.get_transaction_count(world.deployer)
            .pending()
            .await
            .expect("nonce"),
        nonce,
        "nothing sent"
    );
    let _ = U256::ZERO;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reorged_transaction_is_sent_again_until_confirmed() {
    let mut deep = policy();
    deep.confirmations = 3;
    let (world, _anvil, p, sender, nonce) = paused_chain(deep).await;
    let snapshot = p.anvil_snapshot().await.expect("snapshot");
    let job = spawn_accrue(&sender, world.vault);
    // Mine it, then revert the chain to before it (a reorg), then mine blocks until it is confirmed again.
    assert!(
        in_pool_within_5s(&p, world.deployer, nonce).await,
        "the sender never broadcast"
    );
    p.evm_mine(None).await.expect("mine");
    assert_eq!(
        p.get_transaction_count(world.deployer)
            .await
            .expect("nonce"),
        nonce + 1,
        "included"
    );
    assert!(p.anvil_revert(snapshot).await.expect("revert"), "reorg");
    assert_eq!(
        p.get_transaction_count(world.deployer)
            .await
            .expect("nonce"),
        nonce,
        "reorged out"
    );
    let mut result = None;
    for _ in 0..150 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        p.evm_mine(None).await.expect("mine");
        if job.is_finished() {
            result = Some(job.await.expect("join"));
            break;
        }
    }
    let sent = result
        .expect("finished")
        .expect("confirmed after the reorg");
    assert_eq!(sent.nonce, nonce);
    let head = p.get_block_number().await.expect("head");
    assert!(head + 1 >= sent.block + 3, "counted only at depth 3");
    assert!(p
        .get_transaction_receipt(sent.hash)
        .await
        .expect("rpc")
        .is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_nonce_freed_again_while_its_receipt_is_missing_is_not_called_taken() {
    // The race behind a reorg seen from the sender: the chain shows our nonce used, no receipt of ours is there yet,
    // and then the block that used the nonce is gone. Staged with anvil_setNonce: up while the transaction waits in
    // the pool, down again inside the sender's receipt-lag window.
    let (world, _anvil, p, sender, nonce) = paused_chain(policy()).await;
    let job = spawn_accrue(&sender, world.vault);
    assert!(
        in_pool_within_5s(&p, world.deployer, nonce).await,
        "the sender never broadcast"
    );
    p.anvil_set_nonce(world.deployer, nonce + 1)
        .await
        .expect("nonce up");
    tokio::time::sleep(Duration::from_millis(400)).await;
    p.anvil_set_nonce(world.deployer, nonce)
        .await
        .expect("nonce down");
    // Past the lag window (10 polls of 100 ms): a sender that only re-reads receipts has given up by now.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    if job.is_finished() {
        panic!(
            "the sender stopped while its nonce was free: {:?}",
            job.await.expect("join")
        );
    }
    let mut result = None;
    for _ in 0..150 {
        p.evm_mine(None).await.expect("mine");
        tokio::time::sleep(Duration::from_millis(100)).await;
        if job.is_finished() {
            result = Some(job.await.expect("join"));
            break;
        }
    }
    let sent = result.expect("finished").expect("confirmed");
    assert_eq!(sent.nonce, nonce);
    assert!(p
        .get_transaction_receipt(sent.hash)
        .await
        .expect("rpc")
        .is_some());
}
