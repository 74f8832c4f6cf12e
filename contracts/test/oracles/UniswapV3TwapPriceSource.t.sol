// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IUniswapV3Factory, IUniswapV3Pool} from "../../src/interfaces/IUniswapV3.sol";
import {TickMath} from "../../src/libraries/TickMath.sol";
import {VaultMath} from "../../src/libraries/VaultMath.sol";
import {IUniswapV3TwapPriceSource, UniswapV3TwapPriceSource} from "../../src/oracles/UniswapV3TwapPriceSource.sol";
import {UniswapV3World} from "../utils/UniswapV3World.sol";
import {MockERC20} from "../utils/MockERC20.sol";

/// @notice Tokens in both address orders against a quote asset.
abstract contract OrderedTokens is UniswapV3World {
    /// @dev Deploys MockERC20s until one sorts below (`asToken0`) or above `quote`; deterministic.
    function _tokenOrdered(address quote, uint8 decimals, bool asToken0) internal returns (MockERC20 token) {
        for (uint256 i;; ++i) {
            token = new MockERC20(string.concat("Token ", vm.toString(i)), "TKN", decimals);
            if ((address(token) < quote) == asToken0) return token;
        }
    }
}

/// @notice TickMath against the published algorithm's known values, the real pool bytecode, and properties.
contract TickMathTest is OrderedTokens {
    MockERC20 internal tokenA;
    MockERC20 internal tokenB;

    function setUp() public {
        _deployUniswapV3();
        tokenA = new MockERC20("A", "A", 18);
        tokenB = new MockERC20("B", "B", 18);
    }

    function sqrtAt(int24 tick) external pure returns (uint160) {
        return TickMath.getSqrtRatioAtTick(tick);
    }

    function test_knownValues() public pure {
        assertEq(TickMath.getSqrtRatioAtTick(0), 1 << 96);
        assertEq(TickMath.getSqrtRatioAtTick(TickMath.MIN_TICK), TickMath.MIN_SQRT_RATIO);
        assertEq(TickMath.getSqrtRatioAtTick(TickMath.MAX_TICK), TickMath.MAX_SQRT_RATIO);
        assertEq(TickMath.getPrice36AtTick(0, true), 1e36);
        assertEq(TickMath.getPrice36AtTick(0, false), 1e36);
        // 1.0001^1 and 1.0001^-1, to 1e-30 relative.
        assertApproxEqRel(TickMath.getPrice36AtTick(1, true), 1.0001e36, 1e-12 ether);
        assertApproxEqRel(TickMath.getPrice36AtTick(1, false), 0.999900009999000099990000999900009999e36, 1e-12 ether);
        // 1.0001^100000 = 22015.456048552198645701456581658...
        assertApproxEqRel(TickMath.getPrice36AtTick(100_000, true), 22_015.456048552198645701456581e36, 1e-12 ether);
    }

    function test_revert_tickOutOfRange() public {
        vm.expectRevert(abi.encodeWithSelector(TickMath.TickOutOfRange.selector, TickMath.MIN_TICK - 1));
        this.sqrtAt(TickMath.MIN_TICK - 1);
        vm.expectRevert(abi.encodeWithSelector(TickMath.TickOutOfRange.selector, TickMath.MAX_TICK + 1));
        this.sqrtAt(TickMath.MAX_TICK + 1);
    }

    /// @dev Bit-exact against the deployed pool: a pool initialized at `getSqrtRatioAtTick(t)` reports tick `t`, and
    /// one initialized one unit lower reports `t - 1` (the pool computes its tick from the price with its own TickMath).
    function testFuzz_sqrtRatioMatchesRealPool(int24 tick) public {
        tick = int24(bound(tick, TickMath.MIN_TICK + 1, TickMath.MAX_TICK - 1));
        uint160 sqrtP = TickMath.getSqrtRatioAtTick(tick);

        IUniswapV3Pool exact = IUniswapV3Pool(v3Factory.createPool(address(tokenA), address(tokenB), 3000));
        exact.initialize(sqrtP);
        (uint160 s0, int24 t0,,,,,) = exact.slot0();
        assertEq(s0, sqrtP);
        assertEq(t0, tick, "pool tick at sqrt(tick)");

        IUniswapV3Pool below = IUniswapV3Pool(v3Factory.createPool(address(tokenA), address(tokenB), 500));
        below.initialize(sqrtP - 1);
        (, int24 t1,,,,,) = below.slot0();
        assertEq(t1, tick - 1, "pool tick just below sqrt(tick)");
    }

    /// @dev After a real swap, the pool's price lies in [sqrt(tick), sqrt(tick + 1)).
    function testFuzz_poolPriceWithinItsTick(uint256 amountIn, bool sellToken0) public {
        IUniswapV3Pool pool = _v3CreatePool(address(tokenA), address(tokenB), 2e36, 1_000_000e18);
        amountIn = bound(amountIn, 1e12, 2_000_000e18);
        (address tokenIn, address tokenOut) =
            sellToken0 ? (pool.token0(), pool.token1()) : (pool.token1(), pool.token0());
        _v3Swap(tokenIn, tokenOut, amountIn, address(this));
        (uint160 sqrtP, int24 tick,,,,,) = pool.slot0();
        assertLe(TickMath.getSqrtRatioAtTick(tick), sqrtP);
        assertGt(TickMath.getSqrtRatioAtTick(tick + 1), sqrtP);
    }

    function testFuzz_monotonicInTick(int24 tick) public pure {
        tick = int24(bound(tick, TickMath.MIN_TICK, TickMath.MAX_TICK - 1));
        assertLt(TickMath.getSqrtRatioAtTick(tick), TickMath.getSqrtRatioAtTick(tick + 1));
        assertLe(TickMath.getPrice36AtTick(tick, true), TickMath.getPrice36AtTick(tick + 1, true));
        assertGe(TickMath.getPrice36AtTick(tick, false), TickMath.getPrice36AtTick(tick + 1, false));
    }

    /// @dev Where both prices carry at least 12 significant digits, price(base = token0) × price(base = token1) is
    /// 1e72, and the price at `tick` with token0 as base equals the price at `-tick` with token1 as base.
    function testFuzz_inverseSymmetry(int24 tick) public pure {
        tick = int24(bound(tick, -550_000, 550_000));
        uint256 p0 = TickMath.getPrice36AtTick(tick, true);
        uint256 p1 = TickMath.getPrice36AtTick(tick, false);
        assertApproxEqRel(p0 * p1, 1e72, 1e-9 ether);
        assertApproxEqRel(p0, TickMath.getPrice36AtTick(-tick, false), 1e-9 ether);
    }

    /// @dev The quote of an amount agrees with the 1e36 price (the price is the quote of 1e36 base units) and with the
    /// Q192 formula of Uniswap's OracleLibrary for uint128 amounts.
    function testFuzz_quoteAtTick(int24 tick, uint128 amount) public view {
        tick = int24(bound(tick, -400_000, 400_000));
        address base = address(tokenA);
        address quote = address(tokenB);
        uint256 q = TickMath.getQuoteAtTick(tick, amount, base, quote);
        uint256 sqrtP = TickMath.getSqrtRatioAtTick(tick);
        uint256 expected;
        if (sqrtP <= type(uint128).max) {
            uint256 ratioX192 = sqrtP * sqrtP;
            expected =
                base < quote ? Math.mulDiv(ratioX192, amount, 1 << 192) : Math.mulDiv(1 << 192, amount, ratioX192);
        } else {
            uint256 ratioX128 = Math.mulDiv(sqrtP, sqrtP, 1 << 64);
            expected =
                base < quote ? Math.mulDiv(ratioX128, amount, 1 << 128) : Math.mulDiv(1 << 128, amount, ratioX128);
        }
        assertEq(q, expected);
        uint256 p = TickMath.getPrice36AtTick(tick, base < quote);
        // The price is rounded down by less than one unit of the 1e36 scale, so amount * price / 1e36 is below the
        // exact quote by at most amount / 1e36 + 1.
        assertApproxEqAbs(Math.mulDiv(amount, p, 1e36), q, uint256(amount) / 1e36 + 1);
    }
}

/// @notice The TWAP source on real Uniswap V3 pools. The sources here enforce the widest spot bound, `BOUND` (500 bps,
/// `MAX_DEVIATION_BPS`), so that the pools may move as the tests need; the bound itself is tested below.
contract UniswapV3TwapPriceSourceTest is OrderedTokens {
    uint32 internal constant WINDOW = 30 minutes;
    uint16 internal constant BOUND = 500;

    address internal owner = makeAddr("owner");
    MockERC20 internal usdc;
    UniswapV3TwapPriceSource internal source;

    function setUp() public {
        vm.warp(1_700_000_000);
        vm.roll(20_000_000);
        _deployUniswapV3();
        usdc = new MockERC20("USD Coin", "USDC", 6);
        source = new UniswapV3TwapPriceSource(owner, address(usdc), v3Factory, BOUND);
    }

    // ------------------------------------------------------------------ helpers

    /// @dev A source quoting in `quote`, a token of `dec` decimals on the requested side, its pool at `price36` with
    /// $10M-equivalent liquidity and 100 observation slots, configured with `WINDOW`.
    function _world(MockERC20 quote, uint8 dec, bool asToken0, uint256 price36)
        internal
        returns (UniswapV3TwapPriceSource src, MockERC20 token, IUniswapV3Pool pool)
    {
        src = address(quote) == address(usdc)
            ? source
            : new UniswapV3TwapPriceSource(owner, address(quote), v3Factory, BOUND);
        token = _tokenOrdered(address(quote), dec, asToken0);
        pool = _v3CreatePool(address(token), address(quote), V3_FEE, price36, 10_000_000 * 10 ** quote.decimals(), 100);
        vm.prank(owner);
        src.setPool(address(token), pool, WINDOW, 0);
        assertEq(address(token) == pool.token0(), asToken0);
    }

    /// @dev The price at the pool's current tick with `token` as base: what a TWAP over a quiet window must return.
    function _priceAtCurrentTick(IUniswapV3Pool pool, address token) internal view returns (uint256) {
        (, int24 tick,,,,,) = pool.slot0();
        return TickMath.getPrice36AtTick(tick, token == pool.token0());
    }

    // ------------------------------------------------------------------ prices

    /// @dev Both orderings, decimals 6/8/18 on both sides, prices from $0.0001 to $60,000 per whole token.
    function test_price_matchesPool_allDecimalsAndOrderings() public {
        uint8[3] memory decs = [uint8(6), 8, 18];
        uint256[3] memory humanPrices = [uint256(60_000e18), 1.5e18, 0.0001e18];
        for (uint256 q; q < 3; ++q) {
            MockERC20 quote = decs[q] == 6 ? usdc : new MockERC20("Quote", "Q", decs[q]);
            for (uint256 t; t < 3; ++t) {
                for (uint256 side; side < 2; ++side) {
                    uint256 target = _v3Price36(humanPrices[(q + t + side) % 3], decs[t], decs[q]);
                    _checkMatchesPool(quote, decs[t], side == 0, target);
                }
            }
        }
    }

    function testFuzz_price_matchesPool(uint256 humanPrice, uint8 tokenDecSeed, uint8 quoteDecSeed, bool asToken0)
        public
    {
        uint8[3] memory decs = [uint8(6), 8, 18];
        uint8 tokenDec = decs[tokenDecSeed % 3];
        uint8 quoteDec = decs[quoteDecSeed % 3];
        humanPrice = bound(humanPrice, 1e10, 1e24); // $0.00000001 .. $1,000,000 per whole token
        MockERC20 quote = quoteDec == 6 ? usdc : new MockERC20("Quote", "Q", quoteDec);
        _checkMatchesPool(quote, tokenDec, asToken0, _v3Price36(humanPrice, tokenDec, quoteDec));
    }

    function _checkMatchesPool(MockERC20 quote, uint8 dec, bool asToken0, uint256 target) internal {
        (UniswapV3TwapPriceSource src, MockERC20 token, IUniswapV3Pool pool) = _world(quote, dec, asToken0, target);
        _v3Advance(WINDOW + 60);
        uint256 p = src.price(address(token));
        // A quiet window: the mean tick is the current tick, exactly.
        assertEq(p, _priceAtCurrentTick(pool, address(token)), "price at the pool's tick");
        // Within one tick (0.01%) of the price the pool was created at, and of its spot price.
        assertApproxEqRel(p, target, 1.0001e14, "price vs pool's initial price");
        assertApproxEqRel(p, _v3SpotPrice36(pool, address(token)), 1.0001e14, "price vs spot");
    }

    /// @dev The mean tick is the time-weighted arithmetic mean of the pool's ticks, rounded toward negative infinity,
    /// over a window in which the price moved twice.
    function testFuzz_meanTick_isTimeWeightedMean(uint256 move1, uint256 move2, uint256 dt1, bool asToken0) public {
        (UniswapV3TwapPriceSource src, MockERC20 token, IUniswapV3Pool pool) =
            _world(usdc, 18, asToken0, _v3Price36(3000e18, 18, 6));
        _v3Advance(2 hours);
        move1 = bound(move1, 5000, 20_000);
        move2 = bound(move2, 5000, 20_000);
        dt1 = bound(dt1, 12, WINDOW - 12);

        uint256 t0 = block.timestamp;
        (, int24 tickA,,,,,) = pool.slot0();
        _v3MovePriceBps(pool, address(token), move1);
        (, int24 tickB,,,,,) = pool.slot0();
        _v3Advance(dt1);
        _v3MovePriceBps(pool, address(token), move2);
        (, int24 tickC,,,,,) = pool.slot0();
        _v3Advance(WINDOW - dt1);
        assertEq(block.timestamp - t0, WINDOW);

        // Over [t0, t0 + WINDOW]: tickB for dt1 seconds, tickC for the rest (tickA held for zero seconds).
        int256 sum = int256(tickB) * int256(dt1) + int256(tickC) * int256(uint256(WINDOW) - dt1);
        int256 expected = sum / int256(uint256(WINDOW));
        if (sum < 0 && sum % int256(uint256(WINDOW)) != 0) --expected;
        assertEq(src.meanTick(address(token)), expected);
        // `price` answers at the mean tick while the spot tick (tickC) is within the bound, and refuses beyond it.
        int256 t = int256(src.maxTickDeviation());
        if (tickC >= expected - t && tickC < expected + t) {
            assertEq(src.price(address(token)), TickMath.getPrice36AtTick(int24(expected), asToken0));
        } else {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IUniswapV3TwapPriceSource.SpotDeviatesFromTwap.selector, address(pool), tickC, int24(expected)
                )
            );
            src.price(address(token));
        }
        tickA; // the starting tick carries no weight
    }

    // ------------------------------------------------------------------ manipulation

    /// @dev A one-block spot manipulation (a swap moving the pool price +50%) leaves the TWAP unchanged in its own
    /// block and moves it by about 12 s / 30 min of the move if held for a whole block, while slot0 moves 50%. While
    /// the spot is that far from the TWAP, `price` refuses to answer (the spot bound); once the spot is back, it
    /// answers the barely moved TWAP.
    function test_manipulation_oneBlockSpotMoveBarelyMovesTwap() public {
        (UniswapV3TwapPriceSource src, MockERC20 token, IUniswapV3Pool pool) =
            _world(usdc, 18, true, _v3Price36(3000e18, 18, 6));
        _v3Advance(1 hours);
        uint256 twapBefore = src.price(address(token));
        int24 meanBefore = src.meanTick(address(token));
        uint256 spotBefore = _v3SpotPrice36(pool, address(token));

        (, uint256 spent,) = _v3MovePriceBps(pool, address(token), 15_000);
        assertGt(spent, 1_000_000e6, "the manipulation costs millions in a $10M pool");
        uint256 spotAfter = _v3SpotPrice36(pool, address(token));
        assertApproxEqRel(spotAfter, spotBefore * 3 / 2, 1e14, "spot moved +50%");
        // Same block: the new tick has carried no weight yet, and the price is refused while the spot is away.
        assertEq(src.meanTick(address(token)), meanBefore, "TWAP unchanged in the manipulation block");
        _expectSpotRevert(src, pool, meanBefore);
        src.price(address(token));

        // The attacker holds the price for one whole block (12 s), then it is arbitraged back.
        _v3Advance(12);
        int24 meanHeld = src.meanTick(address(token));
        _expectSpotRevert(src, pool, meanHeld);
        src.price(address(token));
        _v3MovePrice(pool, address(token), spotBefore);
        uint256 twapHeld = src.price(address(token));
        assertEq(twapHeld, TickMath.getPrice36AtTick(meanHeld, true));
        // ln(1.5) * 12 / 1800 = 0.27%
        assertGt(twapHeld, twapBefore);
        assertApproxEqRel(twapHeld, twapBefore, 0.003e18, "TWAP moved < 0.3% while spot moved 50%");
    }

    /// @dev The same, downwards, with the token as token1 (so the pool's tick moves up).
    function test_manipulation_downwards_tokenIsToken1() public {
        (UniswapV3TwapPriceSource src, MockERC20 token, IUniswapV3Pool pool) =
            _world(usdc, 8, false, _v3Price36(60_000e18, 8, 6));
        _v3Advance(1 hours);
        uint256 twapBefore = src.price(address(token));
        int24 meanBefore = src.meanTick(address(token));
        uint256 spotBefore = _v3SpotPrice36(pool, address(token));
        _v3MovePriceBps(pool, address(token), 5000);
        assertApproxEqRel(_v3SpotPrice36(pool, address(token)), twapBefore / 2, 2e14, "spot -50%");
        assertEq(src.meanTick(address(token)), meanBefore);
        _expectSpotRevert(src, pool, meanBefore);
        src.price(address(token));
        _v3Advance(12);
        int24 meanHeld = src.meanTick(address(token));
        _v3MovePrice(pool, address(token), spotBefore);
        uint256 twapHeld = src.price(address(token));
        assertEq(twapHeld, TickMath.getPrice36AtTick(meanHeld, false));
        assertLt(twapHeld, twapBefore);
        // ln(2) * 12 / 1800 = 0.46%
        assertApproxEqRel(twapHeld, twapBefore, 0.005e18);
    }

    /// @dev Expects `price` to revert with `SpotDeviatesFromTwap` at the pool's current spot tick and `mean`.
    function _expectSpotRevert(UniswapV3TwapPriceSource src, IUniswapV3Pool pool, int24 mean) internal {
        (, int24 spot,,,,,) = pool.slot0();
        int256 t = int256(src.maxTickDeviation());
        assertTrue(spot < mean - t || spot >= mean + t, "spot within the bound");
        vm.expectRevert(
            abi.encodeWithSelector(IUniswapV3TwapPriceSource.SpotDeviatesFromTwap.selector, address(pool), spot, mean)
        );
    }

    // ------------------------------------------------------------------ reverts

    function test_revert_tokenNotConfigured() public {
        address stranger = makeAddr("stranger");
        vm.expectRevert(abi.encodeWithSelector(IUniswapV3TwapPriceSource.TokenNotConfigured.selector, stranger));
        source.price(stranger);
        vm.expectRevert(abi.encodeWithSelector(IUniswapV3TwapPriceSource.TokenNotConfigured.selector, stranger));
        source.meanTick(stranger);
    }

    /// @dev A window longer than the pool's history (pool younger than the window) reverts with the history length.
    function test_revert_windowLongerThanHistory_youngPool() public {
        (UniswapV3TwapPriceSource src, MockERC20 token, IUniswapV3Pool pool) =
            _world(usdc, 18, true, _v3Price36(3000e18, 18, 6));
        _v3Advance(WINDOW / 2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IUniswapV3TwapPriceSource.ObservationTooOld.selector,
                address(token),
                address(pool),
                WINDOW,
                uint32(WINDOW / 2)
            )
        );
        src.price(address(token));
        _v3Advance(WINDOW / 2);
        assertGt(src.price(address(token)), 0);
    }

    /// @dev With a one-slot observation buffer, any trade inside the window erases the older history: the source
    /// reverts (it does not fall back to a shorter window or to spot) until the pool's buffer is grown and filled.
    function test_revert_windowLongerThanHistory_smallBuffer() public {
        MockERC20 token = _tokenOrdered(address(usdc), 18, false);
        IUniswapV3Pool pool = _v3CreatePool(address(token), address(usdc), _v3Price36(1e18, 18, 6), 1_000_000e6);
        vm.prank(owner);
        source.setPool(address(token), pool, WINDOW, 0);
        _v3Advance(2 hours);
        assertGt(source.price(address(token)), 0);

        _v3Swap(address(usdc), address(token), 100e6, address(this));
        _v3Advance(10 minutes);
        vm.expectRevert(
            abi.encodeWithSelector(
                IUniswapV3TwapPriceSource.ObservationTooOld.selector,
                address(token),
                address(pool),
                WINDOW,
                uint32(10 minutes)
            )
        );
        source.price(address(token));

        // Grow the buffer, keep trading once a block-ish, and the window fills.
        _v3GrowObservations(pool, 200);
        for (uint256 i; i < 25; ++i) {
            _v3Advance(2 minutes);
            _v3Swap(address(usdc), address(token), 10e6, address(this));
        }
        assertGt(source.price(address(token)), 0);
    }

    // ------------------------------------------------------------------ liquidity floor

    /// @dev The floor compares the harmonic-mean in-range liquidity over the window with 2^minLiquidityLog2.
    function test_liquidityFloor() public {
        (UniswapV3TwapPriceSource src, MockERC20 token, IUniswapV3Pool pool) =
            _world(usdc, 18, true, _v3Price36(3000e18, 18, 6));
        uint256 liquidity = pool.liquidity();
        uint8 log2 = uint8(Math.log2(liquidity));
        _v3Advance(WINDOW);
        assertGt(src.price(address(token)), 0, "no floor");

        // Pools are set once per token: one source per floor.
        UniswapV3TwapPriceSource atFloor = new UniswapV3TwapPriceSource(owner, address(usdc), v3Factory, BOUND);
        vm.prank(owner);
        atFloor.setPool(address(token), pool, WINDOW, log2);
        uint256 p = atFloor.price(address(token));
        assertEq(p, src.price(address(token)));

        src = new UniswapV3TwapPriceSource(owner, address(usdc), v3Factory, BOUND);
        vm.prank(owner);
        src.setPool(address(token), pool, WINDOW, log2 + 1);
        // The harmonic mean of a constant liquidity is that liquidity (up to the accumulator's rounding).
        vm.expectRevert();
        src.price(address(token));
        try src.price(address(token)) {
            fail();
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), IUniswapV3TwapPriceSource.InsufficientLiquidity.selector);
            (,, uint256 harmonicMean, uint256 minimum) = abi.decode(_args(reason), (address, address, uint256, uint256));
            assertApproxEqRel(harmonicMean, liquidity, 1e12);
            assertEq(minimum, uint256(1) << (log2 + 1));
        }
    }

    /// @dev A pool whose liquidity is gone (here: never added) fails any floor; without a floor it still prices.
    function test_liquidityFloor_emptyPool() public {
        MockERC20 token = _tokenOrdered(address(usdc), 18, false);
        IUniswapV3Pool pool = _v3CreatePool(address(token), address(usdc), _v3Price36(5e18, 18, 6), 0);
        assertEq(pool.liquidity(), 0);
        vm.prank(owner);
        source.setPool(address(token), pool, WINDOW, 1);
        _v3Advance(WINDOW);
        vm.expectRevert(
            abi.encodeWithSelector(
                IUniswapV3TwapPriceSource.InsufficientLiquidity.selector, address(token), address(pool), 1, 2
            )
        );
        source.price(address(token));
        UniswapV3TwapPriceSource noFloor = new UniswapV3TwapPriceSource(owner, address(usdc), v3Factory, BOUND);
        vm.prank(owner);
        noFloor.setPool(address(token), pool, WINDOW, 0);
        assertApproxEqRel(noFloor.price(address(token)), _v3Price36(5e18, 18, 6), 1.0001e14);
    }

    function test_revert_setPool_invalidMinLiquidity() public {
        MockERC20 token = _tokenOrdered(address(usdc), 18, true);
        IUniswapV3Pool pool = _v3CreatePool(address(token), address(usdc), 1e24, 1_000_000e6);
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IUniswapV3TwapPriceSource.InvalidMinLiquidity.selector, 128));
        source.setPool(address(token), pool, WINDOW, 128);
        source.setPool(address(token), pool, WINDOW, 127);
        vm.stopPrank();
    }

    function _args(bytes memory reason) internal pure returns (bytes memory args) {
        args = new bytes(reason.length - 4);
        for (uint256 i; i < args.length; ++i) {
            args[i] = reason[i + 4];
        }
    }

    // ------------------------------------------------------------------ configuration

    function test_setPool_emitsAndStores() public {
        MockERC20 token = _tokenOrdered(address(usdc), 8, true);
        IUniswapV3Pool pool = _v3CreatePool(address(token), address(usdc), _v3Price36(100e18, 8, 6), 1_000_000e6);
        vm.expectEmit(address(source));
        emit IUniswapV3TwapPriceSource.PoolSet(address(token), address(pool), 1 hours, 0);
        vm.prank(owner);
        source.setPool(address(token), pool, 1 hours, 0);
        IUniswapV3TwapPriceSource.PoolConfig memory c = source.poolConfig(address(token));
        assertEq(address(c.pool), address(pool));
        assertEq(c.window, 1 hours);
        assertTrue(c.tokenIsToken0);
        assertEq(source.quoteAsset(), address(usdc));
        assertEq(address(source.factory()), address(v3Factory));

        vm.expectEmit(address(source));
        emit IUniswapV3TwapPriceSource.PoolRemoved(address(token));
        vm.prank(owner);
        source.removePool(address(token));
        // The removed pool is kept, marked by a zero window, so that a later `setPool` can name it.
        c = source.poolConfig(address(token));
        assertEq(address(c.pool), address(pool));
        assertEq(c.window, 0);
        assertEq(c.minLiquidityLog2, 0);
        assertEq(source.priceKey(address(token)), 0, "key lost");
        vm.expectRevert(abi.encodeWithSelector(IUniswapV3TwapPriceSource.TokenNotConfigured.selector, address(token)));
        source.price(address(token));
        vm.expectRevert(abi.encodeWithSelector(IUniswapV3TwapPriceSource.TokenNotConfigured.selector, address(token)));
        vm.prank(owner);
        source.removePool(address(token));
    }

    function test_revert_setPool_poolMismatch() public {
        MockERC20 token = _tokenOrdered(address(usdc), 18, true);
        MockERC20 other = new MockERC20("Other", "O", 18);
        MockERC20 otherQuote = new MockERC20("Dai", "DAI", 18);
        IUniswapV3Pool wrongToken = _v3CreatePool(address(other), address(usdc), 1e24, 1_000_000e6);
        IUniswapV3Pool wrongQuote = _v3CreatePool(address(token), address(otherQuote), 1e36, 1_000_000e18);

        vm.startPrank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(
                IUniswapV3TwapPriceSource.PoolMismatch.selector,
                address(token),
                address(wrongToken),
                wrongToken.token0(),
                wrongToken.token1()
            )
        );
        source.setPool(address(token), wrongToken, WINDOW, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IUniswapV3TwapPriceSource.PoolMismatch.selector,
                address(token),
                address(wrongQuote),
                wrongQuote.token0(),
                wrongQuote.token1()
            )
        );
        source.setPool(address(token), wrongQuote, WINDOW, 0);
        // The quote asset itself cannot be priced by a pool.
        vm.expectRevert();
        source.setPool(address(usdc), wrongToken, WINDOW, 0);
        vm.stopPrank();
    }

    function test_revert_setPool_notFromFactory() public {
        MockERC20 token = _tokenOrdered(address(usdc), 18, true);
        // The same pair on another (real) factory: a pool the trusted factory does not list.
        IUniswapV3Factory otherFactory = IUniswapV3Factory(deployCode(V3_FACTORY_ARTIFACT));
        IUniswapV3Pool foreign = IUniswapV3Pool(otherFactory.createPool(address(token), address(usdc), 3000));
        foreign.initialize(1 << 96);
        vm.expectRevert(
            abi.encodeWithSelector(IUniswapV3TwapPriceSource.PoolNotFromFactory.selector, address(foreign), address(0))
        );
        vm.prank(owner);
        source.setPool(address(token), foreign, WINDOW, 0);
    }

    function test_revert_setPool_notInitialized() public {
        MockERC20 token = _tokenOrdered(address(usdc), 18, true);
        IUniswapV3Pool pool = IUniswapV3Pool(v3Factory.createPool(address(token), address(usdc), 3000));
        vm.expectRevert(abi.encodeWithSelector(IUniswapV3TwapPriceSource.PoolNotInitialized.selector, address(pool)));
        vm.prank(owner);
        source.setPool(address(token), pool, WINDOW, 0);
    }

    function test_revert_setPool_invalidWindow() public {
        MockERC20 token = _tokenOrdered(address(usdc), 18, true);
        IUniswapV3Pool pool = _v3CreatePool(address(token), address(usdc), 1e24, 1_000_000e6);
        uint32 minWindow = source.MIN_WINDOW();
        uint32 maxWindow = source.MAX_WINDOW();
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IUniswapV3TwapPriceSource.InvalidWindow.selector, minWindow - 1));
        source.setPool(address(token), pool, minWindow - 1, 0);
        vm.expectRevert(abi.encodeWithSelector(IUniswapV3TwapPriceSource.InvalidWindow.selector, maxWindow + 1));
        source.setPool(address(token), pool, maxWindow + 1, 0);
        source.setPool(address(token), pool, minWindow, 0);
        UniswapV3TwapPriceSource other = new UniswapV3TwapPriceSource(owner, address(usdc), v3Factory, BOUND);
        other.setPool(address(token), pool, maxWindow, 0);
        vm.stopPrank();
        assertEq(source.poolConfig(address(token)).window, minWindow);
        assertEq(other.poolConfig(address(token)).window, maxWindow);
    }

    function test_revert_setPool_zeroAddress() public {
        vm.startPrank(owner);
        vm.expectRevert(IUniswapV3TwapPriceSource.ZeroAddress.selector);
        source.setPool(address(0), IUniswapV3Pool(address(1)), WINDOW, 0);
        vm.expectRevert(IUniswapV3TwapPriceSource.ZeroAddress.selector);
        source.setPool(address(1), IUniswapV3Pool(address(0)), WINDOW, 0);
        vm.stopPrank();
        vm.expectRevert(IUniswapV3TwapPriceSource.ZeroAddress.selector);
        new UniswapV3TwapPriceSource(owner, address(0), v3Factory, 0);
        vm.expectRevert(IUniswapV3TwapPriceSource.ZeroAddress.selector);
        new UniswapV3TwapPriceSource(owner, address(usdc), IUniswapV3Factory(address(0)), 0);
    }

    function test_revert_onlyOwner() public {
        MockERC20 token = _tokenOrdered(address(usdc), 18, true);
        IUniswapV3Pool pool = _v3CreatePool(address(token), address(usdc), 1e24, 1_000_000e6);
        address stranger = makeAddr("stranger");
        vm.startPrank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        source.setPool(address(token), pool, WINDOW, 0);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        source.removePool(address(token));
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ pools are set once

    function test_setPool_secondTimeReverts_evenAfterRemoval() public {
        (UniswapV3TwapPriceSource src, MockERC20 token, IUniswapV3Pool pool) =
            _world(usdc, 18, true, _v3Price36(3000e18, 18, 6));
        // Another pool of the same pair (another fee tier), and the same pool with other parameters: both refused.
        IUniswapV3Pool other =
            _v3CreatePool(address(token), address(usdc), 500, _v3Price36(3000e18, 18, 6), 1_000_000e6, 1);
        vm.startPrank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(IUniswapV3TwapPriceSource.PoolAlreadySet.selector, address(token), address(pool))
        );
        src.setPool(address(token), other, WINDOW, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IUniswapV3TwapPriceSource.PoolAlreadySet.selector, address(token), address(pool))
        );
        src.setPool(address(token), pool, 1 hours, 7);
        vm.stopPrank();
        IUniswapV3TwapPriceSource.PoolConfig memory c = src.poolConfig(address(token));
        assertEq(address(c.pool), address(pool));
        assertEq(c.window, WINDOW);
        assertEq(c.minLiquidityLog2, 0);

        // Removal is immediate: the price is gone at once, in `price` and in `prices`.
        _v3Advance(WINDOW);
        uint256[] memory keys = new uint256[](1);
        assertGt(src.prices(keys)[0], 0);
        vm.prank(owner);
        src.removePool(address(token));
        vm.expectRevert(abi.encodeWithSelector(IUniswapV3TwapPriceSource.TokenNotConfigured.selector, address(token)));
        src.price(address(token));
        vm.expectRevert(abi.encodeWithSelector(IUniswapV3TwapPriceSource.TokenNotConfigured.selector, address(token)));
        src.meanTick(address(token));
        assertEq(src.prices(keys)[0], 0, "removed token priced");
        // ... and final: the token can never be configured again here, with the old pool or another.
        vm.startPrank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(IUniswapV3TwapPriceSource.PoolAlreadySet.selector, address(token), address(pool))
        );
        src.setPool(address(token), pool, WINDOW, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IUniswapV3TwapPriceSource.PoolAlreadySet.selector, address(token), address(pool))
        );
        src.setPool(address(token), other, WINDOW, 0);
        vm.expectRevert(abi.encodeWithSelector(IUniswapV3TwapPriceSource.TokenNotConfigured.selector, address(token)));
        src.removePool(address(token));
        vm.stopPrank();
        assertEq(src.prices(keys)[0], 0);
        assertEq(src.priceKey(address(token)), 0);
    }

    // ------------------------------------------------------------------ spot bound

    function test_maxDeviationBps_getterCapAndTickBound() public {
        assertEq(source.MAX_DEVIATION_BPS(), 500);
        assertEq(source.maxDeviationBps(), BOUND);
        // floor(ln(1.05) / ln(1.0001)) = floor(487.926...) = 487
        assertEq(source.maxTickDeviation(), 487);
        uint16[6] memory bps = [uint16(0), 1, 2, 100, 250, 499];
        // floor(ln(1 + b / 1e4) / ln(1.0001)): 0, 1 (1.0001^1 is exactly 1.0001), 1, 99, 246, 486 (486.97...)
        int24[6] memory ticks = [int24(0), 1, 1, 99, 246, 486];
        for (uint256 i; i < bps.length; ++i) {
            UniswapV3TwapPriceSource s = new UniswapV3TwapPriceSource(owner, address(usdc), v3Factory, bps[i]);
            assertEq(s.maxDeviationBps(), bps[i]);
            assertEq(s.maxTickDeviation(), ticks[i]);
        }
        vm.expectRevert(abi.encodeWithSelector(IUniswapV3TwapPriceSource.DeviationAboveCap.selector, 501, 500));
        new UniswapV3TwapPriceSource(owner, address(usdc), v3Factory, 501);
        vm.expectRevert(
            abi.encodeWithSelector(IUniswapV3TwapPriceSource.DeviationAboveCap.selector, type(uint16).max, 500)
        );
        new UniswapV3TwapPriceSource(owner, address(usdc), v3Factory, type(uint16).max);
    }

    /// @dev Two tokens on one source; the spot of A is moved beyond the bound (up, then down): `price(A)` reverts with
    /// `SpotDeviatesFromTwap`, `prices` answers 0 for A and B's price for B. Within the bound, A is priced at its TWAP.
    function test_spotBound_beyondRefused_withinAccepted_otherKeyUnaffected() public {
        (UniswapV3TwapPriceSource src, MockERC20 a, IUniswapV3Pool poolA) =
            _world(usdc, 18, true, _v3Price36(3000e18, 18, 6));
        MockERC20 b = _tokenOrdered(address(usdc), 8, false);
        IUniswapV3Pool poolB =
            _v3CreatePool(address(b), address(usdc), V3_FEE, _v3Price36(60_000e18, 8, 6), 10_000_000e6, 100);
        vm.prank(owner);
        src.setPool(address(b), poolB, WINDOW, 0);
        _v3Advance(WINDOW + 60);
        uint256[] memory keys = new uint256[](2);
        (keys[0], keys[1]) = (src.priceKey(address(a)), src.priceKey(address(b)));
        uint256 twapA = src.price(address(a));
        uint256 twapB = src.price(address(b));
        int24 meanA = src.meanTick(address(a));
        uint256 spotA = _v3SpotPrice36(poolA, address(a));

        uint256[4] memory movesBps = [uint256(10_600), 9400, 10_400, 9600]; // +6%, -6% (beyond); +4%, -4% (within)
        for (uint256 i; i < 4; ++i) {
            _v3MovePrice(poolA, address(a), spotA * movesBps[i] / 10_000);
            // Same block: the mean has not moved, the spot has.
            assertEq(src.meanTick(address(a)), meanA);
            uint256[] memory ps = src.prices(keys);
            assertEq(ps[1], twapB, "the other key");
            if (i < 2) {
                _expectSpotRevert(src, poolA, meanA);
                src.price(address(a));
                assertEq(ps[0], 0, "a deviating spot priced in the batch");
            } else {
                assertEq(src.price(address(a)), twapA);
                assertEq(ps[0], twapA);
            }
        }
    }

    /// @dev The exact edges on a real pool (the spot placed with a price limit): spot ticks mean - T and mean + T - 1
    /// are accepted, mean - T - 1 and mean + T refused.
    function test_spotBound_exactEdges() public {
        (UniswapV3TwapPriceSource src, MockERC20 token, IUniswapV3Pool pool) =
            _world(usdc, 18, true, _v3Price36(3000e18, 18, 6));
        _v3Advance(WINDOW + 60);
        int24 mean = src.meanTick(address(token));
        int24 t = src.maxTickDeviation();
        int24[4] memory edges = [mean + t - 1, mean + t, mean - t, mean - t - 1];
        uint160[4] memory sqrts = [
            TickMath.getSqrtRatioAtTick(mean + t) - 1, // the top of tick mean + t - 1
            TickMath.getSqrtRatioAtTick(mean + t),
            TickMath.getSqrtRatioAtTick(mean - t),
            TickMath.getSqrtRatioAtTick(mean - t) - 1
        ];
        for (uint256 i; i < 4; ++i) {
            _moveSqrt(pool, sqrts[i]);
            (uint160 sqrtP, int24 spot,,,,,) = pool.slot0();
            assertEq(sqrtP, sqrts[i]);
            assertEq(spot, edges[i], "spot tick");
            assertEq(src.meanTick(address(token)), mean);
            if (i % 2 == 0) {
                assertEq(src.price(address(token)), TickMath.getPrice36AtTick(mean, true));
            } else {
                _expectSpotRevert(src, pool, mean);
                src.price(address(token));
            }
        }
    }

    /// @dev Swaps in `pool` (default fee) until its sqrt price is exactly `target`.
    function _moveSqrt(IUniswapV3Pool pool, uint160 target) internal {
        (uint160 current,,,,,,) = pool.slot0();
        if (target == current) return;
        bool zeroForOne = target < current;
        (address tokenIn, address tokenOut) =
            zeroForOne ? (pool.token0(), pool.token1()) : (pool.token1(), pool.token0());
        _v3Swap(tokenIn, tokenOut, V3_FEE, uint256(type(uint128).max), target, v3Sink);
    }
}

/// @notice Gas of `price` as the vault pays it: one call per component with cold storage (isolate mode). The figure is
/// the execution inside the call (cold config slot, cold pool account, `observe`'s binary search over a full buffer);
/// the caller also pays 2,600 once per transaction for the cold source account (one source serves every token).
contract UniswapV3TwapPriceSourceGasTest is OrderedTokens {
    /// forge-config: default.isolate = true
    function test_gas_price() public {
        vm.warp(1_700_000_000);
        _deployUniswapV3();
        MockERC20 usdc = new MockERC20("USD Coin", "USDC", 6);
        UniswapV3TwapPriceSource source = new UniswapV3TwapPriceSource(address(this), address(usdc), v3Factory, 500);
        MockERC20 token = _tokenOrdered(address(usdc), 18, true);
        IUniswapV3Pool pool =
            _v3CreatePool(address(token), address(usdc), V3_FEE, _v3Price36(3000e18, 18, 6), 10_000_000e6, 300);
        source.setPool(address(token), pool, 30 minutes, 0);
        // A busy pool: one trade every block-ish for an hour, so observe binary-searches a full buffer.
        for (uint256 i; i < 300; ++i) {
            _v3Advance(12);
            _v3Swap(
                i % 2 == 0 ? address(usdc) : address(token),
                i % 2 == 0 ? address(token) : address(usdc),
                i % 2 == 0 ? 1000e6 : 0.33e18,
                address(this)
            );
        }
        source.price(address(token));
        vm.snapshotGasLastCall("UniswapV3TwapPriceSource", "price_cold_busyPool_30min");
    }
}

/// @notice A stand-in pool whose spot (`slot0`) and mean tick are set directly, and a factory that lists it: for the
/// spot bound at any tick and any price within a tick, which a real pool reaches only by trading.
contract SettablePool {
    address public token0;
    address public token1;
    uint24 public constant fee = 3000;
    uint160 internal _sqrtPriceX96;
    int24 internal _tick;
    int24 internal _mean;

    constructor(address token0_, address token1_) {
        (token0, token1) = (token0_, token1_);
    }

    function set(uint160 sqrtPriceX96, int24 tick, int24 mean) external {
        (_sqrtPriceX96, _tick, _mean) = (sqrtPriceX96, tick, mean);
    }

    function getPool(address, address, uint24) external view returns (address) {
        return address(this);
    }

    function slot0() external view returns (uint160, int24, uint16, uint16, uint16, uint8, bool) {
        return (_sqrtPriceX96, _tick, 0, 1, 1, 0, true);
    }

    /// @dev A history whose mean tick over any window is `_mean` exactly.
    function observe(uint32[] calldata secondsAgos)
        external
        view
        returns (int56[] memory tickCumulatives, uint160[] memory secondsPerLiquidityCumulativeX128s)
    {
        tickCumulatives = new int56[](2);
        secondsPerLiquidityCumulativeX128s = new uint160[](2);
        tickCumulatives[1] = int56(_mean) * int56(uint56(secondsAgos[0]));
        secondsPerLiquidityCumulativeX128s[1] = 1;
    }
}

/// @notice The spot bound's arithmetic: T against exact bounds on 1.0001^T, and, on a settable pool, that an accepted
/// price is never further than `maxDeviationBps` from the pool's exact spot price, whatever the ticks, the position of
/// the spot within its tick and the token's side.
contract TwapSpotBoundTest is Test {
    uint256 internal constant ONE = 1e70; // the reference's fixed point: far finer than any gap that matters (9.9e-9)

    address internal owner = makeAddr("owner");
    address internal quote = address(0x5000);

    /// @dev Bounds on 1.0001^t at the 1e70 scale: `lo` rounds every step down, `hi` up, so lo <= 1.0001^t * 1e70 <= hi
    /// (exactly, whatever t).
    function _pow(uint256 t) internal pure returns (uint256 lo, uint256 hi) {
        (lo, hi) = (ONE, ONE);
        for (uint256 i; i < t; ++i) {
            lo = lo * 10_001 / 10_000;
            hi = (hi * 10_001 + 9999) / 10_000;
        }
    }

    /// @dev T is the exact floor of ln(1 + b / 1e4) / ln(1.0001): 1.0001^T <= 1 + b / 1e4 (up and down) and
    /// 1.0001^(T + 1) > 1 + b / 1e4, proved with the rounded-up and rounded-down bounds of `_pow`; and TickMath (the
    /// pools' own math) agrees with the reference at T.
    function testFuzz_tickBound_isExactFloor(uint16 bps) public {
        bps = uint16(bound(bps, 0, 500));
        UniswapV3TwapPriceSource src = new UniswapV3TwapPriceSource(owner, quote, IUniswapV3Factory(address(1)), bps);
        int24 t = src.maxTickDeviation();
        assertGe(t, 0);
        uint256 limit = (10_000 + uint256(bps)) * (ONE / 10_000); // (1 + b / 1e4) at the 1e70 scale
        (, uint256 hi) = _pow(uint24(t));
        (uint256 lo,) = _pow(uint24(t) + 1);
        assertLe(hi, limit, "1.0001^T above the bound");
        // Downwards: 1 - 1.0001^-T <= b / 1e4, i.e. (1 - b / 1e4) * 1.0001^T <= 1.
        assertLe((10_000 - uint256(bps)) * hi, 10_000 * ONE, "1.0001^-T below the bound");
        assertGt(lo, limit, "T is not the largest");
        assertApproxEqRel(TickMath.getPrice36AtTick(t, true), hi / 1e34, 1); // 1e-18 relative
    }

    /// @dev The whole rule, end to end: an accepted price is within `bps` of the exact spot price (up to the pools'
    /// own Q64.96 rounding, 1e-20 here, against gaps of at least 9.9e-9 between 1.0001^T and the bound); a refused one
    /// names the pool, the spot tick and the mean tick, and its spot tick is outside [mean - T, mean + T - 1]. The spot
    /// is anywhere within its tick, and `quirk` reports the tick below when the price sits exactly on a tick (a pool
    /// does after a swap down that ends on an initialized tick).
    /// @dev One case: the source, its pool, the pool's state and the token's side.
    struct Case {
        UniswapV3TwapPriceSource src;
        SettablePool pool;
        address token;
        bool tokenIsToken0;
        uint16 bps;
        int24 mean;
        int24 reported;
        uint160 sqrtP;
    }

    function testFuzz_spotBound_neverAcceptsMoreThanBound(
        uint16 bps,
        int24 mean,
        int24 distance,
        uint256 within,
        bool tokenIsToken0,
        bool quirk
    ) public {
        Case memory c;
        c.bps = uint16(bound(bps, 0, 500));
        c.mean = int24(bound(mean, -100_000, 100_000));
        c.tokenIsToken0 = tokenIsToken0;
        c.token = tokenIsToken0 ? address(0x1000) : address(0x9000);
        c.pool = tokenIsToken0 ? new SettablePool(c.token, quote) : new SettablePool(quote, c.token);
        c.src = new UniswapV3TwapPriceSource(owner, quote, IUniswapV3Factory(address(c.pool)), c.bps);
        int24 spotTick = c.mean + int24(bound(distance, -600, 600));
        uint160 floor = TickMath.getSqrtRatioAtTick(spotTick);
        c.sqrtP = floor + uint160(bound(within, 0, TickMath.getSqrtRatioAtTick(spotTick + 1) - floor - 1));
        c.reported = quirk && c.sqrtP == floor ? spotTick - 1 : spotTick;
        c.pool.set(c.sqrtP, c.reported, c.mean);
        vm.prank(owner);
        c.src.setPool(c.token, IUniswapV3Pool(address(c.pool)), 30 minutes, 0);
        _checkCase(c);
    }

    function _checkCase(Case memory c) internal view {
        int256 t = int256(c.src.maxTickDeviation());
        bool inside = c.reported >= c.mean - t && c.reported < c.mean + t;
        try c.src.price(c.token) returns (uint256 p) {
            assertEq(p, TickMath.getPrice36AtTick(c.mean, c.tokenIsToken0));
            uint256 spot = TickMath.quoteAtSqrtRatio(c.sqrtP, 1e36, c.tokenIsToken0);
            uint256 diff = spot > p ? spot - p : p - spot;
            assertLe(diff * 10_000, p * c.bps + p / 1e16, "accepted a spot beyond the bound");
            assertTrue(inside, "accepted outside the tick rule");
        } catch (bytes memory reason) {
            assertFalse(inside, "refused inside the tick rule");
            assertEq(
                reason,
                abi.encodeWithSelector(
                    IUniswapV3TwapPriceSource.SpotDeviatesFromTwap.selector, address(c.pool), c.reported, c.mean
                )
            );
        }
    }
}

/// @notice Gas of the batched `prices` per key on busy pools (isolate mode: each measured call is its own
/// transaction, so every key is cold): one key, then two keys; the second key's marginal cost is the difference. Both
/// stay far within the `VaultMath.PRICE_GAS` a caller grants per key (each key's `price` call, spot check included,
/// is also far within its `KEY_GAS`).
contract UniswapV3TwapPricesGasTest is OrderedTokens {
    /// forge-config: default.isolate = true
    function test_gas_prices_perKey() public {
        vm.warp(1_700_000_000);
        _deployUniswapV3();
        MockERC20 usdc = new MockERC20("USD Coin", "USDC", 6);
        UniswapV3TwapPriceSource source = new UniswapV3TwapPriceSource(address(this), address(usdc), v3Factory, 500);
        MockERC20 a = _tokenOrdered(address(usdc), 18, true);
        MockERC20 b = _tokenOrdered(address(usdc), 18, false);
        IUniswapV3Pool poolA =
            _v3CreatePool(address(a), address(usdc), V3_FEE, _v3Price36(3000e18, 18, 6), 10_000_000e6, 300);
        IUniswapV3Pool poolB =
            _v3CreatePool(address(b), address(usdc), V3_FEE, _v3Price36(3000e18, 18, 6), 10_000_000e6, 300);
        source.setPool(address(a), poolA, 30 minutes, 0);
        source.setPool(address(b), poolB, 30 minutes, 0);
        for (uint256 i; i < 300; ++i) {
            _v3Advance(12);
            _v3Swap(
                i % 2 == 0 ? address(usdc) : address(a),
                i % 2 == 0 ? address(a) : address(usdc),
                i % 2 == 0 ? 1000e6 : 0.33e18,
                address(this)
            );
            _v3Swap(
                i % 2 == 0 ? address(usdc) : address(b),
                i % 2 == 0 ? address(b) : address(usdc),
                i % 2 == 0 ? 1000e6 : 0.33e18,
                address(this)
            );
        }
        uint256[] memory one = new uint256[](1);
        one[0] = source.priceKey(address(a));
        uint256[] memory two = new uint256[](2);
        (two[0], two[1]) = (one[0], source.priceKey(address(b)));
        source.prices(one);
        vm.snapshotGasLastCall("UniswapV3TwapPriceSource", "prices_1key_cold_busyPool_30min");
        uint256 oneKey = vm.lastCallGas().gasTotalUsed;
        uint256[] memory p = source.prices(two);
        vm.snapshotGasLastCall("UniswapV3TwapPriceSource", "prices_2keys_cold_busyPools_30min");
        uint256 twoKeys = vm.lastCallGas().gasTotalUsed;
        assertGt(p[0], 0);
        assertGt(p[1], 0);
        assertLt(oneKey, VaultMath.PRICE_GAS / 2, "first key");
        assertLt(twoKeys - oneKey, VaultMath.PRICE_GAS / 2, "further key");
    }
}
