// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBallastRebalancer} from "../../src/interfaces/IBallastRebalancer.sol";
import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {ISwapAdapter} from "../../src/interfaces/ISwapAdapter.sol";
import {RebalanceFixture} from "../utils/RebalanceFixture.sol";

/// @notice Every bound on a keeper's trade is refused with its own error, and nothing moves when it is.
/// Targets: component 0 goes from 19% to 29% (underweight), component 1 from 19% to 9% (overweight).
contract BoundsTest is RebalanceFixture {
    uint256 internal nav;

    function setUp() public {
        _deployVault(5, 6);
        _deployRebalancer();
        _deposit(makeAddr("alice"), 100_000e6);
        _investAtTargets();
        (uint64[] memory w, uint64 cw) = _weights();
        w[0] += 0.1e18;
        w[1] -= 0.1e18;
        vm.prank(keeper);
        rebalancer.openEpoch(1, w, cw);
        nav = rebalancer.currentEpoch().navAtOpen;
    }

    uint32 internal nextIndex;

    function _exec(IBallastRebalancer.Trade memory t) internal {
        vm.prank(keeper);
        rebalancer.executeTrades(1, nextIndex, _one(t));
        ++nextIndex;
    }

    /// @dev Expects the trade to revert with exactly `err`.
    function _fail(IBallastRebalancer.Trade memory t, bytes memory err) internal {
        vm.prank(keeper);
        vm.expectRevert(err);
        rebalancer.executeTrades(1, nextIndex, _one(t));
    }

    /// @dev Expects the trade to revert with `selector`, whatever its arguments.
    function _failWith(IBallastRebalancer.Trade memory t, bytes4 selector) internal {
        vm.prank(keeper);
        vm.expectPartialRevert(selector);
        rebalancer.executeTrades(1, nextIndex, _one(t));
    }

    function _expectNothingMoved(uint256 cashBefore, uint256 bal0, uint256 bal1) internal view {
        assertEq(vault.cash(), cashBefore);
        assertEq(vault.components()[0].balance, bal0);
        assertEq(vault.components()[1].balance, bal1);
        assertEq(rebalancer.currentEpoch().trades, 0);
    }

    /// @dev Amount of component `i` worth `value` asset units at the oracle.
    function _amountOf(uint256 i, uint256 value) internal view returns (uint256) {
        return value * 1e36 / oracle.price(address(tokens[i]));
    }

    function test_sellThenBuy_withinBoundsSucceeds() public {
        uint256 value = nav / 10;
        _exec(_t(address(tokens[1]), address(usdc), _amountOf(1, value)));
        _exec(_t(address(usdc), address(tokens[0]), value * 99 / 100));
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        assertEq(e.trades, 2);
        assertApproxEqRel(e.turnover, value * 199 / 100, 1e15);
        assertLe(e.loss, 2, "oracle-rate fills lose nothing but rounding");
    }

    function test_tradeEvent_reportsOracleValuesAndSlippage() public {
        rateAdapter.setSlippageBps(40);
        uint256 amount = _amountOf(1, 1000e6);
        uint256 valueIn = amount * oracle.price(address(tokens[1])) / 1e36;
        uint256 out = valueIn * 9960 / 10_000;
        vm.expectEmit(true, true, true, true, address(rebalancer));
        emit IBallastRebalancer.TradeExecuted(
            1,
            0,
            address(tokens[1]),
            address(usdc),
            amount,
            out,
            valueIn,
            out,
            int256((valueIn - out) * 10_000 / valueIn)
        );
        _exec(_t(address(tokens[1]), address(usdc), amount));
        assertEq(rebalancer.currentEpoch().loss, valueIn - out);
    }

    function test_adapterNotAllowed() public {
        IBallastRebalancer.Trade memory t = _t(address(tokens[1]), address(usdc), 1e6);
        t.adapter = ISwapAdapter(makeAddr("rogue"));
        _fail(t, abi.encodeWithSelector(IBallastRebalancer.AdapterNotAllowed.selector, address(t.adapter)));
    }

    function test_tradeNotThroughCash() public {
        _fail(
            _t(address(tokens[1]), address(tokens[0]), 1e6),
            abi.encodeWithSelector(
                IBallastRebalancer.TradeNotThroughCash.selector, address(tokens[1]), address(tokens[0])
            )
        );
        _fail(
            _t(address(usdc), address(usdc), 1e6),
            abi.encodeWithSelector(IBallastRebalancer.TradeNotThroughCash.selector, address(usdc), address(usdc))
        );
    }

    function test_unlistedTokenRefused() public {
        address stray = address(_newStray());
        _fail(_t(address(usdc), stray, 1e6), abi.encodeWithSelector(IBallastVault.NotListed.selector, stray));
    }

    function _newStray() internal returns (address) {
        return address(new StrayToken());
    }

    function test_noSellingUnderweight() public {
        uint256 cashBefore = vault.cash();
        uint256 b0 = vault.components()[0].balance;
        uint256 b1 = vault.components()[1].balance;
        uint256 value0 = b0 * oracle.price(address(tokens[0])) / 1e36;
        uint256 target0 = nav * 0.29e18 / 1e18;
        _fail(
            _t(address(tokens[0]), address(usdc), 1e6),
            abi.encodeWithSelector(IBallastRebalancer.NotOverweight.selector, address(tokens[0]), value0, target0)
        );
        _expectNothingMoved(cashBefore, b0, b1);
    }

    function test_noBuyingOverweight() public {
        uint256 b1 = vault.components()[1].balance;
        uint256 value1 = b1 * oracle.price(address(tokens[1])) / 1e36;
        uint256 target1 = nav * 0.09e18 / 1e18;
        _fail(
            _t(address(usdc), address(tokens[1]), 1e6),
            abi.encodeWithSelector(IBallastRebalancer.NotUnderweight.selector, address(tokens[1]), value1, target1)
        );
    }

    function test_noSellingPastTargetMinusBand() public {
        // Selling 10% of NAV lands on target; 10% + band + a bit is refused.
        uint256 band = nav * 0.002e18 / 1e18;
        uint256 amount = _amountOf(1, nav / 10 + band + 10e6);
        _failWith(_t(address(tokens[1]), address(usdc), amount), IBallastRebalancer.Overshoot.selector);
    }

    function test_noBuyingPastTargetPlusBand() public {
        _exec(_t(address(tokens[1]), address(usdc), _amountOf(1, nav / 10)));
        uint256 band = nav * 0.002e18 / 1e18;
        _failWith(_t(address(usdc), address(tokens[0]), nav / 10 + band + 10e6), IBallastRebalancer.Overshoot.selector);
    }

    function test_buysWaitForSells_cashLegBound() public {
        // Cash sits at its 5% target: buying before selling would take it below target minus band.
        uint256 cash = vault.cash();
        uint256 band = nav * 0.002e18 / 1e18;
        uint256 amount = band + 100e6;
        uint256 cashTarget = nav * 0.05e18 / 1e18;
        _fail(
            _t(address(usdc), address(tokens[0]), amount),
            abi.encodeWithSelector(
                IBallastRebalancer.Overshoot.selector, address(usdc), cash - amount, cashTarget, band
            )
        );
    }

    function test_minOutputFromOracle_notFromKeeper() public {
        rateAdapter.setSlippageBps(101); // 1.01% below the oracle, the bound is 1%
        uint256 amount = _amountOf(1, 1000e6);
        (uint256 minOut,) = rebalancer.quoteMinOut(address(tokens[1]), address(usdc), amount);
        _failWith(_t(address(tokens[1]), address(usdc), amount), IBallastVault.TradeOutputTooLow.selector);
        rateAdapter.setSlippageBps(99);
        _exec(_t(address(tokens[1]), address(usdc), amount));
        assertGe(vault.cash(), minOut, "paid at least the bound");
    }

    function test_adapterShortPay_caughtByVaultBalances() public {
        uint256 amount = _amountOf(1, 1000e6);
        rateAdapter.setSlippageBps(100);
        rateAdapter.setShortPay(1);
        _failWith(_t(address(tokens[1]), address(usdc), amount), IBallastVault.TradeOutputTooLow.selector);
    }

    function test_callLossBound() public {
        IBallastRebalancer.Config memory c = rebalancer.config();
        c.maxCallLossBps = 5;
        _ownerNow(address(rebalancer), abi.encodeCall(rebalancer.setConfig, (c)));
        rateAdapter.setSlippageBps(90);
        // 10% of NAV at 0.9% slippage loses 9 bps of NAV > 5.
        _failWith(
            _t(address(tokens[1]), address(usdc), _amountOf(1, nav / 10)), IBallastRebalancer.CallLossExceeded.selector
        );
    }

    function test_epochLossBound_acrossCalls() public {
        IBallastRebalancer.Config memory c = rebalancer.config();
        c.maxEpochLossBps = 6;
        _ownerNow(address(rebalancer), abi.encodeCall(rebalancer.setConfig, (c)));
        rateAdapter.setSlippageBps(90);
        _exec(_t(address(tokens[1]), address(usdc), _amountOf(1, nav / 20))); // ~4.5 bps
        _failWith(
            _t(address(tokens[1]), address(usdc), _amountOf(1, nav / 25)), IBallastRebalancer.EpochLossExceeded.selector
        ); // ~3.6 bps more
    }

    function test_turnoverBound() public {
        IBallastRebalancer.Config memory c = rebalancer.config();
        c.maxTurnoverBps = 500;
        _ownerNow(address(rebalancer), abi.encodeCall(rebalancer.setConfig, (c)));
        _exec(_t(address(tokens[1]), address(usdc), _amountOf(1, nav * 4 / 100)));
        _failWith(
            _t(address(tokens[1]), address(usdc), _amountOf(1, nav * 2 / 100)),
            IBallastRebalancer.TurnoverExceeded.selector
        );
    }

    function test_stalePrice_noTrading() public {
        vm.warp(block.timestamp + HEARTBEAT + 1);
        _fail(
            _t(address(tokens[1]), address(usdc), 1e6),
            abi.encodeWithSelector(IBallastRebalancer.PriceUnavailable.selector, address(tokens[1]))
        );
    }

    function test_onlyRebalancerTradesOnVault() public {
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.Unauthorized.selector, keeper));
        vault.executeTrade(rateAdapter, address(tokens[1]), address(usdc), 1e6, 0, "");
    }

    function test_configOutOfRange() public {
        IBallastRebalancer.Config memory c = rebalancer.config();
        c.maxSlippageBps = 301;
        _ownerNowReverts(
            address(rebalancer),
            abi.encodeCall(rebalancer.setConfig, (c)),
            abi.encodeWithSelector(IBallastRebalancer.ConfigOutOfRange.selector, "maxSlippageBps", 301, 1, 300)
        );
    }
}

/// @dev A token the vault never listed.
contract StrayToken {
    function decimals() external pure returns (uint8) {
        return 18;
    }
}
