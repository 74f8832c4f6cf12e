// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";

import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {VaultFixture} from "../utils/VaultFixture.sol";

/// @notice deposit, mint and depositWithPermit: the one-transaction entry.
contract DepositTest is VaultFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    function setUp() public {
        _deployVault(5, 6);
        _deposit(makeAddr("early"), 100_000e6);
        _investAtTargets();
    }

    function test_deposit_mintsSharesAtNav_andKeepsCash() public {
        uint256 navBefore = vault.totalAssets();
        uint256 supplyBefore = vault.totalSupply();
        uint256 cashBefore = vault.cash();
        uint256 expected = vault.previewDeposit(1000e6);

        usdc.mint(alice, 1000e6);
        vm.startPrank(alice);
        usdc.approve(address(vault), 1000e6);
        vm.expectEmit(true, true, false, true, address(vault));
        emit IERC4626.Deposit(alice, alice, 1000e6, expected);
        uint256 shares = vault.deposit(1000e6, alice);
        vm.stopPrank();

        assertEq(shares, expected, "shares == preview");
        assertEq(vault.balanceOf(alice), shares);
        assertEq(vault.cash(), cashBefore + 1000e6, "new money sits in the cash leg");
        assertEq(usdc.balanceOf(alice), 0);
        // Price per share does not drop for existing holders.
        assertGe(
            Math.mulDiv(vault.totalAssets(), 1e18, vault.totalSupply()),
            Math.mulDiv(navBefore, 1e18, supplyBefore),
            "share price of existing holders"
        );
    }

    function test_deposit_forAnotherReceiver() public {
        usdc.mint(alice, 500e6);
        vm.startPrank(alice);
        usdc.approve(address(vault), 500e6);
        uint256 shares = vault.deposit(500e6, bob);
        vm.stopPrank();
        assertEq(vault.balanceOf(bob), shares);
        assertEq(vault.balanceOf(alice), 0);
    }

    function test_deposit_withEntryFee_sharesToRecipient() public {
        vm.prank(owner);
        vault.setFees(0, 50, 0); // 0.5%
        uint256 noFeeShares = vault.convertToShares(1000e6);
        uint256 shares = _deposit(alice, 1000e6);
        uint256 feeShares = vault.balanceOf(feeRecipient);
        assertApproxEqRel(shares, noFeeShares * 995 / 1000, 1e12, "receiver gets 99.5%");
        assertApproxEqRel(feeShares, noFeeShares * 5 / 1000, 1e12, "recipient gets 0.5%");
        assertLe(shares + feeShares, noFeeShares, "never more than the assets are worth");
    }

    function test_deposit_slippageBound() public {
        uint256 expected = vault.previewDeposit(1000e6);
        usdc.mint(alice, 1000e6);
        vm.startPrank(alice);
        usdc.approve(address(vault), 1000e6);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.SharesBelowMinimum.selector, expected, expected + 1));
        vault.deposit(1000e6, alice, expected + 1);
        uint256 shares = vault.deposit(1000e6, alice, expected);
        vm.stopPrank();
        assertEq(shares, expected);
    }

    function test_deposit_revertsWhenPaused() public {
        vm.prank(guardian);
        vault.setDepositsPaused(true);
        assertEq(vault.maxDeposit(alice), 0);
        assertEq(vault.maxMint(alice), 0);
        usdc.mint(alice, 1e6);
        vm.startPrank(alice);
        usdc.approve(address(vault), 1e6);
        vm.expectRevert(IBallastVault.DepositsPaused.selector);
        vault.deposit(1e6, alice);
        vm.expectRevert(IBallastVault.DepositsPaused.selector);
        vault.mint(1e18, alice);
        vm.stopPrank();
    }

    function test_deposit_capAndMinimum() public {
        uint256 nav = vault.totalAssets();
        vm.prank(owner);
        vault.setDepositLimits(nav + 1000e6, 10e6);
        assertEq(vault.maxDeposit(alice), 1000e6);

        usdc.mint(alice, 2000e6);
        vm.startPrank(alice);
        usdc.approve(address(vault), 2000e6);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.DepositBelowMinimum.selector, 9e6, 10e6));
        vault.deposit(9e6, alice);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.ExceededMaxDeposit.selector, alice, 1001e6, 1000e6));
        vault.deposit(1001e6, alice);
        vault.deposit(1000e6, alice);
        vm.stopPrank();
        assertEq(vault.maxDeposit(alice), 0, "cap reached");
    }

    function test_deposit_zeroSharesReverts() public {
        usdc.mint(alice, 1);
        vm.startPrank(alice);
        usdc.approve(address(vault), 1);
        // 1 base unit still buys shares thanks to the decimals offset; zero assets never do.
        vm.expectRevert(IBallastVault.ZeroAmount.selector);
        vault.deposit(0, alice);
        vm.stopPrank();
    }

    function test_deposit_zeroReceiverReverts() public {
        vm.expectRevert(IBallastVault.ZeroAddress.selector);
        vault.deposit(1e6, address(0));
    }

    function test_deposit_stalePriceRefused() public {
        vm.warp(block.timestamp + HEARTBEAT + 1);
        feeds[0].setAnswer(60_000e8); // only the first feed is fresh
        usdc.mint(alice, 1e6);
        vm.startPrank(alice);
        usdc.approve(address(vault), 1e6);
        vm.expectRevert(
            abi.encodeWithSelector(IBallastVault.InvalidPrice.selector, address(tokens[1]), address(oracle))
        );
        vault.deposit(1e6, alice);
        vm.stopPrank();
        assertEq(vault.maxDeposit(alice), 0);
        // totalAssets does not revert; the stale components count as zero there.
        uint256 fresh = Math.mulDiv(vault.components()[0].balance, oracle.price(address(tokens[0])), 1e36);
        assertEq(vault.totalAssets(), vault.cash() + fresh);
        (, bool valid, address invalidToken) = vault.nav();
        assertFalse(valid);
        assertEq(invalidToken, address(tokens[1]));
    }

    function test_mint_takesPreviewAssets() public {
        uint256 shares = 123e18;
        uint256 assets = vault.previewMint(shares);
        usdc.mint(alice, assets);
        vm.startPrank(alice);
        usdc.approve(address(vault), assets);
        uint256 paid = vault.mint(shares, alice);
        vm.stopPrank();
        assertEq(paid, assets);
        assertEq(vault.balanceOf(alice), shares);
        assertEq(usdc.balanceOf(alice), 0);
    }

    function test_mint_maxAssetsBound() public {
        uint256 shares = 10e18;
        uint256 assets = vault.previewMint(shares);
        usdc.mint(alice, assets);
        vm.startPrank(alice);
        usdc.approve(address(vault), assets);
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.AssetsAboveMaximum.selector, assets, assets - 1));
        vault.mint(shares, alice, assets - 1);
        vault.mint(shares, alice, assets);
        vm.stopPrank();
    }

    function test_mint_withEntryFee_paysMoreThanConversion() public {
        vm.prank(owner);
        vault.setFees(0, 100, 0);
        uint256 shares = 1000e18;
        uint256 assets = vault.previewMint(shares);
        assertGt(assets, vault.convertToAssets(shares) * 1009 / 1000, "fee on top");
        usdc.mint(alice, assets);
        vm.startPrank(alice);
        usdc.approve(address(vault), assets);
        vault.mint(shares, alice);
        vm.stopPrank();
        assertGt(vault.balanceOf(feeRecipient), 0);
    }

    function test_mint_capEnforced() public {
        uint256 nav = vault.totalAssets();
        vm.prank(owner);
        vault.setDepositLimits(nav + 100e6, 0);
        uint256 maxShares = vault.maxMint(alice);
        uint256 assets = vault.previewMint(maxShares + 1e18);
        usdc.mint(alice, assets);
        vm.startPrank(alice);
        usdc.approve(address(vault), assets);
        vm.expectRevert();
        vault.mint(maxShares + 1e18, alice);
        vault.mint(maxShares, alice);
        vm.stopPrank();
    }

    function test_depositWithPermit_oneTransaction() public {
        (address signer, uint256 pk) = makeAddrAndKey("permit-user");
        usdc.mint(signer, 2000e6);
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = _permitDigest(signer, 2000e6, deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        uint256 expected = vault.previewDeposit(2000e6);
        vm.prank(signer);
        uint256 shares = vault.depositWithPermit(2000e6, signer, expected, deadline, v, r, s);
        assertEq(shares, expected);
        assertEq(usdc.balanceOf(signer), 0);
    }

    function test_depositWithPermit_frontRunPermitStillDeposits() public {
        (address signer, uint256 pk) = makeAddrAndKey("permit-user");
        usdc.mint(signer, 1000e6);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, _permitDigest(signer, 1000e6, deadline));
        // Someone front-runs the permit itself; the deposit must still go through on the allowance it set.
        usdc.permit(signer, address(vault), 1000e6, deadline, v, r, s);
        vm.prank(signer);
        uint256 shares = vault.depositWithPermit(1000e6, signer, 0, deadline, v, r, s);
        assertGt(shares, 0);
    }

    function test_depositWithPermit_badSignatureWithoutAllowanceReverts() public {
        (address signer,) = makeAddrAndKey("permit-user");
        usdc.mint(signer, 1000e6);
        vm.prank(signer);
        vm.expectRevert();
        vault.depositWithPermit(1000e6, signer, 0, block.timestamp, 27, bytes32(0), bytes32(0));
        assertEq(usdc.balanceOf(signer), 1000e6, "nothing taken");
    }

    function test_fuzz_deposit_neverBelowPreview(uint256 assets, uint16 entryBps) public {
        assets = bound(assets, 1, 1e15);
        entryBps = uint16(bound(entryBps, 0, 100));
        vm.prank(owner);
        vault.setFees(0, entryBps, 0);
        uint256 preview = vault.previewDeposit(assets);
        vm.assume(preview > 0);
        uint256 shares = _deposit(alice, assets);
        assertEq(shares, preview);
        // Redeeming at once (no lock set here) never returns more than was put in.
        vm.prank(alice);
        uint256 back = vault.previewRedeem(shares);
        assertLe(back, assets);
    }

    function _permitDigest(address signer, uint256 value, uint256 deadline) internal view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                signer,
                address(vault),
                value,
                usdc.nonces(signer),
                deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", usdc.DOMAIN_SEPARATOR(), structHash));
    }
}
