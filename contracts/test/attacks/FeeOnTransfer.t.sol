// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {FeeOnTransferToken} from "../utils/weird/FeeOnTransferToken.sol";
import {AttackFixture} from "./AttackFixture.sol";

/// @notice ATTACK 5 — fee-on-transfer token. Were it listed, every inflow would be booked at the amount sent while
/// less arrived, and the vault would owe more than it holds. The listing probe (a transfer in and back out, measured
/// by the vault's own balance) refuses it with `TransferAmountMismatch`.
contract FeeOnTransferAttackTest is AttackFixture {
    uint256 internal constant PROBE = 1e18;

    function setUp() public {
        _deployVault(2, 6);
    }

    function _tryList(FeeOnTransferToken fot, uint256 probe) internal {
        _configureFeed(address(fot), 1e8);
        fot.mint(owner, probe);
        vm.startPrank(owner);
        fot.approve(address(vault), probe);
        vault.listComponent(address(fot), oracle, probe);
        vm.stopPrank();
    }

    function test_attack_feeOnTransfer_refusedAtListing() public {
        FeeOnTransferToken fot = new FeeOnTransferToken(18, 100); // 1% on every transfer
        vm.expectRevert(
            abi.encodeWithSelector(IBallastVault.TransferAmountMismatch.selector, address(fot), PROBE, PROBE * 99 / 100)
        );
        this.listAsOwner(fot, PROBE);
        assertEq(vault.componentCount(), 2, "listed anyway");
    }

    function test_attack_feeOnTransferFromOnly_refusedAtListing() public {
        FeeOnTransferToken fot = new FeeOnTransferToken(18, 0);
        fot.setFee(30, false, true); // 0.3% on transferFrom only
        vm.expectRevert(
            abi.encodeWithSelector(
                IBallastVault.TransferAmountMismatch.selector, address(fot), PROBE, PROBE - PROBE * 30 / 10_000
            )
        );
        this.listAsOwner(fot, PROBE);
    }

    function test_fuzz_attack_feeOnTransfer_refusedAtListing(uint256 feeBps, uint256 probe) public {
        feeBps = bound(feeBps, 1, 10_000);
        probe = bound(probe, 10_000, 1e30); // large enough for any fee to be at least one unit
        FeeOnTransferToken fot = new FeeOnTransferToken(18, feeBps);
        vm.expectRevert(
            abi.encodeWithSelector(
                IBallastVault.TransferAmountMismatch.selector, address(fot), probe, probe - probe * feeBps / 10_000
            )
        );
        this.listAsOwner(fot, probe);
    }

    /// @notice Informational: a fee charged only on transfers OUT of the vault (taken from what the receiver gets)
    /// passes the probe, which measures the vault's own balance. The vault's accounting stays exact (its balance falls
    /// by what it books); it is the in-kind receiver who gets less, as that token would do to anyone.
    function test_outboundOnlyReceiverSideFee_passesProbe_accountingStaysExact() public {
        FeeOnTransferToken fot = new FeeOnTransferToken(18, 0);
        fot.setFee(100, true, false);
        _listWeird(address(fot), 1e8, PROBE);
        assertEq(fot.balanceOf(owner), PROBE * 99 / 100, "the owner's probe came back short");
        _setEqualWeights();
        uint256 shares = _deposit(alice, 10_000e6);
        _investAtTargets();
        vm.prank(alice);
        (uint256[] memory amounts,) = vault.redeemInKind(shares, alice, alice);
        assertEq(fot.balanceOf(alice), amounts[2] - amounts[2] / 100, "the receiver pays the token's fee");
        assertEq(fot.balanceOf(address(vault)), _accounted(2), "the vault's accounting drifted");
    }

    function listAsOwner(FeeOnTransferToken fot, uint256 probe) external {
        _tryList(fot, probe);
    }
}
