// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {BallastVault} from "../../src/BallastVault.sol";
import {IPriceSource} from "../../src/interfaces/IPriceSource.sol";
import {ChainlinkPriceSource} from "../../src/oracles/ChainlinkPriceSource.sol";
import {MockAggregator} from "../../src/oracles/MockAggregator.sol";
import {IAggregatorV3} from "../../src/interfaces/IAggregatorV3.sol";
import {BallastVaultHarness} from "./BallastVaultHarness.sol";
import {BallastLens} from "../../src/periphery/BallastLens.sol";
import {MockERC20} from "./MockERC20.sol";

/// @notice Deploys a complete vault: a mintable stablecoin, N components (N up to 256) with Chainlink-style feeds
/// behind one `ChainlinkPriceSource`, equal target weights, and helpers to invest the cash leg at oracle prices (as a
/// perfect rebalance would) and to move prices. Used by the unit, invariant and gas suites.
abstract contract VaultFixture is Test {
    uint256 internal constant FEED_DECIMALS = 8;
    uint32 internal constant HEARTBEAT = 1 days;

    address internal owner = makeAddr("owner");
    address internal guardian = makeAddr("guardian");
    address internal keeper = makeAddr("keeper");
    address internal feeRecipient = makeAddr("feeRecipient");

    MockERC20 internal usdc;
    ChainlinkPriceSource internal oracle;
    BallastVaultHarness internal vault;
    MockERC20[] internal tokens;
    MockAggregator[] internal feeds;
    uint256 internal seedAssets;
    /// @dev Reads what the vault's public views give (in-kind previews among them); stateless, deployed once per vault.
    BallastLens internal lens;

    /// @dev Deploys the stack with `n` components and an asset of `assetDecimals` decimals. Seeds 1,000 units.
    function _deployVault(uint256 n, uint8 assetDecimals) internal {
        vm.warp(1_700_000_000);
        usdc = new MockERC20("USD Coin", "USDC", assetDecimals);
        oracle = new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(0)), 0, 0);

        seedAssets = 1000 * 10 ** assetDecimals;
        BallastVault.InitParams memory params = BallastVault.InitParams({
            asset: usdc,
            name: "Ballast Index",
            symbol: "BIDX",
            owner: owner,
            guardian: guardian,
            feeRecipient: feeRecipient,
            seedAssets: seedAssets
        });
        // CREATE2, so the address to approve for the seed is known before deployment (also in isolate mode).
        bytes32 salt = keccak256("ballast");
        address predicted = vm.computeCreate2Address(
            salt, keccak256(abi.encodePacked(type(BallastVaultHarness).creationCode, abi.encode(params))), address(this)
        );
        usdc.mint(address(this), seedAssets);
        usdc.approve(predicted, seedAssets);
        vault = new BallastVaultHarness{salt: salt}(params);
        lens = new BallastLens();
        for (uint256 i; i < n; ++i) {
            _addComponent(_decimalsOf(i), _usdPriceOf(i));
        }
        if (n > 0) _setEqualWeights();
    }

    /// @dev Lists a new component priced at `usdPrice` (8 decimals) per whole token.
    function _addComponent(uint8 dec, int256 usdPrice) internal returns (MockERC20 token) {
        uint256 i = tokens.length;
        token = new MockERC20(string.concat("Token ", vm.toString(i)), string.concat("T", vm.toString(i)), dec);
        MockAggregator feed = new MockAggregator(uint8(FEED_DECIMALS), "T/USD", usdPrice);
        tokens.push(token);
        feeds.push(feed);
        vm.prank(owner);
        oracle.setFeed(address(token), IAggregatorV3(address(feed)), HEARTBEAT);
        uint256 probe = vault.MIN_PROBE_AMOUNT();
        token.mint(owner, probe);
        vm.startPrank(owner);
        token.approve(address(vault), probe);
        vault.listComponent(address(token), IPriceSource(address(oracle)), probe);
        vm.stopPrank();
    }

    /// @dev Equal weights over the components with the remainder (at least 5%) on cash; sums to exactly 1e18.
    function _setEqualWeights() internal {
        uint256 n = tokens.length;
        uint64[] memory w = new uint64[](n);
        uint256 each = 0.95e18 / n;
        for (uint256 i; i < n; ++i) {
            w[i] = uint64(each);
        }
        vm.prank(owner);
        vault.setTargetWeights(w, uint64(1e18 - each * n));
    }

    /// @dev Moves the cash leg into the components at oracle prices, following the target weights, as a perfect
    /// rebalance would: the stablecoin leaves, the tokens arrive, and the accounted balances follow.
    function _investAtTargets() internal {
        uint256 cashBefore = vault.cash();
        uint256 n = tokens.length;
        uint256 spent;
        for (uint256 i; i < n; ++i) {
            (,,, uint64 weight,) = _component(i);
            uint256 value = Math.mulDiv(cashBefore, weight, 1e18);
            uint256 amount = Math.mulDiv(value, 1e36, oracle.price(address(tokens[i])));
            if (amount == 0) continue;
            spent += Math.mulDiv(amount, oracle.price(address(tokens[i])), 1e36, Math.Rounding.Ceil);
            tokens[i].mint(address(vault), amount);
            vault.harnessSetBalance(address(tokens[i]), vault.components()[i].balance + amount);
        }
        usdc.burn(address(vault), spent);
        vault.harnessSetCash(cashBefore - spent);
    }

    function _component(uint256 i) internal view returns (address, address, uint8, uint64, uint256) {
        BallastVault.ComponentView memory c = vault.components()[i];
        return (c.token, c.source, c.decimals, c.targetWeight, c.balance);
    }

    /// @dev Multiplies the USD price of component `i` by `bps` / 10,000, posted now.
    function _movePrice(uint256 i, uint256 bps) internal {
        (, int256 answer,,,) = feeds[i].latestRoundData();
        int256 next = int256(Math.mulDiv(uint256(answer), bps, 10_000));
        if (next == 0) next = 1;
        feeds[i].setAnswer(next);
    }

    /// @dev Re-posts every feed's answer now, so that none is stale after a time jump.
    function _refreshFeeds() internal {
        for (uint256 i; i < feeds.length; ++i) {
            (, int256 answer,,,) = feeds[i].latestRoundData();
            feeds[i].setAnswer(answer);
        }
    }

    /// @dev Mints `assets` to `user`, approves and deposits them; returns the shares.
    function _deposit(address user, uint256 assets) internal returns (uint256 shares) {
        usdc.mint(user, assets);
        vm.startPrank(user);
        usdc.approve(address(vault), assets);
        shares = vault.deposit(assets, user);
        vm.stopPrank();
    }

    /// @dev A spread of decimals: 18, 8, 6, 18, 12, ...
    function _decimalsOf(uint256 i) internal pure returns (uint8) {
        uint8[5] memory d = [uint8(18), 8, 6, 18, 12];
        return d[i % 5];
    }

    /// @dev A spread of USD prices (8 decimals) from about $0.0001 to $60,000.
    function _usdPriceOf(uint256 i) internal pure returns (int256) {
        int256[8] memory p = [int256(60_000e8), 3000e8, 150e8, 12e8, 1e8, 0.35e8, 0.002e8, 0.0001e8];
        return p[i % 8] + int256(i) * 1e5;
    }
}
