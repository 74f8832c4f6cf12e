// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

// The parts of Uniswap V3 (`@uniswap/v3-core` 1.0.1, `@uniswap/v3-periphery` 1.4.4) that Ballast calls, declared here
// because Uniswap's own interface files are `pragma <0.8.0`. Signatures and struct layouts are those of the deployed
// contracts; only the documentation is ours.

/// @title IUniswapV3Pool
/// @notice A Uniswap V3 pool: the oracle, state and swap functions Ballast uses.
interface IUniswapV3Pool {
    /// @notice The pool's token with the lower address.
    function token0() external view returns (address);

    /// @notice The pool's token with the higher address.
    function token1() external view returns (address);

    /// @notice The pool's fee in hundredths of a bip (3000 = 0.3%).
    function fee() external view returns (uint24);

    /// @notice Spacing of the ticks a position may start or end at.
    function tickSpacing() external view returns (int24);

    /// @notice The liquidity in range at the current price.
    function liquidity() external view returns (uint128);

    /// @notice The current (spot) state. Never use `sqrtPriceX96` or `tick` as a price oracle: both move within one
    /// transaction.
    /// @return sqrtPriceX96 sqrt(token1 per token0) as a Q64.96.
    /// @return tick The current tick.
    /// @return observationIndex Index of the most recently written observation.
    /// @return observationCardinality Number of observation slots in use.
    /// @return observationCardinalityNext Number of slots the ring buffer grows to on the next write.
    /// @return feeProtocol Protocol fee of both tokens.
    /// @return unlocked Whether the pool is not locked by an ongoing call.
    function slot0()
        external
        view
        returns (
            uint160 sqrtPriceX96,
            int24 tick,
            uint16 observationIndex,
            uint16 observationCardinality,
            uint16 observationCardinalityNext,
            uint8 feeProtocol,
            bool unlocked
        );

    /// @notice Cumulative tick and seconds-per-liquidity at each of `secondsAgos` before now. Reverts with the string
    /// "OLD" when one of them is older than the oldest stored observation.
    /// @param secondsAgos How many seconds ago to read, each.
    /// @return tickCumulatives Tick × seconds accumulated since the pool was initialized, at each point.
    /// @return secondsPerLiquidityCumulativeX128s Seconds / in-range liquidity accumulated, at each point.
    function observe(uint32[] calldata secondsAgos)
        external
        view
        returns (int56[] memory tickCumulatives, uint160[] memory secondsPerLiquidityCumulativeX128s);

    /// @notice The observation stored at `index` of the ring buffer.
    function observations(uint256 index)
        external
        view
        returns (
            uint32 blockTimestamp,
            int56 tickCumulative,
            uint160 secondsPerLiquidityCumulativeX128,
            bool initialized
        );

    /// @notice Grows the observation ring buffer to at least `observationCardinalityNext` slots (paid by the caller).
    function increaseObservationCardinalityNext(uint16 observationCardinalityNext) external;

    /// @notice Sets the initial price of a freshly created pool.
    function initialize(uint160 sqrtPriceX96) external;
}

/// @title IUniswapV3Factory
/// @notice The Uniswap V3 factory: the registry of canonical pools.
interface IUniswapV3Factory {
    /// @notice The pool of `tokenA` and `tokenB` (either order) at `fee`, or zero if none exists.
    function getPool(address tokenA, address tokenB, uint24 fee) external view returns (address pool);

    /// @notice Creates the pool of `tokenA` and `tokenB` at `fee` (not yet initialized).
    function createPool(address tokenA, address tokenB, uint24 fee) external returns (address pool);

    /// @notice The tick spacing of fee tier `fee`, or zero if the tier is not enabled.
    function feeAmountTickSpacing(uint24 fee) external view returns (int24);
}

/// @title ISwapRouter
/// @notice The Uniswap V3 `SwapRouter` of `@uniswap/v3-periphery` 1.4.4 (the original router, with deadlines).
interface ISwapRouter {
    /// @notice Parameters of `exactInputSingle`.
    /// @param tokenIn The token sold.
    /// @param tokenOut The token bought.
    /// @param fee The fee tier of the pool to trade in.
    /// @param recipient Receiver of `tokenOut`.
    /// @param deadline Latest `block.timestamp` at which the swap may execute.
    /// @param amountIn Amount of `tokenIn` to sell (less is sold if `sqrtPriceLimitX96` is reached first).
    /// @param amountOutMinimum Least acceptable amount of `tokenOut`.
    /// @param sqrtPriceLimitX96 Price at which the swap stops; zero for none.
    struct ExactInputSingleParams {
        address tokenIn;
        address tokenOut;
        uint24 fee;
        address recipient;
        uint256 deadline;
        uint256 amountIn;
        uint256 amountOutMinimum;
        uint160 sqrtPriceLimitX96;
    }

    /// @notice Parameters of `exactInput`.
    /// @param path Packed `tokenIn, fee, token, fee, ..., tokenOut` (20-byte addresses, 3-byte fees).
    /// @param recipient Receiver of the last token of `path`.
    /// @param deadline Latest `block.timestamp` at which the swap may execute.
    /// @param amountIn Amount of the first token to sell.
    /// @param amountOutMinimum Least acceptable amount of the last token.
    struct ExactInputParams {
        bytes path;
        address recipient;
        uint256 deadline;
        uint256 amountIn;
        uint256 amountOutMinimum;
    }

    /// @notice Sells `params.amountIn` of `params.tokenIn` for `params.tokenOut` in one pool; pulls the input from
    /// the caller (approve the router first).
    /// @return amountOut The amount bought.
    function exactInputSingle(ExactInputSingleParams calldata params) external payable returns (uint256 amountOut);

    /// @notice Sells `params.amountIn` of the first token of `params.path` along the path.
    /// @return amountOut The amount of the last token bought.
    function exactInput(ExactInputParams calldata params) external payable returns (uint256 amountOut);
}

/// @title INonfungiblePositionManager
/// @notice The Uniswap V3 position manager (liquidity positions as ERC-721 tokens): the functions to open one.
interface INonfungiblePositionManager {
    /// @notice Parameters of `mint`.
    /// @param token0 The pool's token0.
    /// @param token1 The pool's token1.
    /// @param fee The pool's fee tier.
    /// @param tickLower Lower tick of the position (a multiple of the tick spacing).
    /// @param tickUpper Upper tick of the position (a multiple of the tick spacing).
    /// @param amount0Desired Most token0 to deposit.
    /// @param amount1Desired Most token1 to deposit.
    /// @param amount0Min Least token0 to deposit.
    /// @param amount1Min Least token1 to deposit.
    /// @param recipient Owner of the new position.
    /// @param deadline Latest `block.timestamp` at which the mint may execute.
    struct MintParams {
        address token0;
        address token1;
        uint24 fee;
        int24 tickLower;
        int24 tickUpper;
        uint256 amount0Desired;
        uint256 amount1Desired;
        uint256 amount0Min;
        uint256 amount1Min;
        address recipient;
        uint256 deadline;
    }

    /// @notice Creates the pool of `token0` < `token1` at `fee` and initializes it at `sqrtPriceX96`, unless it
    /// already exists (then does nothing but return it).
    function createAndInitializePoolIfNecessary(address token0, address token1, uint24 fee, uint160 sqrtPriceX96)
        external
        payable
        returns (address pool);

    /// @notice Opens a position; pulls the tokens from the caller (approve the manager first).
    /// @return tokenId The position's token id.
    /// @return liquidity The liquidity added.
    /// @return amount0 The token0 deposited.
    /// @return amount1 The token1 deposited.
    function mint(MintParams calldata params)
        external
        payable
        returns (uint256 tokenId, uint128 liquidity, uint256 amount0, uint256 amount1);
}
