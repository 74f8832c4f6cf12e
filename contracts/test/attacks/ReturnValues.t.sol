// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {BallastVault} from "../../src/BallastVault.sol";
import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {MissingReturnToken} from "../utils/weird/MissingReturnToken.sol";
import {ReturnsFalseToken} from "../utils/weird/ReturnsFalseToken.sol";
import {AttackFixture} from "./AttackFixture.sol";

/// @notice ATTACK 6 — return values. A USDT-style token returns nothing (a vault decoding a bool would revert and lock
/// it in); a ZRX-style token returns `false` instead of reverting (a vault ignoring it would mint Mallory shares for a
/// deposit that never arrived). SafeERC20 everywhere: the first works as a component and as the asset, the second is
/// refused when it fails (listing, deposit) and deferred when an in-kind payout fails.
contract ReturnValuesAttackTest is AttackFixture {
    function setUp() public {
        _deployVault(2, 6);
    }

    /*//////////////////////////////////////////////////////////////
                            MISSING RETURN VALUE
    //////////////////////////////////////////////////////////////*/

    function test_missingReturn_worksAsComponent_probeInKindAndSkim() public {
        MissingReturnToken mrt = new MissingReturnToken(6); // like USDT
        _listWeird(address(mrt), 1e8, 1e6);
        assertEq(vault.componentCount(), 3);
        assertEq(mrt.balanceOf(owner), 1e6, "the probe did not come back");
        _setEqualWeights();
        uint256 shares = _deposit(alice, 30_000e6);
        _investAtTargets();
        assertGt(_accounted(2), 0);

        (uint256[] memory preview,) = lens.previewRedeemInKind(vault, shares);
        vm.prank(alice);
        (uint256[] memory amounts,) = vault.redeemInKind(shares, alice, alice);
        assertEq(amounts[2], preview[2]);
        assertEq(mrt.balanceOf(alice), amounts[2], "in-kind payout of a no-return token failed");
        assertEq(vault.owed(alice, address(mrt)), 0, "deferred instead of paid");

        mrt.mint(address(vault), 5e6); // a donation
        vm.prank(owner);
        assertEq(vault.skim(address(mrt), treasury), 5e6);
        assertEq(mrt.balanceOf(treasury), 5e6);
        assertEq(mrt.balanceOf(address(vault)), _accounted(2));
    }

    function test_missingReturn_worksAsAsset_depositWithdrawRedeemInKind() public {
        MissingReturnToken cashToken = new MissingReturnToken(6);
        BallastVault v = _deployVaultWithAsset(address(cashToken));
        cashToken.mint(alice, 10_000e6);
        _approveAs(alice, address(cashToken), address(v), type(uint256).max);

        vm.startPrank(alice);
        uint256 shares = v.deposit(10_000e6, alice);
        assertEq(cashToken.balanceOf(alice), 0);
        uint256 burned = v.withdraw(4000e6, alice, alice);
        uint256 out = v.redeem(shares / 4, alice, alice);
        (, uint256 cashOut) = v.redeemInKind(v.balanceOf(alice), alice, alice);
        vm.stopPrank();

        assertGt(burned, 0);
        assertEq(cashToken.balanceOf(alice), 4000e6 + out + cashOut);
        assertApproxEqAbs(cashToken.balanceOf(alice), 10_000e6, 2, "alice lost money");
        assertEq(v.balanceOf(alice), 0);
        assertEq(cashToken.balanceOf(address(v)), v.cash());
    }

    /*//////////////////////////////////////////////////////////////
                               RETURNS FALSE
    //////////////////////////////////////////////////////////////*/

    function test_attack_returnsFalse_brokenTokenRefusedAtListing() public {
        ReturnsFalseToken rft = new ReturnsFalseToken(18);
        rft.setBroken(true);
        _configureFeed(address(rft), 1e8);
        rft.mint(owner, 1e18);
        vm.startPrank(owner);
        rft.approve(address(vault), 1e18);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(rft)));
        vault.listComponent(address(rft), oracle, 1e18);
        vm.stopPrank();
    }

    function test_attack_returnsFalse_asAsset_depositWithoutFundsMintsNothing() public {
        ReturnsFalseToken cashToken = new ReturnsFalseToken(6);
        BallastVault v = _deployVaultWithAsset(address(cashToken));
        uint256 supply = v.totalSupply();

        // Mallory has no tokens, or an allowance too small: the token answers `false` and moves nothing.
        cashToken.mint(mallory, 10e6);
        vm.startPrank(mallory);
        cashToken.approve(address(v), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(cashToken)));
        v.deposit(1_000_000e6, mallory);
        cashToken.approve(address(v), 1e6);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(cashToken)));
        v.mint(5e18, mallory);
        vm.stopPrank();
        assertEq(v.balanceOf(mallory), 0, "shares for nothing");
        assertEq(v.totalSupply(), supply);
        assertEq(v.cash(), cashToken.balanceOf(address(v)));
    }

    function test_attack_returnsFalse_componentThatStartsFailing_isDeferredNotLost() public {
        ReturnsFalseToken rft = new ReturnsFalseToken(18);
        _listWeird(address(rft), 3e8, 1e18); // works while it behaves
        _setEqualWeights();
        uint256 shares = _deposit(alice, 30_000e6);
        _investAtTargets();
        rft.setBroken(true);

        (uint256[] memory preview,) = lens.previewRedeemInKind(vault, shares);
        vm.expectEmit(address(vault));
        emit IBallastVault.InKindTransferDeferred(address(rft), alice, preview[2]);
        vm.prank(alice);
        (uint256[] memory amounts,) = vault.redeemInKind(shares, alice, alice);
        assertEq(rft.balanceOf(alice), 0);
        assertEq(vault.owed(alice, address(rft)), amounts[2]);
        assertEq(tokens[0].balanceOf(alice), amounts[0], "the failing token blocked the others");

        // The claim fails loudly while the token fails, and pays once it works.
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(rft)));
        vault.claimOwed(address(rft), alice);
        rft.setBroken(false);
        vm.prank(alice);
        assertEq(vault.claimOwed(address(rft), alice), amounts[2]);
        assertEq(rft.balanceOf(alice), amounts[2]);
        assertEq(rft.balanceOf(address(vault)), _accounted(2));
    }
}
