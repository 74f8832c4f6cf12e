// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {IBallastRebalancer} from "../../src/interfaces/IBallastRebalancer.sol";
import {RebalanceFixture} from "../utils/RebalanceFixture.sol";

/// @notice The rolling-window loss budget: a keeper that opens epochs as often as `minEpochSpacing` allows cannot
/// lose the per-epoch cap in each of them. Cap here: 10 bps of NAV per epoch and per 7-day window; every lossy
/// epoch sells 8% of NAV through an adapter that fills 0.9% under the oracle, so it loses about 7.2 bps.
contract WindowLossTest is RebalanceFixture {
    uint256 internal constant BPS_WAD = 1e14;
    uint64[] internal baseWeights;
    uint64 internal baseCash;

    function setUp() public {
        _deployVault(5, 6);
        _deployRebalancer();
        _deposit(makeAddr("alice"), 100_000e6);
        _investAtTargets();
        (baseWeights, baseCash) = _weights();
        IBallastRebalancer.Config memory c = rebalancer.config();
        c.maxCallLossBps = 10;
        c.maxEpochLossBps = 10;
        _ownerNow(address(rebalancer), abi.encodeCall(rebalancer.setConfig, (c)));
        rateAdapter.setSlippageBps(90);
    }

    /// @dev Opens the next rebalance epoch with component `i` (1..4) 10% overweight, after `wait` seconds.
    function _open(uint256 i, uint256 wait) internal returns (uint64 id, uint256 nav) {
        vm.warp(block.timestamp + wait);
        _refreshFeeds();
        uint64[] memory w = baseWeights;
        w[0] += 0.1e18;
        w[i] -= 0.1e18;
        id = rebalancer.currentEpoch().id + 1;
        vm.prank(keeper);
        rebalancer.openEpoch(id, w, baseCash);
        nav = rebalancer.currentEpoch().navAtOpen;
    }

    /// @dev Sells 8% of `nav` of component `i` in epoch `id` (loses ~7.2 bps of NAV).
    function _lossySell(uint256 i, uint256 nav) internal view returns (IBallastRebalancer.Trade[] memory) {
        uint256 amount = (nav * 8 / 100) * 1e36 / oracle.price(address(tokens[i]));
        return _one(_t(address(tokens[i]), address(usdc), amount));
    }

    function _close(uint64 id) internal {
        vm.prank(keeper);
        rebalancer.closeEpoch(id);
    }

    /// @dev A whole epoch after `wait` seconds: opens it, sells 8% of NAV of component `i` (~7.2 bps lost), closes it.
    function _lossyEpoch(uint256 i, uint256 wait) internal returns (uint64 id, uint256 nav) {
        (id, nav) = _open(i, wait);
        IBallastRebalancer.Trade[] memory sell = _lossySell(i, nav);
        vm.prank(keeper);
        rebalancer.executeTrades(id, 0, sell);
        _close(id);
    }

    function test_secondLossyEpochInTheWindowIsRefused() public {
        (, uint256 nav) = _lossyEpoch(1, 0);
        uint256 loss = rebalancer.currentEpoch().loss;
        assertApproxEqRel(loss, nav * 72 / 100_000, 0.01e18, "~7.2 bps lost");
        (uint256 used, uint256 cap) = rebalancer.windowLoss();
        assertEq(cap, 10 * BPS_WAD);
        assertEq(used, (loss * 1e18 + nav - 1) / nav, "the loss as a fraction of NAV, rounded up");

        // One hour later (the spacing), a new epoch: within its own cap, but not within the window's.
        (uint64 id2, uint256 nav2) = _open(2, 1 hours);
        IBallastRebalancer.Trade[] memory sell = _lossySell(2, nav2);
        uint256 balance = vault.components()[2].balance;
        vm.prank(keeper);
        vm.expectPartialRevert(IBallastRebalancer.WindowLossExceeded.selector);
        rebalancer.executeTrades(id2, 0, sell);
        assertEq(vault.components()[2].balance, balance, "nothing moved");
        assertEq(rebalancer.currentEpoch().trades, 0);
        (uint256 usedAfter,) = rebalancer.windowLoss();
        assertEq(usedAfter, used - uint256(1 hours) * cap / 7 days, "only drained");
    }

    function test_budgetDrainsLinearlyOverTheInterval() public {
        _lossyEpoch(1, 0);
        (uint256 used, uint256 cap) = rebalancer.windowLoss();
        skip(3.5 days);
        (uint256 half,) = rebalancer.windowLoss();
        assertEq(half, used - cap / 2, "half an interval drains half the cap");
        skip(7 days);
        (uint256 none,) = rebalancer.windowLoss();
        assertEq(none, 0);
    }

    function test_secondLossyEpochPassesOnceEnoughHasDrained() public {
        _lossyEpoch(1, 0);
        // 7.2 + 7.2 - 10 = 4.4 bps must drain: 4.4 / 10 of 7 days ≈ 3.1 days; 4 days drain 5.7 bps.
        (uint64 id2, uint256 nav2) = _open(2, 4 days);
        IBallastRebalancer.Trade[] memory sell2 = _lossySell(2, nav2);
        vm.prank(keeper);
        rebalancer.executeTrades(id2, 0, sell2);
        (uint256 used, uint256 cap) = rebalancer.windowLoss();
        assertLe(used, cap);
        assertGt(used, 8 * BPS_WAD);
    }

    function test_bookingEmitsTheBudget() public {
        (uint64 id, uint256 nav) = _open(1, 0);
        IBallastRebalancer.Trade[] memory sell = _lossySell(1, nav);
        vm.recordLogs();
        vm.prank(keeper);
        rebalancer.executeTrades(id, 0, sell);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 found;
        for (uint256 k; k < logs.length; ++k) {
            if (logs[k].topics[0] != IBallastRebalancer.WindowLossBooked.selector) continue;
            ++found;
            assertEq(logs[k].emitter, address(rebalancer));
            assertEq(uint256(logs[k].topics[1]), id);
            (uint256 loss, uint256 used, uint256 cap) = abi.decode(logs[k].data, (uint256, uint256, uint256));
            (uint256 usedNow, uint256 capNow) = rebalancer.windowLoss();
            assertEq(loss, rebalancer.currentEpoch().loss);
            assertEq(used, usedNow);
            assertEq(cap, capNow);
        }
        assertEq(found, 1, "one booking per lossy call");
    }

    function test_lossFreeCallsLeaveTheBudgetAlone() public {
        rateAdapter.setSlippageBps(0);
        (uint64 id, uint256 nav) = _open(1, 0);
        vm.recordLogs();
        IBallastRebalancer.Trade[] memory sell1 = _lossySell(1, nav);
        vm.prank(keeper);
        rebalancer.executeTrades(id, 0, sell1);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 k; k < logs.length; ++k) {
            assertTrue(logs[k].topics[0] != IBallastRebalancer.WindowLossBooked.selector, "no booking");
        }
        assertEq(rebalancer.currentEpoch().trades, 1, "traded");
        (uint256 used,) = rebalancer.windowLoss();
        assertEq(used, 0);
    }

    /// @notice The attack the budget closes: a keeper opening an epoch every `minEpochSpacing` and losing up to the
    /// per-epoch cap in each. Over one interval it now loses at most the budget plus one interval's drain.
    function test_epochEverySpacingLosesAtMostTwoCapsPerInterval() public {
        uint256 navStart = vault.totalAssets();
        uint256 lost;
        uint256 succeeded;
        uint256 start = block.timestamp;
        // One epoch per hour for one interval; each sells a component not sold before (so only the budget refuses).
        for (uint256 k; k < 168; ++k) {
            assertLt(succeeded, 4, "more lossy epochs than the window allows");
            uint256 i = 1 + succeeded;
            (uint64 id, uint256 nav) = _open(i, 1 hours);
            IBallastRebalancer.Trade[] memory sell = _lossySell(i, nav);
            vm.prank(keeper);
            try rebalancer.executeTrades(id, 0, sell) {
                lost += rebalancer.currentEpoch().loss;
                ++succeeded;
            } catch (bytes memory err) {
                assertEq(bytes4(err), IBallastRebalancer.WindowLossExceeded.selector);
            }
            _close(id);
        }
        uint256 elapsed = block.timestamp - start;
        // Per-epoch caps alone would have allowed 168 x 7.2 bps. The budget: 10 bps + 10 bps per 7 days of drain.
        assertEq(succeeded, 2, "the first at once, the second after ~3.1 days of drain");
        uint256 bound = navStart * 10 / 10_000 + navStart * 10 * elapsed / (10_000 * 7 days);
        assertLe(lost, bound * 101 / 100, "budget plus drain, 1% slack for NAV drift");
    }
}
