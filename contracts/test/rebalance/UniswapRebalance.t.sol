// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBallastRebalancer} from "../../src/interfaces/IBallastRebalancer.sol";
import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {UniswapRebalanceFixture} from "../utils/UniswapRebalanceFixture.sol";

/// @notice A year in the life of the vault on REAL Uniswap V3 pools: the first investment of the basket from cash, a
/// weekly rebalance after price moves, a switch to risk-off and the switch back; every transaction through the
/// rebalancer's bounds and the real adapter and router. Gas of each step goes to `snapshots/Rebalance.json`. Tests run
/// in isolate mode, so each keeper transaction is measured as its own transaction (21,000 base cost included).
contract UniswapRebalanceTest is UniswapRebalanceFixture {
    uint256 internal constant POOL_VALUE = 100_000_000e6;

    function _setUpN(uint256 n) internal {
        _deployWorld(n, POOL_VALUE);
        _deposit(makeAddr("alice"), 600_000e6);
        _deposit(makeAddr("bob"), 300_000e6);
        _deposit(makeAddr("carol"), 100_000e6);
    }

    function _equalWeights(uint256 n) internal pure returns (uint64[] memory w, uint64 cashWeight) {
        w = new uint64[](n);
        uint256 each = 0.95e18 / n;
        for (uint256 i; i < n; ++i) {
            w[i] = uint64(each);
        }
        cashWeight = uint64(1e18 - each * n);
    }

    function _assertWithinBands() internal view {
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        uint256 investable = uint256(e.navAtOpen) - e.reserved;
        uint256 band = uint256(e.navAtOpen) * rebalancer.config().bandWad / 1e18;
        IBallastVault.ComponentView[] memory cs = vault.components();
        for (uint256 i; i < cs.length; ++i) {
            uint256 value = cs[i].balance * oracle.price(cs[i].token) / 1e36;
            uint256 target = investable * cs[i].targetWeight / 1e18;
            assertApproxEqAbs(value, target, band, "component inside its band");
        }
        uint256 cashTarget = investable * vault.cashTargetWeight() / 1e18 + e.reserved;
        assertApproxEqAbs(vault.cash(), cashTarget, band, "cash inside its band");
    }

    /// @dev Runs the whole year and records the gas of each step for N components.
    function _year(uint256 n) internal {
        _setUpN(n);
        string memory sfx = string.concat("_N", vm.toString(n));
        (uint64[] memory w, uint64 cw) = _equalWeights(n);
        _firstInvestment(sfx, w, cw);
        _weeklyRebalance(n, sfx, w, cw);
        _riskOff(sfx);
        _riskOn(sfx, w, cw);
    }

    /// @dev 1. First investment from cash.
    function _firstInvestment(string memory sfx, uint64[] memory w, uint64 cw) internal {
        vm.prank(keeper);
        rebalancer.openEpoch(1, w, cw);
        uint256 gasOpen = vm.lastCallGas().gasTotalUsed;
        uint256 gas = gasOpen + _rebalanceAll(1);
        vm.prank(keeper);
        rebalancer.closeEpoch(1);
        uint256 gasClose = vm.lastCallGas().gasTotalUsed;
        _assertWithinBands();
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        assertLe(e.loss, uint256(e.navAtOpen) * 60 / 10_000, "pool fees and impact only");
        vm.snapshotValue("Rebalance", string.concat("openEpoch", sfx), gasOpen);
        vm.snapshotValue("Rebalance", string.concat("closeEpoch", sfx), gasClose);
        vm.snapshotValue("Rebalance", string.concat("firstInvestment_total", sfx), gas + gasClose);
        vm.snapshotValue("Rebalance", string.concat("firstInvestment_trades", sfx), e.trades);
    }

    /// @dev 2. A week later, prices have moved: a third of the basket up 35%, a third down 30%.
    function _weeklyRebalance(uint256 n, string memory sfx, uint64[] memory w, uint64 cw) internal {
        vm.warp(block.timestamp + 7 days);
        _refreshFeeds();
        for (uint256 i; i < n; ++i) {
            if (i % 3 == 0) _movePriceEverywhere(i, 13_500);
            else if (i % 3 == 1) _movePriceEverywhere(i, 7000);
        }
        vm.prank(keeper);
        rebalancer.openEpoch(2, w, cw);
        uint256 gas = vm.lastCallGas().gasTotalUsed + _rebalanceAll(2);
        vm.prank(keeper);
        rebalancer.closeEpoch(2);
        gas += vm.lastCallGas().gasTotalUsed;
        _assertWithinBands();
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        vm.snapshotValue("Rebalance", string.concat("weeklyRebalance_total", sfx), gas);
        vm.snapshotValue("Rebalance", string.concat("weeklyRebalance_trades", sfx), e.trades);
        vm.snapshotValue(
            "Rebalance", string.concat("weeklyRebalance_turnoverBps", sfx), uint256(e.turnover) * 10_000 / e.navAtOpen
        );
    }

    /// @dev 3. The market turns: switch to risk-off and sell the basket.
    function _riskOff(string memory sfx) internal {
        vm.warp(block.timestamp + 1 days);
        _refreshFeeds();
        vm.prank(keeper);
        rebalancer.switchRegime(3, IBallastRebalancer.Regime.RiskOff, 1, new uint64[](0), 0);
        uint256 gas = vm.lastCallGas().gasTotalUsed + _rebalanceAll(3);
        vm.prank(keeper);
        rebalancer.closeEpoch(3);
        gas += vm.lastCallGas().gasTotalUsed;
        assertGe(_weightOfCash(), 0.99e18, "at least 99% of NAV in cash");
        vm.snapshotValue("Rebalance", string.concat("riskOff_total", sfx), gas);
    }

    /// @dev 4. After the dwell, back to the index.
    function _riskOn(string memory sfx, uint64[] memory w, uint64 cw) internal {
        vm.warp(block.timestamp + 3 days);
        _refreshFeeds();
        vm.prank(keeper);
        rebalancer.switchRegime(4, IBallastRebalancer.Regime.RiskOn, 2, w, cw);
        uint256 gas = vm.lastCallGas().gasTotalUsed + _rebalanceAll(4);
        vm.prank(keeper);
        rebalancer.closeEpoch(4);
        gas += vm.lastCallGas().gasTotalUsed;
        _assertWithinBands();
        vm.snapshotValue("Rebalance", string.concat("riskOn_total", sfx), gas);
    }

    /// forge-config: default.isolate = true
    function test_year_N10() public {
        _year(10);
    }

    /// forge-config: default.isolate = true
    function test_year_N25() public {
        _year(25);
    }

    /// forge-config: default.isolate = true
    function test_year_N50() public {
        _year(50);
    }

    /// forge-config: default.isolate = true
    function test_year_N100() public {
        _year(100);
    }

    /// forge-config: default.isolate = true
    function test_gas_oneTrade() public {
        _setUpN(10);
        (uint64[] memory w, uint64 cw) = _equalWeights(10);
        vm.prank(keeper);
        rebalancer.openEpoch(1, w, cw);
        IBallastRebalancer.Trade[] memory ts = _one(_v3Trade(address(usdc), address(tokens[3]), 50_000e6));
        vm.prank(keeper);
        rebalancer.executeTrades(1, 0, ts);
        vm.snapshotGasLastCall("Rebalance", "oneTrade_buy");
        assertGt(vault.components()[3].balance, 0);
    }
}
