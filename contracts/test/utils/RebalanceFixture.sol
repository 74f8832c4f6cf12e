// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPriceSource} from "../../src/interfaces/IPriceSource.sol";
import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {IBallastRebalancer} from "../../src/interfaces/IBallastRebalancer.sol";
import {IRedemptionQueue} from "../../src/interfaces/IRedemptionQueue.sol";
import {ISwapAdapter} from "../../src/interfaces/ISwapAdapter.sol";
import {BallastRebalancer} from "../../src/BallastRebalancer.sol";
import {RedemptionQueue} from "../../src/RedemptionQueue.sol";
import {VaultFixture} from "./VaultFixture.sol";
import {OracleRateAdapter} from "./OracleRateAdapter.sol";

/// @notice The vault fixture plus a rebalancer, a redemption queue and (for bound tests) an oracle-rate adapter.
abstract contract RebalanceFixture is VaultFixture {
    BallastRebalancer internal rebalancer;
    RedemptionQueue internal queue;
    OracleRateAdapter internal rateAdapter;

    function _defaultConfig() internal view returns (IBallastRebalancer.Config memory) {
        return IBallastRebalancer.Config({
            maxSlippageBps: 100,
            maxCallLossBps: 50,
            maxEpochLossBps: 100,
            maxTurnoverBps: 25_000,
            bandWad: 0.002e18,
            cashBufferWad: 0.02e18,
            minDwell: 3 days,
            keeperGracePeriod: 12 hours,
            epochInterval: 7 days,
            minEpochSpacing: 1 hours,
            scheduleAnchor: uint40(block.timestamp)
        });
    }

    /// @dev Deploys and sets up the rebalancer, its queue and the oracle-rate adapter, then wires the vault to it
    /// (which turns the change delay on).
    function _deployRebalancer() internal {
        _buildRebalancer();
        _wireRebalancer();
    }

    /// @dev The rebalancer's set-up, before the vault is wired (no change delay yet), as the deploy tool does it.
    function _buildRebalancer() internal {
        rebalancer = new BallastRebalancer(IBallastVault(address(vault)), owner, keeper, _defaultConfig());
        queue = new RedemptionQueue(IBallastVault(address(vault)), rebalancer);
        rateAdapter = new OracleRateAdapter(IPriceSource(address(oracle)));
        vm.startPrank(owner);
        rebalancer.setRedemptionQueue(queue);
        rebalancer.setAdapter(address(rateAdapter), true);
        vm.stopPrank();
    }

    /// @dev The last deployment step: the vault adopts the rebalancer; from now on owner changes are delayed.
    function _wireRebalancer() internal {
        vm.prank(owner);
        vault.setRebalancer(address(rebalancer));
    }

    /// @dev Runs an owner change that the change delay covers at once, for tests that are about something else (the
    /// delay itself is tested through the real schedule, see ChangeDelay.t.sol): the harness switches the delay off
    /// for this one call only.
    function _ownerNow(address target, bytes memory data) internal {
        (bool ok, bytes memory ret) = _ownerCallNow(target, data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
    }

    /// @dev As `_ownerNow`, for a change that must revert with exactly `expected`.
    function _ownerNowReverts(address target, bytes memory data, bytes memory expected) internal {
        (bool ok, bytes memory ret) = _ownerCallNow(target, data);
        assertFalse(ok, "the owner change did not revert");
        assertEq(ret, expected, "the owner change reverted otherwise");
    }

    function _ownerCallNow(address target, bytes memory data) internal returns (bool ok, bytes memory ret) {
        vault.harnessSetChangeDelayOff(true);
        vm.prank(owner);
        (ok, ret) = target.call(data);
        vault.harnessSetChangeDelayOff(false);
    }

    /// @dev A trade through the oracle-rate adapter.
    function _t(address tokenIn, address tokenOut, uint256 amountIn)
        internal
        view
        returns (IBallastRebalancer.Trade memory)
    {
        return IBallastRebalancer.Trade({
            adapter: ISwapAdapter(address(rateAdapter)),
            tokenIn: tokenIn,
            tokenOut: tokenOut,
            amountIn: amountIn,
            route: ""
        });
    }

    function _one(IBallastRebalancer.Trade memory t) internal pure returns (IBallastRebalancer.Trade[] memory ts) {
        ts = new IBallastRebalancer.Trade[](1);
        ts[0] = t;
    }

    /// @dev The current target weights, for re-posting them.
    function _weights() internal view returns (uint64[] memory w, uint64 cashWeight) {
        IBallastVault.ComponentView[] memory cs = vault.components();
        w = new uint64[](cs.length);
        for (uint256 i; i < cs.length; ++i) {
            w[i] = cs[i].targetWeight;
        }
        cashWeight = vault.cashTargetWeight();
    }

    /// @dev Cash to spend on component `i` to bring it to its target at the epoch's opening NAV.
    function _buyAmount(uint256 i) internal view returns (uint256) {
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        IBallastVault.ComponentView memory c = vault.components()[i];
        uint256 target = (uint256(e.navAtOpen) - e.reserved) * c.targetWeight / 1e18;
        uint256 value = c.balance * oracle.price(c.token) / 1e36;
        return target > value ? target - value : 0;
    }

    function _queue() internal view returns (IRedemptionQueue) {
        return IRedemptionQueue(address(queue));
    }
}
