// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Script, console2} from "forge-std/Script.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {BallastVault} from "../contracts/src/BallastVault.sol";
import {BallastRebalancer} from "../contracts/src/BallastRebalancer.sol";
import {RedemptionQueue} from "../contracts/src/RedemptionQueue.sol";
import {IBallastVault} from "../contracts/src/interfaces/IBallastVault.sol";
import {IBallastRebalancer} from "../contracts/src/interfaces/IBallastRebalancer.sol";
import {IPriceSource} from "../contracts/src/interfaces/IPriceSource.sol";
import {IAggregatorV3} from "../contracts/src/interfaces/IAggregatorV3.sol";
import {
    IUniswapV3Factory,
    IUniswapV3Pool,
    ISwapRouter,
    INonfungiblePositionManager
} from "../contracts/src/interfaces/IUniswapV3.sol";
import {TickMath} from "../contracts/src/libraries/TickMath.sol";
import {UniswapV3Adapter} from "../contracts/src/adapters/UniswapV3Adapter.sol";
import {ChainlinkPriceSource} from "../contracts/src/oracles/ChainlinkPriceSource.sol";
import {MockAggregator} from "../contracts/src/oracles/MockAggregator.sol";
import {MockERC20} from "../contracts/test/utils/MockERC20.sol";

/// @notice The world of the year-long demo (`script/demo.sh`, driven by the `ballast-demo` crate): USDC, N index
/// tokens with mock Chainlink feeds behind one ChainlinkPriceSource, the vault (seeded), its rebalancer and redemption
/// queue, REAL Uniswap V3 deployed from the npm bytecode (factory, WETH9, SwapRouter, NonfungiblePositionManager), one
/// token/USDC pool per component at its feed price with deep full-range liquidity, and the UniswapV3Adapter
/// allow-listed. The deployer owns everything and updates the feeds; the keeper runs the rebalancer; the arbitrageur
/// holds a large stock of every token with the router approved (it keeps pools at their feed prices). Writes every
/// address to `target/demo/world.json`. Separate from DeployLocal, which the e2e tests use.
/// Env: DEPLOYER_KEY, KEEPER (address), ARBITRAGEUR_KEY, COMPONENTS (default 25, at most 100: past the 25 named
/// tokens, the list repeats with a numeric suffix, e.g. `WBTC2`, for the keeper benchmark), POOL_VALUE (USDC base
/// units of liquidity per pool, default 20M USDC), WORLD_OUT (default `target/demo/world.json`; must be under
/// `target/demo`).
contract DemoWorld is Script {
    uint24 internal constant FEE = 3000;
    int24 internal constant MAX_TICK = 887_220; // the largest multiple of the 0.3% tier's spacing (60)
    string internal constant OUT = "target/demo/world.json";
    string internal constant FACTORY_ARTIFACT =
        "node_modules/@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json";
    string internal constant ROUTER_ARTIFACT =
        "node_modules/@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json";
    string internal constant POSITIONS_ARTIFACT =
        "node_modules/@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json";
    string internal constant WETH9_ARTIFACT = "node_modules/@uniswap/v2-periphery/build/WETH9.json";

    struct World {
        address usdc;
        address oracle;
        address vault;
        address rebalancer;
        address queue;
        address adapter;
        address factory;
        address router;
        address positions;
        address weth;
        address[] tokens;
        address[] feeds;
        address[] pools;
    }

    function run() external returns (World memory w) {
        uint256 n = vm.envOr("COMPONENTS", uint256(25));
        require(n > 0 && n <= 100, "COMPONENTS must be in 1..100");
        uint256 poolValue = vm.envOr("POOL_VALUE", uint256(20_000_000e6));
        uint256 key = vm.envUint("DEPLOYER_KEY");
        uint256 arbKey = vm.envUint("ARBITRAGEUR_KEY");
        address keeper = vm.envAddress("KEEPER");
        address deployer = vm.addr(key);
        address arb = vm.addr(arbKey);

        vm.startBroadcast(key);
        _deployCore(w, deployer, keeper);
        _deployUniswap(w);
        w.tokens = new address[](n);
        w.feeds = new address[](n);
        w.pools = new address[](n);
        uint64[] memory weights = new uint64[](n);
        uint256 each = 0.98e18 / n;
        for (uint256 i; i < n; ++i) {
            _listToken(w, i, deployer);
            weights[i] = uint64(each);
        }
        BallastVault vault = BallastVault(w.vault);
        // All cash until the keeper's first epoch sets the strategy's weights.
        vault.setTargetWeights(new uint64[](n), 1e18);
        vault.setFees(0.005e18, 10, 10);
        vault.setShareLockPeriod(10 minutes);
        vault.setDepositLimits(100_000_000e6, 10e6);
        // Last: adopting the rebalancer turns the change delay on (listings, sources, adapters, keeper and config
        // are delayed from here on).
        vault.setRebalancer(w.rebalancer);
        for (uint256 i; i < n; ++i) {
            _addLiquidity(w, i, poolValue, deployer);
            MockERC20(w.tokens[i]).mint(arb, 1 << 200);
        }
        MockERC20(w.usdc).mint(arb, 1 << 200);
        vm.stopBroadcast();

        vm.startBroadcast(arbKey);
        MockERC20(w.usdc).approve(w.router, type(uint256).max);
        for (uint256 i; i < n; ++i) {
            MockERC20(w.tokens[i]).approve(w.router, type(uint256).max);
        }
        vm.stopBroadcast();

        _write(w, deployer, keeper, arb);
        console2.log("vault", w.vault);
        console2.log("rebalancer", w.rebalancer);
        console2.log("components", n);
    }

    function _deployCore(World memory w, address deployer, address keeper) internal {
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
        BallastRebalancer rebalancer = new BallastRebalancer(
            IBallastVault(address(vault)),
            deployer,
            keeper,
            IBallastRebalancer.Config({
                maxSlippageBps: 100,
                maxCallLossBps: 100,
                maxEpochLossBps: 300,
                maxTurnoverBps: 30_000,
                bandWad: 0.005e18,
                cashBufferWad: 0.02e18,
                minDwell: 7 days,
                keeperGracePeriod: 1 hours,
                epochInterval: 7 days,
                minEpochSpacing: 0,
                scheduleAnchor: uint40(block.timestamp)
            })
        );
        RedemptionQueue queue = new RedemptionQueue(IBallastVault(address(vault)), rebalancer);
        rebalancer.setRedemptionQueue(queue);
        w.usdc = address(usdc);
        w.oracle = address(oracle);
        w.vault = address(vault);
        w.rebalancer = address(rebalancer);
        w.queue = address(queue);
    }

    function _deployUniswap(World memory w) internal {
        // WETH9's Waffle artifact has both `bytecode` and `evm.bytecode`, which `vm.getCode` rejects: read it as JSON.
        bytes memory wethCode = vm.parseBytes(vm.parseJsonString(vm.readFile(WETH9_ARTIFACT), ".bytecode"));
        address weth;
        assembly ("memory-safe") {
            weth := create(0, add(wethCode, 0x20), mload(wethCode))
        }
        require(weth != address(0), "WETH9 deployment failed");
        w.weth = weth;
        w.factory = deployCode(FACTORY_ARTIFACT);
        w.router = deployCode(ROUTER_ARTIFACT, abi.encode(w.factory, weth));
        w.positions = deployCode(POSITIONS_ARTIFACT, abi.encode(w.factory, weth, address(0)));
        w.adapter = address(new UniswapV3Adapter(ISwapRouter(w.router)));
        BallastRebalancer(w.rebalancer).setAdapter(w.adapter, true);
    }

    function _listToken(World memory w, uint256 i, address deployer) internal {
        (string memory symbol, uint8 dec, int256 usdPrice) = _token(i);
        MockERC20 t = new MockERC20(symbol, symbol, dec);
        MockAggregator f = new MockAggregator(8, string.concat(symbol, " / USD"), usdPrice);
        ChainlinkPriceSource(w.oracle).setFeed(address(t), IAggregatorV3(address(f)), 1 days);
        t.mint(deployer, 10 ** dec);
        t.approve(w.vault, 10 ** dec);
        BallastVault(w.vault).listComponent(address(t), IPriceSource(w.oracle), 10 ** dec);
        w.tokens[i] = address(t);
        w.feeds[i] = address(f);
    }

    /// @dev Creates the token/USDC pool at the feed price and adds full-range liquidity worth `poolValue`.
    function _addLiquidity(World memory w, uint256 i, uint256 poolValue, address deployer) internal {
        address token = w.tokens[i];
        uint256 price36 = IPriceSource(w.oracle).price(token);
        (address token0, address token1) = token < w.usdc ? (token, w.usdc) : (w.usdc, token);
        INonfungiblePositionManager pm = INonfungiblePositionManager(w.positions);
        w.pools[i] = pm.createAndInitializePoolIfNecessary(token0, token1, FEE, _sqrtPriceX96(token, w.usdc, price36));
        uint256 quoteAmount = poolValue / 2;
        uint256 tokenAmount = Math.mulDiv(quoteAmount, 1e36, price36);
        (uint256 a0, uint256 a1) = token < w.usdc ? (tokenAmount, quoteAmount) : (quoteAmount, tokenAmount);
        MockERC20(token0).mint(deployer, a0);
        MockERC20(token1).mint(deployer, a1);
        MockERC20(token0).approve(w.positions, a0);
        MockERC20(token1).approve(w.positions, a1);
        pm.mint(
            INonfungiblePositionManager.MintParams({
                token0: token0,
                token1: token1,
                fee: FEE,
                tickLower: -MAX_TICK,
                tickUpper: MAX_TICK,
                amount0Desired: a0,
                amount1Desired: a1,
                amount0Min: 0,
                amount1Min: 0,
                recipient: deployer,
                deadline: block.timestamp + 1 hours
            })
        );
    }

    /// @dev The pool's `sqrtPriceX96` at which one base unit of `token` is worth `price36` / 1e36 of `quote`.
    function _sqrtPriceX96(address token, address quote, uint256 price36) internal pure returns (uint160) {
        uint256 s = token < quote
            ? (price36 < 1e36 << 64
                    ? Math.sqrt(Math.mulDiv(price36, 1 << 192, 1e36))
                    : Math.sqrt(Math.mulDiv(price36, 1 << 128, 1e36)) << 32)
            : (price36 > 1e36 >> 64
                    ? Math.sqrt(Math.mulDiv(1 << 192, 1e36, price36))
                    : Math.sqrt(Math.mulDiv(1 << 128, 1e36, price36)) << 32);
        if (s <= TickMath.MIN_SQRT_RATIO) return TickMath.MIN_SQRT_RATIO + 1;
        if (s >= TickMath.MAX_SQRT_RATIO) return TickMath.MAX_SQRT_RATIO - 1;
        return uint160(s);
    }

    function _write(World memory w, address deployer, address keeper, address arb) internal {
        string memory o = "world";
        vm.serializeAddress(o, "usdc", w.usdc);
        vm.serializeAddress(o, "oracle", w.oracle);
        vm.serializeAddress(o, "rebalancer", w.rebalancer);
        vm.serializeAddress(o, "queue", w.queue);
        vm.serializeAddress(o, "adapter", w.adapter);
        vm.serializeAddress(o, "factory", w.factory);
        vm.serializeAddress(o, "router", w.router);
        vm.serializeAddress(o, "positions", w.positions);
        vm.serializeAddress(o, "weth", w.weth);
        vm.serializeAddress(o, "deployer", deployer);
        vm.serializeAddress(o, "keeper", keeper);
        vm.serializeAddress(o, "arbitrageur", arb);
        vm.serializeUint(o, "fee", FEE);
        vm.serializeAddress(o, "tokens", w.tokens);
        vm.serializeAddress(o, "feeds", w.feeds);
        vm.serializeAddress(o, "pools", w.pools);
        string memory json = vm.serializeAddress(o, "vault", w.vault);
        vm.createDir("target/demo", true);
        vm.writeJson(json, vm.envOr("WORLD_OUT", OUT));
    }

    /// @dev Symbols, decimals and starting USD prices (8 decimals) of a top-25-like universe; indices 25..99 repeat it
    /// with a suffix (`WBTC2`, ..., `AAVE4`).
    function _token(uint256 i) internal pure returns (string memory symbol, uint8 dec, int256 price) {
        uint256 round = i / 25;
        i %= 25;
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
        symbol = round == 0 ? symbols[i] : string.concat(symbols[i], vm.toString(round + 1));
        return (symbol, decs[i % 5], prices[i]);
    }
}
