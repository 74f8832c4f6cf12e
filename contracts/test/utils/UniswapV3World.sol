// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {
    IUniswapV3Factory,
    IUniswapV3Pool,
    ISwapRouter,
    INonfungiblePositionManager
} from "../../src/interfaces/IUniswapV3.sol";
import {TickMath} from "../../src/libraries/TickMath.sol";
import {MockERC20} from "./MockERC20.sol";

/// @notice Real Uniswap V3 in a forge test: deploys the factory, WETH9, the SwapRouter and the
/// NonfungiblePositionManager from the bytecode shipped in the npm packages (v3-core 1.0.1, v3-periphery 1.4.4, and
/// WETH9 from v2-periphery), then creates pools at given prices with full-range liquidity, swaps through the real
/// router, moves pool prices to targets and advances time so TWAPs exist.
/// @dev Inherit it (it is a `Test`; it combines with the other fixtures, whose names it does not reuse: everything here
/// is prefixed `v3`/`_v3`). Call `_deployUniswapV3()` first. Prices are in the `IPriceSource` scale: quote base units
/// per ONE base unit of the token × 1e36 (`_v3Price36` converts a human price). The helpers mint what they sell and
/// what they provide as liquidity, so the tokens must be the project's `MockERC20` (anything with `mint(address,
/// uint256)` and `burn(address, uint256)`); unused input is burned again, so the test contract's own balances never
/// change. Liquidity positions belong to `v3Lp`; swap output goes to the given recipient (`v3Sink` for price moves).
/// Do not call the helpers under an active `vm.startPrank`: they trade from the test contract.
abstract contract UniswapV3World is Test {
    /// @notice Default fee tier (0.3%) and its tick spacing.
    uint24 internal constant V3_FEE = 3000;
    int24 internal constant V3_TICK_SPACING = 60;

    string internal constant V3_FACTORY_ARTIFACT =
        "node_modules/@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json";
    string internal constant V3_ROUTER_ARTIFACT =
        "node_modules/@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json";
    string internal constant V3_POSITIONS_ARTIFACT =
        "node_modules/@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json";
    string internal constant WETH9_ARTIFACT = "node_modules/@uniswap/v2-periphery/build/WETH9.json";

    IUniswapV3Factory internal v3Factory;
    ISwapRouter internal v3Router;
    INonfungiblePositionManager internal v3Positions;
    address internal v3Weth;
    /// @notice Owner of every liquidity position the helpers open.
    address internal v3Lp = makeAddr("v3Lp");
    /// @notice Receiver of the output of `_v3MovePrice` swaps.
    address internal v3Sink = makeAddr("v3Sink");

    // ------------------------------------------------------------------ deployment

    /// @notice Deploys WETH9, the factory, the router and the position manager (no token descriptor: `tokenURI` of a
    /// position would revert, nothing else needs it).
    function _deployUniswapV3() internal {
        // WETH9's Waffle artifact has both `bytecode` and `evm.bytecode`, which `vm.getCode` rejects: read it as JSON.
        bytes memory wethCode = vm.parseBytes(vm.parseJsonString(vm.readFile(WETH9_ARTIFACT), ".bytecode"));
        address weth;
        assembly ("memory-safe") {
            weth := create(0, add(wethCode, 0x20), mload(wethCode))
        }
        require(weth != address(0), "UniswapV3World: WETH9 deployment failed");
        v3Weth = weth;
        v3Factory = IUniswapV3Factory(deployCode(V3_FACTORY_ARTIFACT));
        v3Router = ISwapRouter(deployCode(V3_ROUTER_ARTIFACT, abi.encode(address(v3Factory), v3Weth)));
        v3Positions = INonfungiblePositionManager(
            deployCode(V3_POSITIONS_ARTIFACT, abi.encode(address(v3Factory), v3Weth, address(0)))
        );
        vm.label(address(v3Factory), "UniswapV3Factory");
        vm.label(address(v3Router), "SwapRouter");
        vm.label(address(v3Positions), "NonfungiblePositionManager");
        vm.label(v3Weth, "WETH9");
    }

    // ------------------------------------------------------------------ prices

    /// @notice The 1e36 price of one base unit from a human price: `quotePerToken` whole quote units (18-decimal
    /// fixed point, e.g. 3000e18 for 3,000 USDC) per whole token.
    function _v3Price36(uint256 quotePerToken, uint8 tokenDecimals, uint8 quoteDecimals)
        internal
        pure
        returns (uint256)
    {
        return Math.mulDiv(quotePerToken, 10 ** (18 + uint256(quoteDecimals)), 10 ** uint256(tokenDecimals));
    }

    /// @notice The `sqrtPriceX96` of the (`token`, `quote`) pool at which one base unit of `token` is worth
    /// `price36` / 1e36 base units of `quote` (rounded down, clamped strictly inside the pool's valid range, so it is
    /// usable both to initialize a pool and as a swap's price limit).
    function _v3SqrtPriceX96(address token, address quote, uint256 price36) internal pure returns (uint160) {
        uint256 sqrtX96;
        if (token < quote) {
            // token1 per token0 = price36 / 1e36
            sqrtX96 = price36 < 1e36 << 64
                ? Math.sqrt(Math.mulDiv(price36, 1 << 192, 1e36))
                : Math.sqrt(Math.mulDiv(price36, 1 << 128, 1e36)) << 32;
        } else {
            // token1 per token0 = 1e36 / price36
            sqrtX96 = price36 > 1e36 >> 64
                ? Math.sqrt(Math.mulDiv(1 << 192, 1e36, price36))
                : Math.sqrt(Math.mulDiv(1 << 128, 1e36, price36)) << 32;
        }
        if (sqrtX96 <= TickMath.MIN_SQRT_RATIO) return TickMath.MIN_SQRT_RATIO + 1;
        if (sqrtX96 >= TickMath.MAX_SQRT_RATIO) return TickMath.MAX_SQRT_RATIO - 1;
        return uint160(sqrtX96);
    }

    /// @notice The 1e36 price of one base unit of `token` in `quote` at `sqrtPriceX96` of their pool.
    function _v3Price36AtSqrt(address token, address quote, uint160 sqrtPriceX96) internal pure returns (uint256) {
        return TickMath.quoteAtSqrtRatio(sqrtPriceX96, 1e36, token < quote);
    }

    /// @notice The SPOT 1e36 price of one base unit of `token` in the pool's other token (from `slot0`).
    function _v3SpotPrice36(IUniswapV3Pool pool, address token) internal view returns (uint256) {
        (uint160 sqrtPriceX96,,,,,,) = pool.slot0();
        return TickMath.quoteAtSqrtRatio(sqrtPriceX96, 1e36, token == pool.token0());
    }

    /// @notice The pool's other token.
    function _v3Other(IUniswapV3Pool pool, address token) internal view returns (address) {
        address token0 = pool.token0();
        return token == token0 ? pool.token1() : token0;
    }

    // ------------------------------------------------------------------ pools and liquidity

    /// @notice The pool of `token` and `quote` at the default fee (zero if none).
    function _v3Pool(address token, address quote) internal view returns (IUniswapV3Pool) {
        return IUniswapV3Pool(v3Factory.getPool(token, quote, V3_FEE));
    }

    /// @notice Creates the (`token`, `quote`) pool at the default fee, initialized at `price36`, with full-range
    /// liquidity worth `quoteValue` base units of `quote` (half on each side).
    function _v3CreatePool(address token, address quote, uint256 price36, uint256 quoteValue)
        internal
        returns (IUniswapV3Pool pool)
    {
        return _v3CreatePool(token, quote, V3_FEE, price36, quoteValue, 1);
    }

    /// @notice As above, at fee tier `fee`, and grows the observation buffer to `cardinality` slots.
    function _v3CreatePool(
        address token,
        address quote,
        uint24 fee,
        uint256 price36,
        uint256 quoteValue,
        uint16 cardinality
    ) internal returns (IUniswapV3Pool pool) {
        (address token0, address token1) = token < quote ? (token, quote) : (quote, token);
        pool = IUniswapV3Pool(
            v3Positions.createAndInitializePoolIfNecessary(token0, token1, fee, _v3SqrtPriceX96(token, quote, price36))
        );
        vm.label(address(pool), string.concat("V3Pool(", MockERC20(token).symbol(), ")"));
        if (quoteValue > 0) _v3AddLiquidity(pool, quote, quoteValue);
        if (cardinality > 1) pool.increaseObservationCardinalityNext(cardinality);
    }

    /// @notice Adds full-range liquidity worth about `quoteValue` base units of `quote` at the pool's current price.
    function _v3AddLiquidity(IUniswapV3Pool pool, address quote, uint256 quoteValue)
        internal
        returns (uint128 liquidity)
    {
        int24 spacing = pool.tickSpacing();
        int24 maxTick = (TickMath.MAX_TICK / spacing) * spacing;
        return _v3AddLiquidity(pool, quote, quoteValue, -maxTick, maxTick);
    }

    /// @notice Adds liquidity between `tickLower` and `tickUpper` (multiples of the tick spacing) with at most
    /// `quoteValue / 2` of `quote` and the same value of the other token, at the pool's current price.
    function _v3AddLiquidity(IUniswapV3Pool pool, address quote, uint256 quoteValue, int24 tickLower, int24 tickUpper)
        internal
        returns (uint128 liquidity)
    {
        INonfungiblePositionManager.MintParams memory p = _v3MintParams(pool, quote, quoteValue, tickLower, tickUpper);
        MockERC20(p.token0).mint(address(this), p.amount0Desired);
        MockERC20(p.token1).mint(address(this), p.amount1Desired);
        MockERC20(p.token0).approve(address(v3Positions), p.amount0Desired);
        MockERC20(p.token1).approve(address(v3Positions), p.amount1Desired);
        uint256 used0;
        uint256 used1;
        (, liquidity, used0, used1) = v3Positions.mint(p);
        MockERC20(p.token0).burn(address(this), p.amount0Desired - used0);
        MockERC20(p.token1).burn(address(this), p.amount1Desired - used1);
        MockERC20(p.token0).approve(address(v3Positions), 0);
        MockERC20(p.token1).approve(address(v3Positions), 0);
    }

    function _v3MintParams(IUniswapV3Pool pool, address quote, uint256 quoteValue, int24 tickLower, int24 tickUpper)
        private
        view
        returns (INonfungiblePositionManager.MintParams memory p)
    {
        address token = _v3Other(pool, quote);
        uint256 quoteAmount = quoteValue / 2;
        uint256 tokenAmount = Math.mulDiv(quoteAmount, 1e36, _v3SpotPrice36(pool, token));
        p.token0 = pool.token0();
        p.token1 = pool.token1();
        (p.amount0Desired, p.amount1Desired) = token < quote ? (tokenAmount, quoteAmount) : (quoteAmount, tokenAmount);
        p.fee = pool.fee();
        p.tickLower = tickLower;
        p.tickUpper = tickUpper;
        p.recipient = v3Lp;
        p.deadline = block.timestamp;
    }

    /// @notice Grows `pool`'s observation ring buffer to `cardinality` slots (one observation is written per block
    /// with activity, so a window of W seconds in a busy pool needs about W / 12 slots).
    function _v3GrowObservations(IUniswapV3Pool pool, uint16 cardinality) internal {
        pool.increaseObservationCardinalityNext(cardinality);
    }

    /// @notice Advances time by `secs` seconds and the block number by one per 12 seconds (at least one).
    function _v3Advance(uint256 secs) internal {
        vm.warp(block.timestamp + secs);
        vm.roll(block.number + (secs / 12 > 0 ? secs / 12 : 1));
    }

    // ------------------------------------------------------------------ swaps

    /// @notice Sells `amountIn` of `tokenIn` (freshly minted) for `tokenOut` through the real SwapRouter in their
    /// pool at the default fee; the output goes to `recipient`.
    function _v3Swap(address tokenIn, address tokenOut, uint256 amountIn, address recipient)
        internal
        returns (uint256 amountOut)
    {
        (, amountOut) = _v3Swap(tokenIn, tokenOut, V3_FEE, amountIn, 0, recipient);
    }

    /// @notice Sells up to `amountIn` of `tokenIn` (freshly minted; the unused part is burned) for `tokenOut` through
    /// the real SwapRouter in their pool at `fee`, stopping at `sqrtPriceLimitX96` (zero for none).
    /// @return amountInUsed The input actually sold.
    /// @return amountOut The output, sent to `recipient`.
    function _v3Swap(
        address tokenIn,
        address tokenOut,
        uint24 fee,
        uint256 amountIn,
        uint160 sqrtPriceLimitX96,
        address recipient
    ) internal returns (uint256 amountInUsed, uint256 amountOut) {
        MockERC20(tokenIn).mint(address(this), amountIn);
        MockERC20(tokenIn).approve(address(v3Router), amountIn);
        uint256 balanceBefore = MockERC20(tokenIn).balanceOf(address(this));
        amountOut = v3Router.exactInputSingle(
            ISwapRouter.ExactInputSingleParams({
                tokenIn: tokenIn,
                tokenOut: tokenOut,
                fee: fee,
                recipient: recipient,
                deadline: block.timestamp,
                amountIn: amountIn,
                amountOutMinimum: 0,
                sqrtPriceLimitX96: sqrtPriceLimitX96
            })
        );
        amountInUsed = balanceBefore - MockERC20(tokenIn).balanceOf(address(this));
        if (amountInUsed < amountIn) {
            MockERC20(tokenIn).burn(address(this), amountIn - amountInUsed);
            MockERC20(tokenIn).approve(address(v3Router), 0);
        }
    }

    /// @notice Swaps in `pool` until its spot price of `token` is `targetPrice36` (in the pool's other token, 1e36
    /// scale, exact up to the `sqrtPriceX96` rounding), in one swap through the real router. Used to keep a pool at an
    /// oracle price or to manipulate it. Does nothing if the pool is already there.
    /// @return tokenIn The token sold (zero if nothing was done).
    /// @return amountIn The amount sold.
    /// @return amountOut The amount bought (sent to `v3Sink`).
    function _v3MovePrice(IUniswapV3Pool pool, address token, uint256 targetPrice36)
        internal
        returns (address tokenIn, uint256 amountIn, uint256 amountOut)
    {
        address quote = _v3Other(pool, token);
        uint160 target = _v3SqrtPriceX96(token, quote, targetPrice36);
        (uint160 current,,,,,,) = pool.slot0();
        if (target == current) return (address(0), 0, 0);
        // Selling token0 lowers sqrtPrice (token1 per token0); selling token1 raises it.
        bool zeroForOne = target < current;
        tokenIn = zeroForOne ? pool.token0() : pool.token1();
        address tokenOut = zeroForOne ? pool.token1() : pool.token0();
        // Offer far more than needed: the pool stops at the limit and the router pulls only what was used.
        (amountIn, amountOut) = _v3Swap(tokenIn, tokenOut, pool.fee(), uint256(type(uint128).max), target, v3Sink);
    }

    /// @notice Multiplies the spot price of `token` in `pool` by `bps` / 10,000 (see `_v3MovePrice`).
    function _v3MovePriceBps(IUniswapV3Pool pool, address token, uint256 bps)
        internal
        returns (address tokenIn, uint256 amountIn, uint256 amountOut)
    {
        return _v3MovePrice(pool, token, Math.mulDiv(_v3SpotPrice36(pool, token), bps, 10_000));
    }
}
