// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Script, console2} from "forge-std/Script.sol";

import {BallastVault} from "../contracts/src/BallastVault.sol";
import {BallastRebalancer} from "../contracts/src/BallastRebalancer.sol";
import {RedemptionQueue} from "../contracts/src/RedemptionQueue.sol";
import {IBallastVault} from "../contracts/src/interfaces/IBallastVault.sol";
import {IBallastRebalancer} from "../contracts/src/interfaces/IBallastRebalancer.sol";
import {IPriceSource} from "../contracts/src/interfaces/IPriceSource.sol";
import {ISwapAdapter} from "../contracts/src/interfaces/ISwapAdapter.sol";
import {MockERC20} from "../contracts/test/utils/MockERC20.sol";

/// @notice A swap adapter for the keeper's tests: pays the oracle value minus `haircutBps`, minting the output
/// (the tokens are MockERC20s, mintable by anyone). Real pools come with the Uniswap V3 adapter.
contract OracleMintAdapter is ISwapAdapter {
    IBallastVault public immutable vault;
    uint256 public haircutBps;

    constructor(IBallastVault vault_, uint256 haircutBps_) {
        vault = vault_;
        haircutBps = haircutBps_;
    }

    function swap(address tokenIn, address tokenOut, uint256 amountIn, uint256, bytes calldata)
        external
        returns (uint256 amountOut)
    {
        address asset = vault.asset();
        if (tokenIn == asset) {
            (,, address source) = vault.component(tokenOut);
            amountOut = amountIn * 1e36 / IPriceSource(source).price(tokenOut);
        } else {
            (,, address source) = vault.component(tokenIn);
            amountOut = amountIn * IPriceSource(source).price(tokenIn) / 1e36;
        }
        amountOut = amountOut * (10_000 - haircutBps) / 10_000;
        MockERC20(tokenOut).mint(msg.sender, amountOut);
    }
}

/// @notice The keeper's test world on top of `DeployLocal`: a rebalancer (the deployer is owner and keeper), a
/// redemption queue, the oracle-priced adapter above, and new cash in the vault for the keeper to invest (the deployer
/// keeps 900k USDC with an unlimited allowance, for quotes and deposits).
/// Env: DEPLOYER_KEY, VAULT (from DeployLocal). Prints `name address` lines for the test harness.
contract KeeperTestWorld is Script {
    function run() external {
        uint256 key = vm.envUint("DEPLOYER_KEY");
        address deployer = vm.addr(key);
        BallastVault vault = BallastVault(vm.envAddress("VAULT"));
        MockERC20 usdc = MockERC20(vault.asset());

        vm.startBroadcast(key);
        BallastRebalancer rebalancer = new BallastRebalancer(
            IBallastVault(address(vault)),
            deployer,
            deployer,
            IBallastRebalancer.Config({
                maxSlippageBps: 100,
                maxCallLossBps: 100,
                maxEpochLossBps: 300,
                maxTurnoverBps: 30_000,
                bandWad: 0.005e18,
                cashBufferWad: 0.02e18,
                minDwell: 1 days,
                keeperGracePeriod: 1 hours,
                epochInterval: 7 days,
                minEpochSpacing: 0,
                scheduleAnchor: uint40(block.timestamp)
            })
        );
        RedemptionQueue queue = new RedemptionQueue(IBallastVault(address(vault)), rebalancer);
        rebalancer.setRedemptionQueue(queue);
        OracleMintAdapter adapter = new OracleMintAdapter(IBallastVault(address(vault)), 10);
        rebalancer.setAdapter(address(adapter), true);
        // Last: adopting the rebalancer turns the change delay on.
        vault.setRebalancer(address(rebalancer));

        usdc.mint(deployer, 1_000_000e6);
        usdc.approve(address(vault), type(uint256).max);
        vault.deposit(100_000e6, deployer);
        vm.stopBroadcast();

        console2.log("rebalancer", address(rebalancer));
        console2.log("queue", address(queue));
        console2.log("adapter", address(adapter));
        console2.log("usdc", address(usdc));
    }
}
