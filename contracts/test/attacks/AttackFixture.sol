// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {BallastVault} from "../../src/BallastVault.sol";
import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {IPriceSource} from "../../src/interfaces/IPriceSource.sol";
import {IAggregatorV3} from "../../src/interfaces/IAggregatorV3.sol";
import {MockAggregator} from "../../src/oracles/MockAggregator.sol";
import {VaultFixture} from "../utils/VaultFixture.sol";
import {MockERC20} from "../utils/MockERC20.sol";

/// @notice The cast of every attack story (an attacker, victims, the incumbent holders) and helpers to list the weird
/// tokens of `utils/weird/` as components and to deploy a vault whose asset is a weird token.
abstract contract AttackFixture is VaultFixture {
    address internal mallory = makeAddr("mallory"); // the attacker
    address internal accomplice = makeAddr("accomplice"); // a second address the attacker controls
    address internal alice = makeAddr("alice"); // a victim
    address internal bob = makeAddr("bob"); // a second victim / incumbent holder
    address internal treasury = makeAddr("treasury"); // where the owner skims donations to

    /// @dev Lists a weird `token` (any token with a free `mint(address,uint256)`) priced at `usdPrice` (8 decimals),
    /// probing with `probe` base units. It joins `tokens`/`feeds`, so `_investAtTargets` and `_movePrice` cover it.
    function _listWeird(address token, int256 usdPrice, uint256 probe) internal {
        _configureFeed(token, usdPrice);
        _mintTo(token, owner, probe);
        _approveAs(owner, token, address(vault), probe);
        vm.prank(owner);
        vault.listComponent(token, IPriceSource(address(oracle)), probe);
        tokens.push(MockERC20(token));
    }

    /// @dev Gives `token` a fresh feed in the fixture's oracle (and pushes the feed).
    function _configureFeed(address token, int256 usdPrice) internal returns (MockAggregator feed) {
        feed = new MockAggregator(uint8(FEED_DECIMALS), "W/USD", usdPrice);
        feeds.push(feed);
        vm.prank(owner);
        oracle.setFeed(token, IAggregatorV3(address(feed)), HEARTBEAT);
    }

    /// @dev Approves through a low-level call: works whether or not `approve` returns a bool.
    function _approveAs(address who, address token, address spender, uint256 amount) internal {
        vm.prank(who);
        (bool ok,) = token.call(abi.encodeWithSignature("approve(address,uint256)", spender, amount));
        require(ok, "approve failed");
    }

    function _mintTo(address token, address to, uint256 amount) internal {
        MockERC20(token).mint(to, amount);
    }

    /// @dev Deploys a vault (no components) whose asset is `asset_`, seeded with 1,000 whole units by this contract.
    function _deployVaultWithAsset(address asset_) internal returns (BallastVault v) {
        uint256 seed = 1000 * 10 ** MockERC20(asset_).decimals();
        BallastVault.InitParams memory p = BallastVault.InitParams({
            asset: IERC20(asset_),
            name: "Weird Ballast",
            symbol: "wBIDX",
            owner: owner,
            guardian: guardian,
            feeRecipient: feeRecipient,
            seedAssets: seed
        });
        address predicted = vm.computeCreateAddress(address(this), vm.getNonce(address(this)));
        _mintTo(asset_, address(this), seed);
        (bool ok,) = asset_.call(abi.encodeWithSignature("approve(address,uint256)", predicted, seed));
        require(ok, "approve failed");
        v = new BallastVault(p);
        require(address(v) == predicted, "address prediction");
    }

    /// @dev Sets the share lock period (owner).
    function _setLock(uint256 period) internal {
        vm.prank(owner);
        vault.setShareLockPeriod(period);
    }

    /// @dev The vault's accounted balance of component `i`.
    function _accounted(uint256 i) internal view returns (uint256) {
        return vault.components()[i].balance;
    }

    /// @dev Asserts the vault holds at least what it accounts for, for the asset and every component.
    function _assertSolvent() internal view {
        assertGe(usdc.balanceOf(address(vault)), vault.cash(), "asset: held < accounted");
        IBallastVault.ComponentView[] memory cs = vault.components();
        for (uint256 i; i < cs.length; ++i) {
            assertGe(IERC20(cs[i].token).balanceOf(address(vault)), cs[i].balance, "component: held < accounted");
        }
    }
}
