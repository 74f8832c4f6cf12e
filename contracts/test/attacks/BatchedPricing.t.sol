// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {IAggregatorV3} from "../../src/interfaces/IAggregatorV3.sol";
import {VaultMath} from "../../src/libraries/VaultMath.sol";
import {ChainlinkPriceSource} from "../../src/oracles/ChainlinkPriceSource.sol";
import {GasGuzzlingPriceSource, ReturnBombPriceSource} from "../utils/weird/MaliciousPriceSources.sol";
import {AttackFixture} from "./AttackFixture.sol";

/// @notice A feed that burns all the gas it is given.
contract GuzzlingFeed {
    uint8 public constant decimals = 8;

    function latestRoundData() external pure returns (uint80, int256, uint256, uint256, uint80) {
        uint256 spins;
        assembly ("memory-safe") {
            for {} 1 {} { spins := add(spins, 1) }
        }
        return (0, 0, 0, 0, 0);
    }
}

/// @notice A feed that answers a valid round followed by 64 KiB of junk (a return bomb).
contract BombFeed {
    uint8 public constant decimals = 8;

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        uint256 t = block.timestamp;
        assembly ("memory-safe") {
            mstore(0, 1)
            mstore(0x20, 100000000)
            mstore(0x40, t)
            mstore(0x60, t)
            mstore(0x80, 1)
            return(0, 65536)
        }
    }
}

/// @notice ATTACK 8b — batched pricing (`IPriceSource.prices`). The vault prices the components of one source in
/// batches of up to `VaultMath.PRICE_BATCH` keys with `PRICE_GAS` per key. One bad key (a stale, gas-burning or
/// return-bombing feed inside the hub) spoils only its own component; a source that fails as a whole spoils only the
/// components it prices; a caller with too little gas gets `InsufficientGasForPrice`, never a wrongly invalid price.
contract BatchedPricingAttackTest is AttackFixture {
    uint256 internal constant N = 20; // more than one batch

    function setUp() public {
        _deployVault(N, 6);
        _deposit(alice, 90_000e6);
        _investAtTargets();
    }

    function _keys(uint256 n) internal view returns (uint256[] memory keys) {
        keys = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            keys[i] = oracle.priceKey(address(tokens[i]));
        }
    }

    /// @dev NAV with every component but `skip` at its oracle price.
    function _navWithout(uint256 skip) internal view returns (uint256 priced) {
        priced = vault.cash();
        for (uint256 j; j < tokens.length; ++j) {
            if (j != skip) priced += vault.components()[j].balance * oracle.price(address(tokens[j])) / 1e36;
        }
    }

    function test_hubPrices_matchPrice_andIsolateEachKey() public {
        uint256[] memory keys = _keys(N);
        uint256[] memory ps = oracle.prices(keys);
        for (uint256 i; i < N; ++i) {
            assertEq(ps[i], oracle.price(address(tokens[i])));
            assertEq(keys[i], i); // keys are given in configuration order
        }
        // A stale feed, a removed feed and an unknown key each give 0 for themselves only.
        feeds[3].setAnswerAt(1e8, block.timestamp - HEARTBEAT - 1);
        vm.prank(owner);
        oracle.removeFeed(address(tokens[7]));
        keys[11] = 1e9;
        ps = oracle.prices(keys);
        for (uint256 i; i < N; ++i) {
            if (i == 3 || i == 7 || i == 11) assertEq(ps[i], 0);
            else assertEq(ps[i], oracle.price(address(tokens[i])));
        }
        // A removed feed cannot be set again (feeds are set once); the token keeps its key.
        vm.prank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkPriceSource.FeedAlreadySet.selector, address(tokens[7]), address(feeds[7]))
        );
        oracle.setFeed(address(tokens[7]), IAggregatorV3(address(feeds[7])), HEARTBEAT);
        assertEq(oracle.priceKey(address(tokens[7])), 7);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.TokenNotConfigured.selector, mallory));
        oracle.priceKey(mallory);
    }

    function test_staleFeedInSecondBatch_onlyItsComponentIsInvalid() public {
        uint256 expected = _navWithout(17);
        feeds[17].setAnswerAt(1e8, block.timestamp - HEARTBEAT - 1);
        (uint256 assets, bool valid, address invalid) = vault.nav();
        assertFalse(valid);
        assertEq(invalid, address(tokens[17]));
        assertApproxEqAbs(assets, expected, N);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.InvalidPrice.selector, address(tokens[17]), oracle));
        vault.redeem(1e18, alice, alice);
    }

    function test_gasBurningFeedInsideTheHub_onlyItsComponentIsInvalid() public {
        uint256 expected = _navWithout(5);
        // Feeds are set once, so the token's own feed turns bad (as a compromised feed proxy would).
        vm.etch(address(feeds[5]), address(new GuzzlingFeed()).code);
        uint256 before = gasleft();
        (bool ok, bytes memory ret) = address(vault).staticcall{gas: 5_000_000}(abi.encodeCall(vault.nav, ()));
        uint256 used = before - gasleft();
        assertTrue(ok, "nav reverted");
        (uint256 assets, bool valid, address invalid) = abi.decode(ret, (uint256, bool, address));
        assertFalse(valid);
        assertEq(invalid, address(tokens[5]));
        assertApproxEqAbs(assets, expected, N);
        assertLt(used, 600_000, "the feed burned more than its allowance");
    }

    function test_returnBombFeedInsideTheHub_isReadCheaply() public {
        uint256 g = gasleft();
        vault.totalAssets();
        uint256 honestGas = g - gasleft();
        // Feeds are set once, so the token's own feed turns into the bomb (as a compromised feed proxy would).
        vm.etch(address(feeds[2]), address(new BombFeed()).code);
        (uint256 assets, bool valid,) = vault.nav();
        assertTrue(valid);
        assertGt(assets, 0);
        g = gasleft();
        vault.totalAssets();
        // The bomb's memory is paid inside its allowance; the hub copies five words of it.
        assertLt(g - gasleft(), honestGas + VaultMath.PRICE_GAS, "the hub copied the returned payload");
    }

    /// @notice A source that burns its gas on 18 components (two batches): `totalAssets` answers with enough gas and
    /// values them at zero; with too little gas for a whole batch's allowance it reverts instead of calling them invalid.
    function test_gasBurningSource_manyComponents_needsTheAllowanceNotMore() public {
        GasGuzzlingPriceSource src = new GasGuzzlingPriceSource(oracle);
        vm.startPrank(owner);
        for (uint256 i; i < 18; ++i) {
            vault.setPriceSource(address(tokens[i]), src);
        }
        vm.stopPrank();
        src.arm();
        uint256 expected = vault.cash();
        for (uint256 j = 18; j < N; ++j) {
            expected += vault.components()[j].balance * oracle.price(address(tokens[j])) / 1e36;
        }
        (bool ok, bytes memory ret) = address(vault).staticcall{gas: 5_000_000}(abi.encodeCall(vault.nav, ()));
        assertTrue(ok, "nav reverted with the allowance available");
        (uint256 assets, bool valid, address invalid) = abi.decode(ret, (uint256, bool, address));
        assertFalse(valid);
        assertEq(invalid, address(tokens[0]));
        assertApproxEqAbs(assets, expected, N);

        uint256 needed = VaultMath.PRICE_BATCH * VaultMath.PRICE_GAS;
        (ok, ret) = address(vault).staticcall{gas: needed}(abi.encodeCall(vault.totalAssets, ()));
        assertFalse(ok);
        assertEq(bytes4(ret), VaultMath.InsufficientGasForPrice.selector);
    }

    /// @notice A batch return bomb whose head is the honest answer is accepted and not copied.
    function test_batchReturnBomb_readsOnlyOneWordPerKey() public {
        uint256 honestNav = vault.totalAssets();
        ReturnBombPriceSource src = new ReturnBombPriceSource(oracle, 64 * 1024, false);
        vm.startPrank(owner);
        for (uint256 i; i < 3; ++i) {
            vault.setPriceSource(address(tokens[i]), src);
        }
        vm.stopPrank();
        src.arm();
        (uint256 assets, bool valid,) = vault.nav();
        assertTrue(valid);
        assertEq(assets, honestNav);
    }

    function test_balanceAbove128Bits_isRefused() public {
        address token = address(tokens[0]);
        uint256 tooMuch = uint256(type(uint128).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(IBallastVault.BalanceAboveMaximum.selector, token, tooMuch, type(uint128).max)
        );
        vault.harnessSetBalance(token, tooMuch);
        vault.harnessSetBalance(token, type(uint128).max);
        assertEq(vault.components()[0].balance, type(uint128).max);
    }
}
