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
///
/// Spot bound: a TWAP lags the market. `price` refuses (`SpotDeviatesFromTwap`) to answer while the pool's spot price
/// is more than `maxDeviationBps` away from the TWAP it would return, so a valid price is never further than that from
/// the pool's current price (the vault keeps its anti-dilution levy at least that large). It compares ticks: the spot
/// tick (`slot0`) must lie in [meanTick - T, meanTick + T - 1], T = `maxTickDeviation`, the largest tick distance whose
/// price ratio 1.0001^T is at most 1 + maxDeviationBps / 1e4. As `slot0.tick` is the floor of the spot price's exact
/// (fractional) tick s (or one below it, when a swap down ends exactly on an initialized tick), s lies within
/// [meanTick - T, meanTick + T], so |spot / price - 1| <= 1.0001^T - 1 <=
/// maxDeviationBps / 1e4 for the token as token0 or token1 (1 - 1.0001^-T <= 1.0001^T - 1). A zero bound refuses every
/// price. Moving the spot that far makes the price unavailable, never wrong: an attacker can only withhold it, for as
/// long as it pays to hold the pool away from the market.
///
/// A token's pool is set once for the life of the source (`PoolAlreadySet`); `removePool` is immediate but final (the
/// token can never be configured again here). To price a token otherwise, deploy a new source, which a vault adopts
/// through its time-delayed `setPriceSource`.
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
    /// @notice `token` has, or had until it was removed, the pool `pool`: a token's pool is set once for the life of
    /// the source (deploy a new source to price it otherwise).
    error PoolAlreadySet(address token, address pool);
    /// @notice The `bps` given as `maxDeviationBps` is above `cap` (`MAX_DEVIATION_BPS`).
    error DeviationAboveCap(uint256 bps, uint256 cap);
    /// @notice The spot tick `spotTick` of `pool` is too far from its mean tick `meanTick` over the window: the spot
    /// price is more than `maxDeviationBps` away from the TWAP (see the spot bound above).
    error SpotDeviatesFromTwap(address pool, int24 spotTick, int24 meanTick);

    /// @notice `token` is priced by the TWAP of `pool` over `window` seconds, with a liquidity floor of
    /// `2^minLiquidityLog2` (zero: none).
    event PoolSet(address indexed token, address indexed pool, uint32 window, uint8 minLiquidityLog2);
    /// @notice `token`'s pool was removed.
    event PoolRemoved(address indexed token);

    /// @notice The factory every configured pool must come from.
    function factory() external view returns (IUniswapV3Factory);

    /// @notice The configuration of `token`: all zero if it was never configured; a removed token keeps its `pool`
    /// (and `tokenIsToken0`) with a zero `window` and `minLiquidityLog2`.
    function poolConfig(address token) external view returns (PoolConfig memory);

    /// @notice T, the largest tick distance between the spot tick and the mean tick whose price ratio, 1.0001^T, is at
    /// most 1 + `maxDeviationBps` / 1e4; `price` accepts a spot tick in [meanTick - T, meanTick + T - 1] (see the spot
    /// bound above). Fixed at deployment.
    function maxTickDeviation() external view returns (int24);

    /// @notice Prices `token` with the TWAP of `pool` over `window` seconds, provided the pool's harmonic-mean
    /// in-range liquidity over the window is at least `2^minLiquidityLog2` (zero: no floor). Owner only. Once only:
    /// reverts with `PoolAlreadySet` if `token` has, or ever had, a pool here (also after `removePool`).
    /// @dev Reverts with `PoolMismatch` if `pool` does not hold exactly `token` and the quote asset, with
    /// `PoolNotFromFactory` if the factory does not list it, with `PoolNotInitialized` if it has no price, with
    /// `InvalidWindow` or `InvalidMinLiquidity` if a bound is out of range. The pool's history need not cover
    /// `window` yet: `price` reverts until it does.
    function setPool(address token, IUniswapV3Pool pool, uint32 window, uint8 minLiquidityLog2) external;

    /// @notice Stops pricing `token`, at once and for good: it keeps its key, but can never be configured again at
    /// this source (`PoolAlreadySet`); deploy a new source to price it again, which a vault adopts through its
    /// time-delayed `setPriceSource`. Owner only.
    function removePool(address token) external;

    /// @notice The arithmetic-mean tick of `token`'s pool over its window, rounded toward negative infinity.
    /// @dev Reverts as `price` does, except that it does not compare the spot tick with the mean: it reports the mean
    /// whatever the spot (`SpotDeviatesFromTwap` is `price`'s alone).
    function meanTick(address token) external view returns (int24);
}

/// @title UniswapV3TwapPriceSource
/// @notice Prices many tokens from Uniswap V3 TWAPs against the quote asset (see `IUniswapV3TwapPriceSource`).
contract UniswapV3TwapPriceSource is IUniswapV3TwapPriceSource, Ownable2Step {
    /// @notice Shortest TWAP window accepted in configuration.
    uint32 public constant MIN_WINDOW = 5 minutes;
    /// @notice Longest TWAP window accepted in configuration.
    uint32 public constant MAX_WINDOW = 1 days;
    /// @notice Largest `maxDeviationBps` a source accepts (5%, a tick distance of 487).
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
    /// @dev The spot-to-TWAP bound `price` enforces (see the spot bound in `IUniswapV3TwapPriceSource`), at most
    /// `MAX_DEVIATION_BPS`.
    uint16 public immutable maxDeviationBps;
    /// @inheritdoc IUniswapV3TwapPriceSource
    int24 public immutable maxTickDeviation;

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
        maxTickDeviation = _tickBound(maxDeviationBps_);
    }

    /// @inheritdoc IUniswapV3TwapPriceSource
    function setPool(address token, IUniswapV3Pool pool, uint32 window, uint8 minLiquidityLog2) external onlyOwner {
        if (token == address(0) || address(pool) == address(0)) revert ZeroAddress();
        // Keys are never taken back, so a key means a pool now or before (`_configs` keeps a removed one).
        if (_keyPlusOne[token] != 0) revert PoolAlreadySet(token, address(_configs[token].pool));
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
        uint256 key = _keyCount++;
        _keyPlusOne[token] = key + 1;
        _tokenOfKey[key] = token;
        emit PoolSet(token, address(pool), window, minLiquidityLog2);
    }

    /// @inheritdoc IUniswapV3TwapPriceSource
    /// @dev Keeps the removed pool in `_configs` (with a zero window, the mark of a removal: every configured window
    /// is at least `MIN_WINDOW`) so that `PoolAlreadySet` names it.
    function removePool(address token) external onlyOwner {
        PoolConfig storage c = _configs[token];
        if (c.window == 0) revert TokenNotConfigured(token);
        (c.window, c.minLiquidityLog2) = (0, 0);
        emit PoolRemoved(token);
    }

    /// @inheritdoc IPriceSource
    /// @dev Also reverts with `SpotDeviatesFromTwap` while the pool's spot price is beyond the spot bound.
    function price(address token) external view returns (uint256 price36) {
        PoolConfig memory c = _config(token);
        int24 tick = _meanTick(token, c);
        _checkSpot(c.pool, tick);
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
        // Zero window: never configured, or removed.
        if (c.window == 0) revert TokenNotConfigured(token);
    }

    /// @dev Reverts unless the spot tick of `pool` lies in [mean - T, mean + T - 1] (T = `maxTickDeviation`; see the
    /// spot bound in `IUniswapV3TwapPriceSource`). Called after `observe`, which has warmed the pool's slot0.
    function _checkSpot(IUniswapV3Pool pool, int24 mean) internal view {
        // slither-disable-next-line unused-return -- only the tick
        (, int24 spot,,,,,) = pool.slot0();
        int256 distance = int256(spot) - int256(mean);
        int256 bound = int256(maxTickDeviation);
        if (distance < -bound || distance >= bound) revert SpotDeviatesFromTwap(address(pool), spot, mean);
    }

    /// @dev T for a bound of `bps` basis points: the largest T with 1.0001^T <= 1 + bps / 1e4, found by stepping
    /// p_t = ceil(p_(t-1) * 1.0001) (at the 1e36 scale, p_0 = 1e36 exactly) while p_t stays within the bound. Every
    /// rounding is up, so p_t >= 1.0001^t * 1e36: a T accepted here always meets the bound (conservative, never more
    /// than `bps`). The roundings add under 600 units of 1e36 over the at most 488 steps, so they could only refuse a
    /// T whose 1.0001^T is within 6e-34 of the bound; for every bps in [0, 500], 1.0001^T and 1.0001^(T + 1) are at
    /// least 9.9e-9 (relative) away from it, except where 1.0001^T equals it (bps 0 and 1, T = 0 and 1), which the
    /// steps compute exactly. So T is exactly floor(ln(1 + bps / 1e4) / ln(1.0001)) for every allowed bps (the tests
    /// check it against rounded-up and rounded-down bounds of 1.0001^T at the 1e70 scale). 487 for 500 bps.
    function _tickBound(uint256 bps) internal pure returns (int24 ticks) {
        uint256 limit = (10_000 + bps) * 1e32;
        uint256 p = 1e36;
        while (true) {
            p = (p * 10_001 + 9999) / 10_000;
            if (p > limit) return ticks;
            ++ticks;
        }
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
