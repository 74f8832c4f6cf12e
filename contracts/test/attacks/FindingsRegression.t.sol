// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {GasGuzzlingPriceSource} from "../utils/weird/MaliciousPriceSources.sol";
import {FeeOnTransferToken} from "../utils/weird/FeeOnTransferToken.sol";
import {BlockableToken} from "../utils/weird/BlockableToken.sol";
import {AttackFixture} from "./AttackFixture.sol";

/// @notice Regressions of the attack suite's findings: each test states the behaviour the vault promises and failed on
/// the vault before its fix (fixes: a fixed gas allowance per price call, a minimum listing probe, `claimOwed(token,
/// to)`). Each note gives the original sequence.
contract FindingsRegressionTest is AttackFixture {
    uint256 internal constant BLOCK_GAS = 30_000_000;

    function setUp() public {
        _deployVault(4, 6);
        _deposit(alice, 100_000e6);
        _investAtTargets();
    }

    /// @notice FINDING A (medium, availability; needs a bad source, which is owner config): `VaultMath.tryPrice`
    /// forwards ALL remaining gas to the source (`staticcall(gas(), ...)`). A source that burns its gas (an endless
    /// loop, a compromised or upgraded "hub") keeps 63/64 of it at each call. When that source prices two components
    /// (one source serves many tokens by design), the second call leaves 1/4096 of the gas for the rest of `_nav`:
    /// `totalAssets()` (and `convertTo*`, `max*`, `nav()`) REVERT out of gas even with a whole 30M block, against
    /// "totalAssets() never reverts" (IBallastVault ASSUMPTIONS, EIP-4626 MUST). With one component the views still
    /// answer but burn 63/64 of the caller's gas, which breaks any contract that reads them on-chain.
    /// Sequence: owner sets source S (honest) on components 1 and 2 → S turns into a gas sink → totalAssets() OOG.
    /// Proposed fix (VaultMath.tryPrice): forward a fixed stipend, and refuse to call with less than the stipend, so
    /// that a failure always means the source failed, never that the caller starved it:
    ///     uint256 constant PRICE_GAS = 200_000; // a Chainlink proxy read is ~15-30k, a TWAP over a ring ~100k
    ///     if (gasleft() < PRICE_GAS * 64 / 63 + 2_000) revert OutOfGasForPrice(); // or `invalid()`
    ///     ok := staticcall(PRICE_GAS, source, m, 0x24, m, 0x20)
    /// With the stipend, 256 sinks cost at most 256 * 200k = 51M, so also cap the distinct sources per NAV (or set the
    /// stipend to ~100k) if the 256-component bound must hold within one block.
    function test_findingA_gasGuzzlingHubSource_makesTotalAssetsRevert() public {
        GasGuzzlingPriceSource sink = new GasGuzzlingPriceSource(oracle);
        vm.startPrank(owner);
        vault.setPriceSource(address(tokens[1]), sink);
        vault.setPriceSource(address(tokens[2]), sink);
        vm.stopPrank();
        sink.arm();

        (bool ok,) = address(vault).staticcall{gas: BLOCK_GAS}(abi.encodeCall(vault.totalAssets, ()));
        assertTrue(ok, "totalAssets() reverted with a whole block of gas");
        (ok,) = address(vault).staticcall{gas: BLOCK_GAS}(abi.encodeCall(vault.maxRedeem, (alice)));
        assertTrue(ok, "maxRedeem() reverted with a whole block of gas");
    }

    /// @notice FINDING B (low, listing check bypassable by the probe size): the probe refuses a fee-on-transfer token
    /// only if the fee on `probeAmount` is at least one base unit. A percentage fee rounds down to zero on a dust probe
    /// (the fixture and most scripts probe with 1 unit): a 1% fee-on-transfer token passes with any probe below 100
    /// units, and the vault then books every inflow 1% higher than what arrives.
    /// Proposed fix (BallastVault.listComponent): require `probeAmount >= 10 ** dec` (one whole token; for a 0-decimal
    /// token, ask for >= 10_000 units) or a constant minimum such as 1e6 base units, and keep the balance-delta check.
    function test_findingB_dustProbe_letsFeeOnTransferTokenIn() public {
        FeeOnTransferToken fot = new FeeOnTransferToken(18, 100); // 1%
        _configureFeed(address(fot), 1e8);
        fot.mint(owner, 99);
        vm.startPrank(owner);
        fot.approve(address(vault), 99);
        // Before the fix the listing succeeded; now a dust probe is refused outright.
        vm.expectRevert(abi.encodeWithSelector(IBallastVault.ProbeTooSmall.selector, 99, 10_000));
        vault.listComponent(address(fot), oracle, 99);
        vm.stopPrank();
    }

    /// @notice FINDING C (low, funds stuck for a permanently blocked receiver): a deferred in-kind amount can only be
    /// claimed by `receiver` and only to itself (`claimOwed(token)` pays `msg.sender`). If the component's issuer
    /// blocks that address for good (sanctions, a compromised wallet), the amount can never leave the vault and the
    /// owner cannot skim it either (it is tracked in `_totalOwed`). Sequence: Alice is blocklisted on component K →
    /// redeemInKind defers her K → she can never claim it.
    /// Proposed fix: `claimOwed(address token, address to)` paying `to` (the debt stays keyed by the creditor, who
    /// signs the claim), (shipped as the single `claimOwed(token, to)`).
    function test_findingC_permanentlyBlockedReceiver_canRedirectClaim() public {
        BlockableToken blk = new BlockableToken(6);
        _listWeird(address(blk), 1e8, 1e6);
        _setEqualWeights();
        uint256 shares = _deposit(bob, 50_000e6);
        _investAtTargets();
        blk.setBlocked(bob, true);
        vm.prank(bob);
        (uint256[] memory amounts,) = vault.redeemInKind(shares, bob, bob);
        uint256 owedToBob = vault.owed(bob, address(blk));
        assertEq(owedToBob, amounts[4]);
        assertGt(owedToBob, 0);

        address bobsNewWallet = makeAddr("bobsNewWallet");
        vm.prank(bob);
        (bool ok,) =
            address(vault).call(abi.encodeWithSignature("claimOwed(address,address)", address(blk), bobsNewWallet));
        assertTrue(ok, "no way to claim a deferred amount to another address");
        assertEq(blk.balanceOf(bobsNewWallet), owedToBob);
    }
}
