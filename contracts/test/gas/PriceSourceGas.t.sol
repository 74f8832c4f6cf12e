// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

import {ChainlinkPriceSource} from "../../src/oracles/ChainlinkPriceSource.sol";
import {MockAggregator} from "../../src/oracles/MockAggregator.sol";
import {IAggregatorV3} from "../../src/interfaces/IAggregatorV3.sol";
import {MockERC20} from "../utils/MockERC20.sol";

/// @notice The owner's cost of configuring the Chainlink hub at 100 feeds, written to
/// `snapshots/ChainlinkPriceSource.json`: every change deploys a new feed table (one data contract of 1 + 25 bytes per
/// key), so a change costs about 200 gas per byte of the table. A token's feed is set once (there is no update to
/// measure): the changes are new tokens and removals. Isolate mode: each measured call is its own transaction.
contract PriceSourceGasTest is Test {
    uint32 internal constant HB = 1 hours;
    address internal owner = makeAddr("owner");

    /// forge-config: default.isolate = true
    function test_gas_configuration_N100() public {
        MockERC20 usdc = new MockERC20("USDC", "USDC", 6);
        ChainlinkPriceSource src = new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(0)), 0, 0);
        address[] memory ts = new address[](100);
        IAggregatorV3[] memory fs = new IAggregatorV3[](100);
        uint32[] memory hbs = new uint32[](100);
        for (uint256 i; i < 100; ++i) {
            ts[i] = address(new MockERC20("T", "T", 18));
            fs[i] = IAggregatorV3(address(new MockAggregator(8, "T/USD", 1e8)));
            hbs[i] = HB;
        }
        // The first 99 in one call, then the 100th on its own.
        address[] memory first = new address[](99);
        IAggregatorV3[] memory firstFeeds = new IAggregatorV3[](99);
        uint32[] memory firstHbs = new uint32[](99);
        for (uint256 i; i < 99; ++i) {
            (first[i], firstFeeds[i], firstHbs[i]) = (ts[i], fs[i], hbs[i]);
        }
        vm.prank(owner);
        src.setFeeds(first, firstFeeds, firstHbs);
        vm.snapshotGasLastCall("ChainlinkPriceSource", "setFeeds_99_new");

        vm.prank(owner);
        src.setFeed(ts[99], fs[99], HB);
        vm.snapshotGasLastCall("ChainlinkPriceSource", "setFeed_new_N100");

        vm.prank(owner);
        src.removeFeed(ts[20]);
        vm.snapshotGasLastCall("ChainlinkPriceSource", "removeFeed_N100");

        // A fresh hub configured one token at a time, for comparison: the 100th `setFeed` as above.
        assertEq(src.keyCount(), 100);
        assertEq(src.feedTable().code.length, 1 + 100 * 25);
    }
}
