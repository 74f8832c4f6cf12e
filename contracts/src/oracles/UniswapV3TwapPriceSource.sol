// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {IPriceSource} from "../interfaces/IPriceSource.sol";
import {IUniswapV3Factory, IUniswapV3Pool} from "../interfaces/IUniswapV3.sol";
import {TickMath} from "../libraries/TickMath.sol";

/// @title IUniswapV3TwapPriceSource
/// @notice A price source that serves many tokens from time-weighted average prices (TWAPs) of Uniswap V3 pools
/// against the quote asset.
/// @dev The price of a token is the pool's geometric-mean price over the configured window, from the arithmetic mean
/// of the pool's tick accumulator (`observe([window, 0])`), never the spot `slot0` price. Moving a TWAP costs an
/// attacker holding the pool price away from the market for a large part of the window, block after block. The
/// assumptions, which the owner must check before configuring a pool:
/// - the pool is deep enough over the whole window that holding its price away from the market for minutes is
///   unprofitable (a thin pool is cheap to manipulate whatever the window; prefer Chainlink for such tokens). A floor
///   on the pool's harmonic-mean in-range liquidity over the window (`minLiquidityLog2`) makes `price` revert when the
///   liquidity is pulled, as an attacker would before moving the price;
/// - the pool's observation buffer (`increaseObservationCardinalityNext`) holds at least one observation per block
///   over the window when the pool is busy, otherwise `price` reverts with `ObservationTooOld`;
/// - the mean tick is rounded toward negative infinity, as in Uniswap's `OracleLibrary.consult`, so a price is within
///   one tick (0.01%) of the exact geometric mean.
interface IUniswapV3TwapPriceSource is IPriceSource {
    /// @notice Per-token configuration, one storage slot.
    /// @param pool The Uniswap V3 pool of the token and the quote asset.
    /// @param window The TWAP window, in seconds.
    /// @param tokenIsToken0 Whether the token is the pool's token0 (else the quote asset is).
    /// @param minLiquidityLog2 `price` reverts unless the harmonic mean of the pool's in-range liquidity over the
    /// window is at least `2^minLiquidityLog2` (zero: no floor).
    struct PoolConfig {
        IUniswapV3Pool pool;
        uint32 window;
        bool tokenIsToken0;
        uint8 minLiquidityLog2;
    }

    /// @notice `token` has no pool configured.
    error TokenNotConfigured(address token);
    /// @notice `pool` does not hold `token` and the quote asset: its tokens are `token0` and `token1`.
    error PoolMismatch(address token, address pool, address token0, address token1);
    /// @notice `pool` is not the pool the trusted factory lists for its tokens and fee (it lists `listed`).
    error PoolNotFromFactory(address pool, address listed);
    /// @notice `pool` has no price yet (not initialized).
    error PoolNotInitialized(address pool);
    /// @notice `window` is outside [`MIN_WINDOW`, `MAX_WINDOW`].
    error InvalidWindow(uint256 window);
    /// @notice `minLiquidityLog2` is above 127.
    error InvalidMinLiquidity(uint8 minLiquidityLog2);
    /// @notice The harmonic-mean in-range liquidity of `pool` over the window, `liquidity`, is below `minimum`.
    error InsufficientLiquidity(address token, address pool, uint256 liquidity, uint256 minimum);
    /// @notice `pool`'s observations of `token` cover only the last `available` seconds, less than `window`: wait, or
    /// grow the pool's observation buffer.
    error ObservationTooOld(address token, address pool, uint32 window, uint32 available);
    /// @notice `pool.observe` failed for `token` with `reason` (other than a too-short history).
    error ObserveFailed(address token, address pool, bytes reason);
    /// @notice The TWAP of `token` at mean tick `tick` rounds to a zero price.
    error ZeroPrice(address token, int24 tick);
    /// @notice A zero address was given.
    error ZeroAddress();
    /// @notice `prices` was left with `left` gas, less than the `needed` to price a token with its full allowance.
    error InsufficientGasForKey(uint256 left, uint256 needed);
    /// @notice The `bps` given as `maxDeviationBps` is above `cap` (`MAX_DEVIATION_BPS`).
    error DeviationAboveCap(uint256 bps, uint256 cap);

    /// @notice `token` is priced by the TWAP of `pool` over `window` seconds, with a liquidity floor of
    /// `2^minLiquidityLog2` (zero: none).
    event PoolSet(address indexed token, address indexed pool, uint32 window, uint8 minLiquidityLog2);
    /// @notice `token`'s pool was removed.
    event PoolRemoved(address indexed token);

    /// @notice The factory every configured pool must come from.
    function factory() external view returns (IUniswapV3Factory);

    /// @notice The configuration of `token` (zero pool when none).
    function poolConfig(address token) external view returns (PoolConfig memory);

    /// @notice Prices `token` with the TWAP of `pool` over `window` seconds, provided the pool's harmonic-mean
    /// in-range liquidity over the window is at least `2^minLiquidityLog2` (zero: no floor). Owner only.
    /// @dev Reverts with `PoolMismatch` if `pool` does not hold exactly `token` and the quote asset, with
    /// `PoolNotFromFactory` if the factory does not list it, with `PoolNotInitialized` if it has no price, with
    /// `InvalidWindow` or `InvalidMinLiquidity` if a bound is out of range. The pool's history need not cover
    /// `window` yet: `price` reverts until it does.
    function setPool(address token, IUniswapV3Pool pool, uint32 window, uint8 minLiquidityLog2) external;

    /// @notice Stops pricing `token`. Owner only.
    function removePool(address token) external;

    /// @notice The arithmetic-mean tick of `token`'s pool over its window, rounded toward negative infinity.
    /// @dev Reverts as `price` does.
    function meanTick(address token) external view returns (int24);
}

/// @title UniswapV3TwapPriceSource
/// @notice Prices many tokens from Uniswap V3 TWAPs against the quote asset (see `IUniswapV3TwapPriceSource`).
contract UniswapV3TwapPriceSource is IUniswapV3TwapPriceSource, Ownable2Step {
    /// @notice Shortest TWAP window accepted in configuration.
    uint32 public constant MIN_WINDOW = 5 minutes;
    /// @notice Longest TWAP window accepted in configuration.
    uint32 public constant MAX_WINDOW = 1 days;
    /// @notice Largest `maxDeviationBps` a source accepts (5%).
    uint16 public constant MAX_DEVIATION_BPS = 500;

    /// @dev The revert data of `observe` when the window reaches before the oldest observation.
    bytes32 internal constant OLD_REASON_HASH = keccak256(abi.encodeWithSignature("Error(string)", "OLD"));
    /// @notice Gas forwarded to the pricing of one key in `prices` (a call of `price` on this contract): far above a
    /// TWAP read (about 30k cold), and, with the per-key work, within the `PRICE_GAS` (100,000) a caller grants per key.
    uint256 public constant KEY_GAS = 90_000;

    /// @inheritdoc IPriceSource
    address public immutable quoteAsset;
    /// @inheritdoc IUniswapV3TwapPriceSource
    IUniswapV3Factory public immutable factory;
    /// @inheritdoc IPriceSource
    /// @dev The spot-to-TWAP bound of the source, at most `MAX_DEVIATION_BPS`. Stored only: `price` does not compare
    /// the spot with the TWAP yet.
    uint16 public immutable maxDeviationBps;

    mapping(address token => PoolConfig) internal _configs;
    /// @dev The token with a given key.
    mapping(uint256 key => address) internal _tokenOfKey;
    /// @dev One plus the key of a token (zero: never configured).
    mapping(address token => uint256) internal _keyPlusOne;
    /// @dev Keys given so far: the next token configured gets this one.
    uint256 internal _keyCount;

    /// @param owner_ The owner (configures the pools).
    /// @param quoteAsset_ The quote asset (the vault's stablecoin).
    /// @param factory_ The factory every configured pool must come from.
    /// @param maxDeviationBps_ `maxDeviationBps`, at most `MAX_DEVIATION_BPS` (else `DeviationAboveCap`).
    constructor(address owner_, address quoteAsset_, IUniswapV3Factory factory_, uint16 maxDeviationBps_)
        Ownable(owner_)
    {
        if (quoteAsset_ == address(0) || address(factory_) == address(0)) revert ZeroAddress();
        if (maxDeviationBps_ > MAX_DEVIATION_BPS) revert DeviationAboveCap(maxDeviationBps_, MAX_DEVIATION_BPS);
        quoteAsset = quoteAsset_;
        factory = factory_;
        maxDeviationBps = maxDeviationBps_;
    }

    /// @inheritdoc IUniswapV3TwapPriceSource
    function setPool(address token, IUniswapV3Pool pool, uint32 window, uint8 minLiquidityLog2) external onlyOwner {
        if (token == address(0) || address(pool) == address(0)) revert ZeroAddress();
        if (window < MIN_WINDOW || window > MAX_WINDOW) revert InvalidWindow(window);
        if (minLiquidityLog2 > 127) revert InvalidMinLiquidity(minLiquidityLog2);
        address token0 = pool.token0();
        address token1 = pool.token1();
        bool tokenIsToken0 = token0 == token && token1 == quoteAsset;
        if (!tokenIsToken0 && !(token1 == token && token0 == quoteAsset)) {
            revert PoolMismatch(token, address(pool), token0, token1);
        }
        address listed = factory.getPool(token0, token1, pool.fee());
        if (listed != address(pool)) revert PoolNotFromFactory(address(pool), listed);
        // slither-disable-next-line unused-return -- only the price is checked
        (uint160 sqrtPriceX96,,,,,,) = pool.slot0();
        if (sqrtPriceX96 == 0) revert PoolNotInitialized(address(pool));

        _configs[token] =
            PoolConfig({pool: pool, window: window, tokenIsToken0: tokenIsToken0, minLiquidityLog2: minLiquidityLog2});
        if (_keyPlusOne[token] == 0) {
            uint256 key = _keyCount++;
            _keyPlusOne[token] = key + 1;
            _tokenOfKey[key] = token;
        }
        emit PoolSet(token, address(pool), window, minLiquidityLog2);
    }

    /// @inheritdoc IUniswapV3TwapPriceSource
    function removePool(address token) external onlyOwner {
        if (address(_configs[token].pool) == address(0)) revert TokenNotConfigured(token);
        delete _configs[token];
        emit PoolRemoved(token);
    }

    /// @inheritdoc IPriceSource
    function price(address token) external view returns (uint256 price36) {
        PoolConfig memory c = _config(token);
        int24 tick = _meanTick(token, c);
        price36 = TickMath.getPrice36AtTick(tick, c.tokenIsToken0);
        if (price36 == 0) revert ZeroPrice(token, tick);
    }

    /// @inheritdoc IPriceSource
    function priceKey(address token) external view returns (uint256) {
        uint256 keyPlusOne = _keyPlusOne[token];
        if (keyPlusOne == 0) revert TokenNotConfigured(token);
        return keyPlusOne - 1;
    }

    /// @inheritdoc IPriceSource
    /// @dev Each key is priced by a call of `price` on this contract with exactly `KEY_GAS`, of whose answer only one
    /// word is read; a revert, a short answer or a zero gives 0 for that key.
    function prices(uint256[] calldata keys) external view returns (uint256[] memory out) {
        uint256 n = keys.length;
        out = new uint256[](n);
        uint256 needed = KEY_GAS + KEY_GAS / 63 + 2000;
        for (uint256 i; i < n; ++i) {
            address token = _tokenOfKey[keys[i]];
            if (token == address(0)) continue;
            if (gasleft() < needed) revert InsufficientGasForKey(gasleft(), needed);
            bool ok;
            uint256 p;
            assembly ("memory-safe") {
                let m := mload(0x40)
                mstore(m, shl(224, 0xaea91078)) // price(address)
                mstore(add(m, 0x04), token)
                ok := staticcall(KEY_GAS, address(), m, 0x24, m, 0x20)
                ok := and(ok, gt(returndatasize(), 0x1f))
                p := mload(m)
            }
            if (ok) out[i] = p;
        }
    }

    /// @inheritdoc IUniswapV3TwapPriceSource
    function meanTick(address token) external view returns (int24) {
        return _meanTick(token, _config(token));
    }

    /// @inheritdoc IUniswapV3TwapPriceSource
    function poolConfig(address token) external view returns (PoolConfig memory) {
        return _configs[token];
    }

    function _config(address token) internal view returns (PoolConfig memory c) {
        c = _configs[token];
        if (address(c.pool) == address(0)) revert TokenNotConfigured(token);
    }

    /// @dev The arithmetic mean of the pool's tick over the last `c.window` seconds, rounded toward negative infinity;
    /// checks the liquidity floor.
    function _meanTick(address token, PoolConfig memory c) internal view returns (int24 tick) {
        uint32[] memory secondsAgos = new uint32[](2);
        secondsAgos[0] = c.window;
        try c.pool.observe(secondsAgos) returns (
            int56[] memory tickCumulatives, uint160[] memory secondsPerLiquidityCumulativeX128s
        ) {
            int56 delta = tickCumulatives[1] - tickCumulatives[0];
            int56 window = int56(uint56(c.window));
            // |delta / window| <= MAX_TICK, so the cast is lossless.
            tick = int24(delta / window);
            if (delta < 0 && delta % window != 0) --tick;
            if (c.minLiquidityLog2 != 0) {
                _checkLiquidity(token, c, secondsPerLiquidityCumulativeX128s[1], secondsPerLiquidityCumulativeX128s[0]);
            }
        } catch (bytes memory reason) {
            if (keccak256(reason) == OLD_REASON_HASH) {
                revert ObservationTooOld(token, address(c.pool), c.window, _history(c.pool));
            }
            revert ObserveFailed(token, address(c.pool), reason);
        }
    }

    /// @dev Reverts unless the harmonic mean of the in-range liquidity over the window, window / sum(dt / L), is at
    /// least 2^minLiquidityLog2. The pool accumulates dt / max(L, 1) in Q128, so an empty pool fails the check.
    function _checkLiquidity(address token, PoolConfig memory c, uint160 cumulativeNow, uint160 cumulativeThen)
        internal
        pure
    {
        uint256 delta;
        unchecked {
            // The accumulator wraps like the pool's (Solidity <0.8 arithmetic).
            delta = uint160(cumulativeNow - cumulativeThen);
        }
        // window < 2^32, so (window << 128) fits. Each second adds 2^128 / L >= 1 (L < 2^128), so delta >= window > 0;
        // the zero branch is defensive only.
        uint256 harmonicMean = delta == 0 ? type(uint256).max : (uint256(c.window) << 128) / delta;
        uint256 minimum = uint256(1) << c.minLiquidityLog2;
        if (harmonicMean < minimum) revert InsufficientLiquidity(token, address(c.pool), harmonicMean, minimum);
    }

    /// @dev How many seconds back `pool`'s oldest stored observation reaches (only computed on the revert path).
    function _history(IUniswapV3Pool pool) internal view returns (uint32) {
        // slither-disable-next-line unused-return -- only the index and the cardinality
        (,, uint16 index, uint16 cardinality,,,) = pool.slot0();
        if (cardinality == 0) return 0;
        // slither-disable-next-line unused-return -- only the timestamp and the initialized flag
        (uint32 oldest,,, bool initialized) = pool.observations((uint256(index) + 1) % cardinality);
        // slither-disable-next-line unused-return -- only the timestamp
        if (!initialized) (oldest,,,) = pool.observations(0);
        unchecked {
            // Timestamps are stored mod 2^32, as the pool does.
            return uint32(block.timestamp) - oldest;
        }
    }
}
