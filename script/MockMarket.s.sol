// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Script, console2} from "forge-std/Script.sol";

import {MockAggregator} from "../contracts/src/oracles/MockAggregator.sol";
import {MockERC20} from "../contracts/test/utils/MockERC20.sol";

/// @notice A market for `ballast deploy` to deploy onto, and nothing else: a mock stablecoin (USDC, 6 decimals) and
/// N mock tokens, each with a mock Chainlink USD feed (8 decimals). The deployer gets 1M USDC (the vault's seed and
/// deposits) and 100 whole units of every token (the listing probes).
/// Env: DEPLOYER_KEY (the broadcaster's key), COMPONENTS (default 3, at most 10).
/// Prints `name address` lines: `usdc`, then `tokenI` and `feedI` for I in 0..N.
contract MockMarket is Script {
    function run() external {
        uint256 n = vm.envOr("COMPONENTS", uint256(3));
        require(n > 0 && n <= 10, "COMPONENTS must be in 1..10");
        uint256 key = vm.envUint("DEPLOYER_KEY");
        address deployer = vm.addr(key);
        uint8[3] memory decimals = [uint8(18), 8, 6];

        vm.startBroadcast(key);
        MockERC20 usdc = new MockERC20("USD Coin", "USDC", 6);
        usdc.mint(deployer, 1_000_000e6);
        console2.log("usdc", address(usdc));
        for (uint256 i; i < n; ++i) {
            string memory symbol = string.concat("TKN", vm.toString(i));
            uint8 dec = decimals[i % 3];
            MockERC20 t = new MockERC20(symbol, symbol, dec);
            MockAggregator f = new MockAggregator(8, string.concat(symbol, " / USD"), int256((i + 1) * 100e8));
            t.mint(deployer, 100 * 10 ** dec);
            console2.log(string.concat("token", vm.toString(i)), address(t));
            console2.log(string.concat("feed", vm.toString(i)), address(f));
        }
        vm.stopBroadcast();
    }
}
