// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {IPriceSource} from "../../src/interfaces/IPriceSource.sol";
import {
    ArmablePriceSource,
    RevertingPriceSource,
    GasGuzzlingPriceSource,
    ReturnBombPriceSource,
    ShortReturnPriceSource,
    FixedAnswerPriceSource
} from "../utils/weird/MaliciousPriceSources.sol";
import {AttackFixture} from "./AttackFixture.sol";

/// @notice ATTACK 8 — malicious price source. A source set by the owner turns bad later (compromised, upgraded): it
/// reverts, returns fewer than 32 bytes, zero, an absurd price, or a huge return/revert payload meant to make the
/// vault copy it. `totalAssets`, every `max*` and `convert*` keep answering (the component counts as zero, `max*` are 0),
/// cash paths refuse with `InvalidPrice(token, source)`, and `redeemInKind` pays. A gas-guzzling source is the
/// exception, measured here and in `Findings.t.sol`: the vault forwards all its gas to the source.
contract MaliciousPriceSourceAttackTest is AttackFixture {
    uint256 internal constant VIEW_GAS = 2_000_000;
    uint256 internal aliceShares;

    function setUp() public {
        _deployVault(3, 6);
        aliceShares = _deposit(alice, 90_000e6);
        _investAtTargets();
    }

    /// @dev Puts `src` on component `i` while honest; then arms it.
    function _install(ArmablePriceSource src, uint256 i) internal {
        vm.prank(owner);
        vault.setPriceSource(address(tokens[i]), src);
        src.arm();
    }

    function test_attack_revertingSource() public {
        RevertingPriceSource src = new RevertingPriceSource(oracle);
        _install(src, 1);
        _assertContained(1, address(src));
    }

    function test_attack_shortReturnSource() public {
        ShortReturnPriceSource src = new ShortReturnPriceSource(oracle, 31);
        _install(src, 0);
        _assertContained(0, address(src));
    }

    function test_attack_emptyReturnSource() public {
        ShortReturnPriceSource src = new ShortReturnPriceSource(oracle, 0);
        _install(src, 2);
        _assertContained(2, address(src));
    }

    function test_attack_zeroPriceSource() public {
        FixedAnswerPriceSource src = new FixedAnswerPriceSource(oracle, 0);
        _install(src, 1);
        _assertContained(1, address(src));
    }

    function test_attack_absurdPriceSource() public {
        FixedAnswerPriceSource src = new FixedAnswerPriceSource(oracle, type(uint256).max);
        _install(src, 1);
        _assertContained(1, address(src));
    }

    function test_attack_revertBombSource() public {
        ReturnBombPriceSource src = new ReturnBombPriceSource(oracle, 256 * 1024, true);
        _install(src, 0);
        _assertContained(0, address(src));
    }

    /// @notice A return bomb whose first word is the honest price is ACCEPTED (only 32 bytes are read) and costs the
    /// vault nothing: the source pays for its own memory.
    function test_attack_returnBombSource_readsOneWordOnly() public {
        uint256 honestNav = vault.totalAssets();
        uint256 g = gasleft();
        vault.totalAssets();
        uint256 honestGas = g - gasleft();

        // 64 KiB fits in the source's gas allowance (VaultMath.PRICE_GAS); a larger bomb runs the source out of it.
        ReturnBombPriceSource src = new ReturnBombPriceSource(oracle, 64 * 1024, false);
        _install(src, 0);
        (bool ok, bytes memory ret) = address(vault).staticcall{gas: VIEW_GAS}(abi.encodeCall(vault.totalAssets, ()));
        assertTrue(ok, "totalAssets reverted on a return bomb");
        assertEq(abi.decode(ret, (uint256)), honestNav);
        (, bool valid,) = vault.nav();
        assertTrue(valid);

        g = gasleft();
        vault.totalAssets();
        uint256 bombGas = g - gasleft();
        // The bomb's 64 KiB of memory costs the source ~15k gas; copying it would cost the vault about as much again.
        assertLt(bombGas, honestGas + 25_000, "the vault copied the returned payload");
    }

    /// @notice A gas-guzzling source (one component): the vault gives each price call a fixed allowance
    /// (`VaultMath.PRICE_GAS`), so the views answer and burn only that allowance, not the caller's gas.
    function test_attack_gasGuzzlingSource_oneComponent_burnsOnlyTheAllowance() public {
        GasGuzzlingPriceSource src = new GasGuzzlingPriceSource(oracle);
        _install(src, 1);
        uint256 gasLimit = 5_000_000;
        uint256 before = gasleft();
        (bool ok, bytes memory ret) = address(vault).staticcall{gas: gasLimit}(abi.encodeCall(vault.totalAssets, ()));
        uint256 used = before - gasleft();
        assertTrue(ok, "totalAssets reverted with one guzzling component");
        assertGt(abi.decode(ret, (uint256)), 0);
        assertLt(used, 300_000, "the guzzler burned more than its allowance");
        // The max* views answer 0, and actions refuse with InvalidPrice.
        (ok, ret) = address(vault).staticcall{gas: gasLimit}(abi.encodeCall(vault.maxDeposit, (mallory)));
        assertTrue(ok);
        assertEq(abi.decode(ret, (uint256)), 0);
        vm.prank(alice);
        (ok, ret) = address(vault).call{gas: gasLimit}(
            abi.encodeWithSignature("redeem(uint256,address,address)", 1e18, alice, alice)
        );
        assertFalse(ok);
        assertEq(ret, abi.encodeWithSelector(IBallastVault.InvalidPrice.selector, address(tokens[1]), address(src)));
        // In kind needs no price: cheap and paid.
        vm.prank(alice);
        (uint256[] memory amounts,) = vault.redeemInKind{gas: gasLimit}(aliceShares, alice, alice);
        assertGt(amounts[1], 0);
    }

    /// @dev The story for component `i` whose source `src` turned bad, with every view called under a gas cap.
    function _assertContained(uint256 i, address src) internal {
        address token = address(tokens[i]);
        (, bool valid, address invalid) = vault.nav();
        assertFalse(valid);
        assertEq(invalid, token);

        uint256 priced = vault.cash();
        for (uint256 j; j < tokens.length; ++j) {
            if (j != i) priced += _accounted(j) * oracle.price(address(tokens[j])) / 1e36;
        }
        assertApproxEqAbs(_view(abi.encodeCall(vault.totalAssets, ())), priced, tokens.length);
        assertGt(_view(abi.encodeCall(vault.convertToShares, (1e6))), 0);
        assertGt(_view(abi.encodeCall(vault.convertToAssets, (1e18))), 0);
        assertEq(_view(abi.encodeCall(vault.maxDeposit, (mallory))), 0);
        assertEq(_view(abi.encodeCall(vault.maxMint, (mallory))), 0);
        assertEq(_view(abi.encodeCall(vault.maxWithdraw, (alice))), 0);
        assertEq(_view(abi.encodeCall(vault.maxRedeem, (alice))), 0);

        bytes memory err = abi.encodeWithSelector(IBallastVault.InvalidPrice.selector, token, src);
        usdc.mint(mallory, 1000e6);
        vm.startPrank(mallory);
        usdc.approve(address(vault), 1000e6);
        vm.expectRevert(err);
        vault.deposit(1000e6, mallory);
        vm.expectRevert(err);
        vault.mint(1e18, mallory);
        vm.stopPrank();
        vm.startPrank(alice);
        vm.expectRevert(err);
        vault.redeem(1e18, alice, alice);
        vm.expectRevert(err);
        vault.withdraw(1e6, alice, alice);
        (uint256[] memory amounts, uint256 cashOut) = vault.redeemInKind(aliceShares, alice, alice);
        vm.stopPrank();
        assertGt(cashOut, 0);
        assertEq(tokens[i].balanceOf(alice), amounts[i]);
        assertGt(amounts[i], 0);
        assertEq(vault.balanceOf(alice), 0);
    }

    /// @dev Calls a uint256 view of the vault with `VIEW_GAS`, requiring it not to revert.
    function _view(bytes memory data) internal view returns (uint256) {
        (bool ok, bytes memory ret) = address(vault).staticcall{gas: VIEW_GAS}(data);
        assertTrue(ok, "a view reverted");
        return abi.decode(ret, (uint256));
    }
}
