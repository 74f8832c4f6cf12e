// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RebasingToken} from "../utils/weird/RebasingToken.sol";
import {AttackFixture} from "./AttackFixture.sol";

/// @notice Why the owner must not list rebasing tokens (IBallastVault ASSUMPTIONS): the one-shot probe cannot see a
/// rebase, so such a token lists fine. Its positive rebases are donations (ignored by NAV, skimmable by the owner, not
/// the holders' yield); its negative rebases leave the vault holding less than it accounts for, so the last in-kind
/// payout of it cannot be made and stays owed.
contract RebasingTokenTest is AttackFixture {
    RebasingToken internal reb;
    uint256 internal aliceShares;

    function setUp() public {
        _deployVault(1, 6);
        reb = new RebasingToken(18);
        _listWeird(address(reb), 1e8, 1e18); // the probe passes: nothing tells a rebasing token apart
        _setEqualWeights();
        aliceShares = _deposit(alice, 10_000e6);
        _investAtTargets();
    }

    function test_positiveRebase_isIgnoredByNav_andSkimmable() public {
        uint256 nav = vault.totalAssets();
        uint256 held = reb.balanceOf(address(vault));
        reb.rebase(11_000); // +10%
        assertEq(vault.totalAssets(), nav, "a rebase moved NAV");
        vm.prank(owner);
        uint256 skimmed = vault.skim(address(reb), treasury);
        assertApproxEqAbs(skimmed, held / 10, 2);
    }

    function test_negativeRebase_leavesVaultShort_payoutDeferredAndUncovered() public {
        reb.rebase(9000); // -10%
        assertLt(reb.balanceOf(address(vault)), _accounted(1), "the vault should now be short");
        // Alice (10/11 of the supply) leaves in kind: her share of the accounted balance exceeds what the vault
        // holds, so that transfer fails and is deferred, and her claim cannot be paid either.
        vm.prank(alice);
        (uint256[] memory amounts,) = vault.redeemInKind(aliceShares, alice, alice);
        assertEq(reb.balanceOf(alice), 0);
        assertEq(vault.owed(alice, address(reb)), amounts[1], "the failed payout was not deferred");
        assertGt(amounts[1], reb.balanceOf(address(vault)), "the debt is covered");
        assertEq(tokens[0].balanceOf(alice), amounts[0], "the other component was not paid");
        vm.prank(alice);
        vm.expectRevert(); // the token's own underflow
        vault.claimOwed(address(reb), alice);
    }
}
