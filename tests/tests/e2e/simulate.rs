//! Pre-flight simulation with revm against anvil's own `eth_estimateGas` and reverts.

use alloy::{
    primitives::U256, providers::Provider, rpc::types::TransactionRequest, sol_types::SolCall,
};
use ballast_keeper::{bindings::IBallastRebalancer, SimTx, Simulator};

use crate::support::chain;

const EACH: u64 = 316_666_666_666_666_666;
const CASH: u64 = 1_000_000_000_000_000_000 - 3 * EACH;

#[tokio::test(flavor = "multi_thread")]
async fn simulation_matches_the_node() {
    let (world, _anvil, p) = chain(&[]).await;
    let sim = Simulator::new(p.clone(), 31337);
    let open = |id: u64| IBallastRebalancer::openEpochCall {
        expectedId: id,
        weights: vec![EACH; 3],
        cashWeight: CASH,
    };
    let tx = |input: Vec<u8>| SimTx {
        from: world.deployer,
        to: world.rebalancer,
        input: input.into(),
        value: U256::ZERO,
        gas_limit: 5_000_000,
    };

    let (block, outcomes) = sim
        .simulate(vec![tx(open(1).abi_encode())])
        .await
        .expect("simulate");
    let head = p.get_block_number().await.expect("head");
    assert_eq!(block.parent, head);
    assert_eq!(
        block.number,
        head + 1,
        "simulated in the block the tx lands in"
    );
    let o = &outcomes[0];
    assert!(o.success, "openEpoch(1) must succeed: {:?}", o.revert);

    let request = TransactionRequest::default()
        .from(world.deployer)
        .to(world.rebalancer)
        .input(open(1).abi_encode().into());
    let estimate = p.estimate_gas(request).await.expect("eth_estimateGas");
    assert!(
        o.gas_used <= estimate,
        "revm {} vs estimate {estimate}",
        o.gas_used
    );
    assert!(
        estimate - o.gas_used < estimate / 5,
        "revm {} too far from the estimate {estimate}",
        o.gas_used
    );

    // A sequence: the second open fails on the first's state, decoded by name with its arguments.
    let (_, outcomes) = sim
        .simulate(vec![tx(open(1).abi_encode()), tx(open(1).abi_encode())])
        .await
        .expect("simulate");
    assert!(outcomes[0].success);
    assert_eq!(outcomes[1].revert.as_deref(), Some("EpochAlreadyOpen(1)"));
    let (_, outcomes) = sim
        .simulate(vec![tx(open(4).abi_encode())])
        .await
        .expect("simulate");
    assert_eq!(outcomes[0].revert.as_deref(), Some("EpochIdMismatch(4, 1)"));
    assert_eq!(outcomes[0].error_name.as_deref(), Some("EpochIdMismatch"));

    // Nothing was sent: the chain is untouched.
    assert_eq!(p.get_block_number().await.expect("head"), head);
}
