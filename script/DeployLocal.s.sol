// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Script, console2} from "forge-std/Script.sol";

import {BallastVault} from "../contracts/src/BallastVault.sol";
import {IPriceSource} from "../contracts/src/interfaces/IPriceSource.sol";
import {IAggregatorV3} from "../contracts/src/interfaces/IAggregatorV3.sol";
import {ChainlinkPriceSource} from "../contracts/src/oracles/ChainlinkPriceSource.sol";
import {MockAggregator} from "../contracts/src/oracles/MockAggregator.sol";
import {MockERC20} from "../contracts/test/utils/MockERC20.sol";

/// @notice Deploys a complete local stack: a mock stablecoin (USDC, 6 decimals), N mock index tokens with mock
/// Chainlink feeds behind one ChainlinkPriceSource, and the vault (seeded, components listed, equal target weights,
/// fees and share lock set). Writes every address to `target/demo/deployment.json`.
/// Env: COMPONENTS (default 25, at most 100), DEPLOYER_KEY (the broadcaster's key).
contract DeployLocal is Script {
    struct Deployment {
        address usdc;
        address oracle;
        address vault;
        address[] tokens;
        address[] feeds;
    }

    string internal constant OUT = "target/demo/deployment.json";

    function run() external returns (Deployment memory d) {
        uint256 n = vm.envOr("COMPONENTS", uint256(25));
        require(n > 0 && n <= 100, "COMPONENTS must be in 1..100");
        uint256 key = vm.envUint("DEPLOYER_KEY");
        address deployer = vm.addr(key);

        vm.startBroadcast(key);
        MockERC20 usdc = new MockERC20("USD Coin", "USDC", 6);
        ChainlinkPriceSource oracle = new ChainlinkPriceSource(deployer, address(usdc), IAggregatorV3(address(0)), 0, 0);

        uint256 seed = 1000e6;
        usdc.mint(deployer, seed);
        // The vault pulls its seed in its constructor: approve its address, the deployer's next-but-one CREATE.
        address predicted = vm.computeCreateAddress(deployer, vm.getNonce(deployer) + 1);
        usdc.approve(predicted, seed);
        BallastVault vault = new BallastVault(
            BallastVault.InitParams({
                asset: usdc,
                name: "Ballast Top Index",
                symbol: "BTOP",
                owner: deployer,
                guardian: deployer,
                feeRecipient: deployer,
                seedAssets: seed
            })
        );
        require(address(vault) == predicted, "vault address prediction failed");

        d.usdc = address(usdc);
        d.oracle = address(oracle);
        d.vault = address(vault);
        d.tokens = new address[](n);
        d.feeds = new address[](n);
        uint64[] memory weights = new uint64[](n);
        uint256 each = 0.95e18 / n;
        for (uint256 i; i < n; ++i) {
            (d.tokens[i], d.feeds[i]) = _listToken(i, deployer, oracle, vault);
            weights[i] = uint64(each);
        }
        vault.setTargetWeights(weights, uint64(1e18 - each * n));
        vault.setFees(0.005e18, 10, 10);
        vault.setShareLockPeriod(10 minutes);
        vault.setDepositLimits(10_000_000e6, 10e6);
        vm.stopBroadcast();

        _write(d);
        console2.log("vault", address(vault));
        console2.log("components", n);
    }

    function _listToken(uint256 i, address deployer, ChainlinkPriceSource oracle, BallastVault vault)
        internal
        returns (address, address)
    {
        (string memory symbol, uint8 dec, int256 usdPrice) = _token(i);
        MockERC20 t = new MockERC20(symbol, symbol, dec);
        MockAggregator f = new MockAggregator(8, string.concat(symbol, " / USD"), usdPrice);
        oracle.setFeed(address(t), IAggregatorV3(address(f)), 1 days);
        t.mint(deployer, 10 ** dec);
        t.approve(address(vault), 10 ** dec);
        vault.listComponent(address(t), IPriceSource(address(oracle)), 10 ** dec);
        return (address(t), address(f));
    }

    function _write(Deployment memory d) internal {
        string memory o = "deployment";
        vm.serializeAddress(o, "usdc", d.usdc);
        vm.serializeAddress(o, "oracle", d.oracle);
        vm.serializeAddress(o, "tokens", d.tokens);
        vm.serializeAddress(o, "feeds", d.feeds);
        string memory json = vm.serializeAddress(o, "vault", d.vault);
        vm.createDir("target/demo", true); // a fresh clone has no target/ yet
        vm.writeJson(json, OUT);
    }

    /// @dev Symbols, decimals and starting USD prices (8 decimals) of a top-100-like universe.
    function _token(uint256 i) internal pure returns (string memory symbol, uint8 dec, int256 price) {
        string[25] memory symbols = [
            "WBTC",
            "WETH",
            "BNB",
            "SOL",
            "XRP",
            "ADA",
            "AVAX",
            "DOGE",
            "DOT",
            "LINK",
            "TRX",
            "MATIC",
            "TON",
            "SHIB",
            "LTC",
            "UNI",
            "ATOM",
            "XLM",
            "NEAR",
            "APT",
            "ARB",
            "OP",
            "FIL",
            "INJ",
            "AAVE"
        ];
        int256[25] memory prices = [
            int256(65_000e8),
            3200e8,
            580e8,
            150e8,
            0.52e8,
            0.45e8,
            35e8,
            0.15e8,
            7e8,
            15e8,
            0.12e8,
            0.7e8,
            6e8,
            0.00002e8,
            80e8,
            10e8,
            8e8,
            0.11e8,
            6e8,
            9e8,
            1.1e8,
            2.5e8,
            5.5e8,
            25e8,
            95e8
        ];
        uint8[5] memory decs = [uint8(8), 18, 18, 9, 6];
        if (i < 25) return (symbols[i], decs[i % 5], prices[i]);
        return (string.concat("IDX", vm.toString(i)), decs[i % 5], int256(1e8 + i * 1e6));
    }
}
