// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBallastRebalancer} from "../../src/interfaces/IBallastRebalancer.sol";
import {ISwapAdapter} from "../../src/interfaces/ISwapAdapter.sol";
import {HostileKeeperSetup} from "./HostileKeeperInvariants.t.sol";
import {HostileKeeperHandler} from "./HostileKeeperHandler.sol";

/// @notice The hostile-keeper invariants are not tautologies: each canary breaks, behind the contracts' back, the
/// property one invariant guards (with cheatcodes or owner powers the keeper does not have), and expects that
/// invariant to fail.
contract HostileKeeperCanariesTest is HostileKeeperSetup {
    /// @dev Slots of `BallastRebalancer` (`forge inspect BallastRebalancer storageLayout`).
    uint256 internal constant EPOCH_SLOT = 8;
    uint256 internal constant REGIME_SLOT = 12;

    /// @notice (2) Value leaving the vault other than through a bounded trade or an exit is caught.
    function test_canary_theftBreaksTheLedger() public {
        vm.prank(address(rebalancer));
        vault.executeTrade(ISwapAdapter(address(rogueAdapter)), address(usdc), address(tokens[0]), 1000e6, 0, "");
        vm.expectRevert();
        this.checkNothingLeavesButTradesAndExits();
    }

    /// @notice (3) A regime switch before the dwell is caught from the handler's own timestamps.
    function test_canary_earlySwitchBreaksTheDwell() public {
        handler.keeperSwitchRegime(1, 0, false, true); // to risk-off, after waiting
        assertEq(handler.switches().length, 1, "first switch");
        // The rebalancer forgets its last switch: the keeper's next, early, switch is accepted.
        vm.store(address(rebalancer), bytes32(REGIME_SLOT), bytes32(uint256(IBallastRebalancer.Regime.RiskOff)));
        vm.warp(block.timestamp + 2 hours);
        handler.keeperSwitchRegime(1, 0, true, true); // back to risk-on, early
        assertEq(handler.switches().length, 2, "second switch accepted");
        vm.expectRevert();
        this.checkDwell();
    }

    /// @notice (5) An epoch id that goes back is caught.
    function test_canary_epochIdGoingBackIsCaught() public {
        handler.keeperOpenEpoch(0, 0, true, false);
        handler.keeperOpenEpoch(10, 0, true, true);
        uint64 id = rebalancer.currentEpoch().id;
        assertEq(id, 2, "two epochs opened");
        bytes32 slot = vm.load(address(rebalancer), bytes32(EPOCH_SLOT));
        vm.store(address(rebalancer), bytes32(EPOCH_SLOT), bytes32(uint256(slot) - 1));
        vm.expectRevert();
        this.checkEpochIdsAndTradeIndices();
    }

    /// @notice (1) Losses above the cap are caught: the owner loosens the caps, sandwiched trades lose more than the
    /// original cap, the caps are restored, and the invariant (measuring independently) fails.
    function test_canary_lossAboveTheCapIsCaught() public {
        IBallastRebalancer.Config memory strict = rebalancer.config();
        IBallastRebalancer.Config memory loose = rebalancer.config();
        loose.maxSlippageBps = 300;
        loose.maxCallLossBps = 100;
        loose.maxEpochLossBps = 300;
        loose.maxTurnoverBps = 30_000;
        _ownerNow(address(rebalancer), abi.encodeCall(rebalancer.setConfig, (loose)));
        handler.keeperOpenEpoch(0, 0, true, false);
        uint64 id = rebalancer.currentEpoch().id;
        uint256 cap = uint256(rebalancer.currentEpoch().navAtOpen) * strict.maxEpochLossBps / 10_000;
        for (uint256 k; k < 200 && handler.epochGhost(id).loss <= cap; ++k) {
            uint256 seed = uint256(keccak256(abi.encode(k)));
            handler.sandwich(seed, 149, 0);
        }
        assertGt(handler.epochGhost(id).loss, cap, "loss above the strict cap");
        _ownerNow(address(rebalancer), abi.encodeCall(rebalancer.setConfig, (strict)));
        vm.expectRevert();
        this.checkLossAndTurnoverCaps();
    }
}
