// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ChainlinkPriceSource} from "../../src/oracles/ChainlinkPriceSource.sol";
import {MockAggregator} from "../../src/oracles/MockAggregator.sol";
import {IAggregatorV3} from "../../src/interfaces/IAggregatorV3.sol";
import {MockERC20} from "../utils/MockERC20.sol";
import {Vm} from "forge-std/Vm.sol";

/// @notice ChainlinkPriceSource: the 1e36 price scale for every decimals combination (against the human formula),
/// every feed check (stale, future, incomplete, non-positive, unconfigured), heartbeat bounds, owner-only
/// configuration and its events, feeds set once (also after a removal), the declared deviation bound and its cap, and
/// the feed table `prices` reads from code (stable keys, removal, its event).
contract ChainlinkPriceSourceTest is Test {
    uint32 internal constant HB = 1 hours;

    address internal owner = makeAddr("owner");
    address internal mallory = makeAddr("mallory");

    MockERC20 internal usdc;
    MockERC20 internal wbtc;
    MockERC20 internal weth;
    MockAggregator internal btcFeed;
    MockAggregator internal ethFeed;
    ChainlinkPriceSource internal src;

    function setUp() public {
        vm.warp(1_700_000_000);
        usdc = new MockERC20("USDC", "USDC", 6);
        wbtc = new MockERC20("WBTC", "WBTC", 8);
        weth = new MockERC20("WETH", "WETH", 18);
        btcFeed = new MockAggregator(8, "BTC/USD", 60_000e8);
        ethFeed = new MockAggregator(8, "ETH/USD", 3000e8);
        src = new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(0)), 0, 0);
        vm.startPrank(owner);
        src.setFeed(address(wbtc), IAggregatorV3(address(btcFeed)), HB);
        src.setFeed(address(weth), IAggregatorV3(address(ethFeed)), HB);
        vm.stopPrank();
    }

    /*//////////////////////////////////////////////////////////////
                                  SCALE
    //////////////////////////////////////////////////////////////*/

    function test_price_knownValues_usdQuote() public view {
        // One satoshi ($0.0006) = 600 USDC base units; one wei of ETH = 3e-9 USDC base units.
        assertEq(src.price(address(wbtc)), 600e36);
        assertEq(src.price(address(weth)), 3e27);
        assertEq(src.quoteAsset(), address(usdc));
        // Value of 2.5 BTC and 1.5 ETH, in USDC base units.
        assertEq(2.5e8 * src.price(address(wbtc)) / 1e36, 150_000e6);
        assertEq(1.5e18 * src.price(address(weth)) / 1e36, 4500e6);
    }

    function test_price_knownValues_18DecimalQuoteWithQuoteFeed() public {
        MockERC20 dai = new MockERC20("DAI", "DAI", 18);
        MockAggregator daiFeed = new MockAggregator(18, "DAI/USD", 0.8e18); // DAI at $0.80
        ChainlinkPriceSource s = new ChainlinkPriceSource(owner, address(dai), IAggregatorV3(address(daiFeed)), HB, 0);
        vm.prank(owner);
        s.setFeed(address(wbtc), IAggregatorV3(address(btcFeed)), HB);
        // 1 BTC = $60,000 = 75,000 DAI.
        assertEq(1e8 * s.price(address(wbtc)) / 1e36, 75_000e18);
        assertEq(address(s.quoteFeed()), address(daiFeed));
        assertEq(s.quoteHeartbeat(), HB);
    }

    /// @notice For every token decimals 0..36, feed decimals 6/8/18, quote decimals 6/18, with or without a quote
    /// feed (8 or 18 decimals): the value of `amount` through `price()` is the human value, rounded down by at most
    /// the price's own rounding. Combinations whose scale exponent would be negative are refused at configuration.
    struct Case {
        uint8 td;
        uint8 fd;
        uint8 qd;
        uint8 qfd;
        uint256 answer;
        uint256 quoteAnswer;
        uint256 amount;
        bool withQuoteFeed;
    }

    function test_fuzz_price_matchesHumanMath(
        uint8 td,
        uint256 fdSeed,
        bool quote18,
        uint256 quoteFeedSeed,
        uint256 answer,
        uint256 quoteAnswer,
        uint256 amount
    ) public {
        Case memory c;
        c.td = uint8(bound(td, 0, 36));
        c.fd = [uint8(6), 8, 18][fdSeed % 3];
        c.qd = quote18 ? 18 : 6;
        c.qfd = [uint8(0), 8, 18][quoteFeedSeed % 3]; // 0: no quote feed (quote taken as $1)
        c.withQuoteFeed = c.qfd != 0;
        c.answer = bound(answer, 1, 1e6 * 10 ** c.fd); // up to $1M a token
        c.quoteAnswer = c.withQuoteFeed ? bound(quoteAnswer, 10 ** c.qfd / 2, 2 * 10 ** c.qfd) : 1; // $0.50 to $2
        c.amount = bound(amount, 0, 1e9 * 10 ** uint256(c.td)); // up to a billion tokens
        _checkCase(c);
    }

    function _checkCase(Case memory c) internal {
        MockERC20 token = new MockERC20("T", "T", c.td);
        MockAggregator feed = new MockAggregator(c.fd, "T/USD", int256(c.answer));
        ChainlinkPriceSource s = _sourceFor(c);

        int256 exp = 36 + int256(uint256(c.qd)) + int256(uint256(c.qfd)) - int256(uint256(c.fd)) - int256(uint256(c.td));
        vm.prank(owner);
        if (exp < 0) {
            vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.InvalidDecimals.selector, token, c.td, c.fd));
            s.setFeed(address(token), IAggregatorV3(address(feed)), HB);
            return;
        }
        s.setFeed(address(token), IAggregatorV3(address(feed)), HB);
        (,, uint8 scaleExp) = s.feeds(address(token));
        assertEq(scaleExp, uint256(exp));

        uint256 value = Math.mulDiv(c.amount, s.price(address(token)), 1e36);
        // Human: amount / 10^td tokens * answer / 10^fd USD each / (quoteAnswer / 10^qfd USD per quote) * 10^qd.
        uint256 human = Math.mulDiv(
            c.amount, c.answer * 10 ** (uint256(c.qd) + c.qfd), 10 ** (uint256(c.td) + c.fd) * c.quoteAnswer
        );
        assertLe(value, human, "price rounds up");
        assertLe(human - value, c.amount / 1e36 + 1, "price off by more than its rounding");
    }

    function _sourceFor(Case memory c) internal returns (ChainlinkPriceSource) {
        MockERC20 quote = new MockERC20("Q", "Q", c.qd);
        MockAggregator qFeed;
        if (c.withQuoteFeed) qFeed = new MockAggregator(c.qfd, "Q/USD", int256(c.quoteAnswer));
        return
            new ChainlinkPriceSource(owner, address(quote), IAggregatorV3(address(qFeed)), c.withQuoteFeed ? HB : 0, 0);
    }

    function test_setFeed_negativeScaleExponent_isRefused() public {
        // Informational limit: a 36-decimal token with an 18-decimal feed cannot be priced in a 6-decimal quote.
        MockERC20 t = new MockERC20("T", "T", 36);
        MockAggregator f = new MockAggregator(18, "T/USD", 1e18);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.InvalidDecimals.selector, address(t), 36, 18));
        src.setFeed(address(t), IAggregatorV3(address(f)), HB);
    }

    function test_setFeed_scaleExponentAbove77_isRefused() public {
        MockERC20 hugeQuote = new MockERC20("Q", "Q", 60);
        ChainlinkPriceSource s = new ChainlinkPriceSource(owner, address(hugeQuote), IAggregatorV3(address(0)), 0, 0);
        MockERC20 t = new MockERC20("T", "T", 0);
        MockAggregator f = new MockAggregator(0, "T/USD", 1);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.InvalidDecimals.selector, address(t), 0, 0));
        s.setFeed(address(t), IAggregatorV3(address(f)), HB); // 36 + 60 = 96
    }

    /*//////////////////////////////////////////////////////////////
                               FEED CHECKS
    //////////////////////////////////////////////////////////////*/

    function test_stale_afterHeartbeat() public {
        uint256 updatedAt = block.timestamp;
        vm.warp(updatedAt + HB);
        src.price(address(wbtc)); // exactly the heartbeat old: fine
        vm.warp(updatedAt + HB + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkPriceSource.StalePrice.selector, address(btcFeed), updatedAt, HB)
        );
        src.price(address(wbtc));
        btcFeed.setAnswer(61_000e8);
        assertEq(src.price(address(wbtc)), 610e36);
    }

    function test_stale_futureTimestamp() public {
        btcFeed.setAnswerAt(60_000e8, block.timestamp + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkPriceSource.StalePrice.selector, address(btcFeed), block.timestamp + 1, HB)
        );
        src.price(address(wbtc));
    }

    function test_stale_zeroTimestamp() public {
        btcFeed.setAnswerAt(60_000e8, 0);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.StalePrice.selector, address(btcFeed), 0, HB));
        src.price(address(wbtc));
    }

    function test_incompleteRound() public {
        (uint80 roundId,,,,) = btcFeed.latestRoundData();
        btcFeed.setAnsweredInRound(uint56(roundId - 1));
        vm.expectRevert(
            abi.encodeWithSelector(
                ChainlinkPriceSource.IncompleteRound.selector, address(btcFeed), roundId, roundId - 1
            )
        );
        src.price(address(wbtc));
    }

    function test_nonPositiveAnswer() public {
        ethFeed.setAnswer(0);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.NonPositiveAnswer.selector, address(ethFeed), 0));
        src.price(address(weth));
        ethFeed.setAnswer(-5);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.NonPositiveAnswer.selector, address(ethFeed), -5));
        src.price(address(weth));
    }

    function test_unconfiguredToken() public {
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.TokenNotConfigured.selector, address(usdc)));
        src.price(address(usdc));
    }

    function test_quoteFeedChecks_nameTheQuoteFeed() public {
        MockAggregator usdcFeed = new MockAggregator(8, "USDC/USD", 1e8);
        ChainlinkPriceSource s = new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(usdcFeed)), HB, 0);
        vm.prank(owner);
        s.setFeed(address(wbtc), IAggregatorV3(address(btcFeed)), 1 days);
        assertEq(s.price(address(wbtc)), 600e36);

        usdcFeed.setAnswer(-1);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.NonPositiveAnswer.selector, address(usdcFeed), -1));
        s.price(address(wbtc));
        usdcFeed.setAnswer(1e8);
        uint256 t0 = block.timestamp;
        vm.warp(t0 + HB + 1); // the quote feed's heartbeat (1h) runs out; the token's (1 day) does not
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.StalePrice.selector, address(usdcFeed), t0, HB));
        s.price(address(wbtc));
    }

    /*//////////////////////////////////////////////////////////////
                              CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    function test_setFeed_emitsAndStores() public {
        MockERC20 t = new MockERC20("T", "T", 12);
        MockAggregator f = new MockAggregator(8, "T/USD", 5e8);
        vm.expectEmit(address(src));
        emit ChainlinkPriceSource.FeedSet(address(t), address(f), 2 hours);
        vm.prank(owner);
        src.setFeed(address(t), IAggregatorV3(address(f)), 2 hours);
        (IAggregatorV3 feed, uint32 heartbeat, uint8 scaleExp) = src.feeds(address(t));
        assertEq(address(feed), address(f));
        assertEq(heartbeat, 2 hours);
        assertEq(scaleExp, 36 + 6 - 8 - 12);
        assertEq(src.price(address(t)), 5e8 * 10 ** 22);
    }

    function test_heartbeatBounds() public {
        MockERC20 t1 = new MockERC20("T1", "T1", 18);
        MockERC20 t2 = new MockERC20("T2", "T2", 18);
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.InvalidHeartbeat.selector, 59));
        src.setFeed(address(t1), IAggregatorV3(address(btcFeed)), 59);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.InvalidHeartbeat.selector, 7 days + 1));
        src.setFeed(address(t1), IAggregatorV3(address(btcFeed)), 7 days + 1);
        src.setFeed(address(t1), IAggregatorV3(address(btcFeed)), 60);
        src.setFeed(address(t2), IAggregatorV3(address(btcFeed)), 7 days);
        vm.stopPrank();
        (, uint32 hb1,) = src.feeds(address(t1));
        (, uint32 hb2,) = src.feeds(address(t2));
        assertEq(hb1, 60);
        assertEq(hb2, 7 days);

        MockAggregator qf = new MockAggregator(8, "USDC/USD", 1e8);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.InvalidHeartbeat.selector, 0));
        new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(qf)), 0, 0);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.InvalidHeartbeat.selector, 7 days + 1));
        new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(qf)), 7 days + 1, 0);
        // Without a quote feed the quote heartbeat is ignored.
        ChainlinkPriceSource s =
            new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(0)), 123_456_789, 0);
        assertEq(s.quoteHeartbeat(), 0);
    }

    function test_zeroAddresses() public {
        vm.startPrank(owner);
        vm.expectRevert(ChainlinkPriceSource.ZeroAddress.selector);
        src.setFeed(address(0), IAggregatorV3(address(btcFeed)), HB);
        vm.expectRevert(ChainlinkPriceSource.ZeroAddress.selector);
        src.setFeed(address(wbtc), IAggregatorV3(address(0)), HB);
        vm.stopPrank();
        vm.expectRevert(ChainlinkPriceSource.ZeroAddress.selector);
        new ChainlinkPriceSource(owner, address(0), IAggregatorV3(address(0)), 0, 0);
    }

    function test_ownerOnly() public {
        vm.startPrank(mallory);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, mallory));
        src.setFeed(address(wbtc), IAggregatorV3(address(ethFeed)), HB);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, mallory));
        src.removeFeed(address(wbtc));
        vm.stopPrank();
        assertEq(src.price(address(wbtc)), 600e36, "config changed");
    }

    function test_removeFeed() public {
        vm.expectEmit(address(src));
        emit ChainlinkPriceSource.FeedRemoved(address(wbtc));
        vm.prank(owner);
        src.removeFeed(address(wbtc));
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.TokenNotConfigured.selector, address(wbtc)));
        src.price(address(wbtc));
        // The removed feed is kept, marked by a zero heartbeat, so that a later `setFeed` can name it.
        (IAggregatorV3 feed, uint32 heartbeat, uint8 scaleExp) = src.feeds(address(wbtc));
        assertEq(address(feed), address(btcFeed));
        assertEq(heartbeat, 0);
        assertEq(scaleExp, 0);
        assertEq(src.priceKey(address(wbtc)), 0, "key lost");
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.TokenNotConfigured.selector, address(wbtc)));
        src.removeFeed(address(wbtc));
        assertEq(src.price(address(weth)), 3e27, "another token's feed was removed");
    }

    /*//////////////////////////////////////////////////////////////
                          FEEDS ARE SET ONCE
    //////////////////////////////////////////////////////////////*/

    function test_setFeed_secondTimeReverts_configUnchanged() public {
        address table = src.feedTable();
        vm.startPrank(owner);
        // Another feed, or the same one again, or through `setFeeds`: all refused, naming the feed the token has.
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkPriceSource.FeedAlreadySet.selector, address(wbtc), address(btcFeed))
        );
        src.setFeed(address(wbtc), IAggregatorV3(address(ethFeed)), HB);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkPriceSource.FeedAlreadySet.selector, address(wbtc), address(btcFeed))
        );
        src.setFeed(address(wbtc), IAggregatorV3(address(btcFeed)), 2 hours);
        (address[] memory ts, IAggregatorV3[] memory fs, uint32[] memory hbs) = _one(address(weth), ethFeed);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkPriceSource.FeedAlreadySet.selector, address(weth), address(ethFeed))
        );
        src.setFeeds(ts, fs, hbs);
        vm.stopPrank();
        assertEq(src.feedTable(), table, "table rewritten");
        (IAggregatorV3 feed, uint32 hb,) = src.feeds(address(wbtc));
        assertEq(address(feed), address(btcFeed));
        assertEq(hb, HB);
        assertEq(src.price(address(wbtc)), 600e36);
        assertEq(src.keyCount(), 2);
    }

    function test_setFeed_afterRemoval_reverts_removalIsFinal() public {
        vm.prank(owner);
        src.removeFeed(address(wbtc));
        address table = src.feedTable();
        vm.startPrank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkPriceSource.FeedAlreadySet.selector, address(wbtc), address(btcFeed))
        );
        src.setFeed(address(wbtc), IAggregatorV3(address(btcFeed)), HB);
        MockAggregator other = new MockAggregator(8, "BTC/USD 2", 61_000e8);
        (address[] memory ts, IAggregatorV3[] memory fs, uint32[] memory hbs) = _one(address(wbtc), other);
        vm.expectRevert(
            abi.encodeWithSelector(ChainlinkPriceSource.FeedAlreadySet.selector, address(wbtc), address(btcFeed))
        );
        src.setFeeds(ts, fs, hbs);
        // Removing it again is refused too: it has no feed.
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.TokenNotConfigured.selector, address(wbtc)));
        src.removeFeed(address(wbtc));
        vm.stopPrank();
        assertEq(src.feedTable(), table, "table rewritten");
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.TokenNotConfigured.selector, address(wbtc)));
        src.price(address(wbtc));
        uint256[] memory ps = src.prices(_keys2());
        assertEq(ps[0], 0, "removed token priced");
        assertEq(ps[1], 3e27);
    }

    function test_setFeeds_tokenTwiceInOneBatch_reverts() public {
        MockERC20 a = new MockERC20("A", "A", 18);
        MockAggregator fa = new MockAggregator(8, "A/USD", 2e8);
        MockAggregator fa2 = new MockAggregator(8, "A/USD 2", 3e8);
        address[] memory ts = new address[](2);
        IAggregatorV3[] memory fs = new IAggregatorV3[](2);
        uint32[] memory hbs = new uint32[](2);
        (ts[0], ts[1]) = (address(a), address(a));
        (fs[0], fs[1]) = (IAggregatorV3(address(fa)), IAggregatorV3(address(fa2)));
        (hbs[0], hbs[1]) = (HB, HB);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.FeedAlreadySet.selector, address(a), address(fa)));
        src.setFeeds(ts, fs, hbs);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.TokenNotConfigured.selector, address(a)));
        src.priceKey(address(a));
    }

    function _one(address token, MockAggregator feed)
        internal
        pure
        returns (address[] memory ts, IAggregatorV3[] memory fs, uint32[] memory hbs)
    {
        ts = new address[](1);
        fs = new IAggregatorV3[](1);
        hbs = new uint32[](1);
        (ts[0], fs[0], hbs[0]) = (token, IAggregatorV3(address(feed)), HB);
    }

    /*//////////////////////////////////////////////////////////////
                            DEVIATION BOUND
    //////////////////////////////////////////////////////////////*/

    function test_maxDeviationBps_getterAndCap() public {
        assertEq(src.MAX_DEVIATION_BPS(), 500);
        assertEq(src.maxDeviationBps(), 0);
        ChainlinkPriceSource s = new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(0)), 0, 500);
        assertEq(s.maxDeviationBps(), 500);
        s = new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(0)), 0, 37);
        assertEq(s.maxDeviationBps(), 37);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.DeviationAboveCap.selector, 501, 500));
        new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(0)), 0, 501);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.DeviationAboveCap.selector, type(uint16).max, 500));
        new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(0)), 0, type(uint16).max);
    }

    function testFuzz_maxDeviationBps_acceptedIffWithinCap(uint16 bps) public {
        if (bps > 500) {
            vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.DeviationAboveCap.selector, bps, 500));
            new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(0)), 0, bps);
        } else {
            ChainlinkPriceSource s = new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(0)), 0, bps);
            assertEq(s.maxDeviationBps(), bps);
        }
    }

    /*//////////////////////////////////////////////////////////////
                               FEED TABLE
    //////////////////////////////////////////////////////////////*/

    function _keys2() internal view returns (uint256[] memory keys) {
        keys = new uint256[](2);
        keys[0] = src.priceKey(address(wbtc));
        keys[1] = src.priceKey(address(weth));
    }

    function _assertTableMatches(address token) internal view {
        (IAggregatorV3 f, uint32 hb, uint8 se) = src.feeds(token);
        ChainlinkPriceSource.FeedConfig memory c = src.keyedFeed(src.priceKey(token));
        assertEq(address(c.feed), address(f), "table feed");
        assertEq(c.heartbeat, hb, "table heartbeat");
        assertEq(c.scaleExp, se, "table scaleExp");
    }

    function test_feedTable_layout() public view {
        address table = src.feedTable();
        assertEq(src.keyCount(), 2);
        bytes memory code = table.code;
        assertEq(code.length, 1 + 2 * src.ENTRY_SIZE());
        assertEq(uint8(code[0]), 0, "not led by STOP");
        bytes memory expected = abi.encodePacked(
            uint8(0),
            address(btcFeed),
            uint32(HB),
            uint8(36 + 6 - 8 - 8),
            address(ethFeed),
            uint32(HB),
            uint8(36 + 6 - 8 - 18)
        );
        assertEq(code, expected);
        _assertTableMatches(address(wbtc));
        _assertTableMatches(address(weth));
        assertEq(src.MAX_KEYS(), 983);
    }

    function test_feedTable_keysStableAcrossSetFeedAndRemoveFeed() public {
        MockERC20 t = new MockERC20("T", "T", 12);
        MockAggregator f = new MockAggregator(8, "T/USD", 5e8);
        MockAggregator f2 = new MockAggregator(18, "T/USD 2", 6e18);
        MockERC20 t2 = new MockERC20("T2", "T2", 18);
        vm.startPrank(owner);
        src.setFeed(address(t), IAggregatorV3(address(f)), 2 hours);
        assertEq(src.priceKey(address(wbtc)), 0);
        assertEq(src.priceKey(address(weth)), 1);
        assertEq(src.priceKey(address(t)), 2);
        // A removal and a new token keep every key; the removed token's key is never given again.
        src.removeFeed(address(weth));
        src.setFeed(address(t2), IAggregatorV3(address(f2)), 4 hours);
        vm.stopPrank();
        assertEq(src.keyCount(), 4);
        assertEq(src.priceKey(address(wbtc)), 0);
        assertEq(src.priceKey(address(weth)), 1);
        assertEq(src.priceKey(address(t)), 2);
        assertEq(src.priceKey(address(t2)), 3);
        _assertTableMatches(address(wbtc));
        _assertTableMatches(address(t));
        _assertTableMatches(address(t2));
        assertEq(address(src.keyedFeed(1).feed), address(0), "removed entry");
        uint256[] memory keys = new uint256[](4);
        (keys[0], keys[1], keys[2], keys[3]) = (0, 1, 2, 3);
        uint256[] memory ps = src.prices(keys);
        assertEq(ps[0], src.price(address(wbtc)));
        assertEq(ps[0], 60_000e8 * 10 ** (36 + 6 - 8 - 8));
        assertEq(ps[1], 0);
        assertEq(ps[2], src.price(address(t)));
        assertEq(ps[2], 5e8 * 10 ** (36 + 6 - 8 - 12));
        assertEq(ps[3], src.price(address(t2)));
        assertEq(ps[3], 6e18 * 10 ** (36 + 6 - 18 - 18));
    }

    function test_feedTable_removedFeedPricesZeroInBatch_revertsInPrice() public {
        uint256[] memory keys = _keys2();
        vm.prank(owner);
        src.removeFeed(address(wbtc));
        uint256[] memory ps = src.prices(keys);
        assertEq(ps[0], 0, "removed feed priced");
        assertEq(ps[1], 3e27);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.TokenNotConfigured.selector, address(wbtc)));
        src.price(address(wbtc));
        ChainlinkPriceSource.FeedConfig memory c = src.keyedFeed(0);
        assertEq(address(c.feed), address(0));
        assertEq(c.heartbeat, 0);
        assertEq(c.scaleExp, 0);
        assertEq(src.feedTable().code.length, 1 + 2 * src.ENTRY_SIZE(), "table compacted");
    }

    function test_feedTable_unknownKeysPriceZero() public view {
        uint256[] memory keys = new uint256[](5);
        keys[0] = 2; // the next key, not given yet
        keys[1] = type(uint256).max; // offsets that would overflow
        keys[2] = type(uint256).max / 25 + 1;
        keys[3] = 1 << 48;
        keys[4] = 1;
        uint256[] memory ps = src.prices(keys);
        for (uint256 i; i < 4; ++i) {
            assertEq(ps[i], 0);
        }
        assertEq(ps[4], 3e27);
        assertEq(address(src.keyedFeed(2).feed), address(0));
    }

    function test_feedTable_noTableBeforeFirstFeed() public {
        ChainlinkPriceSource s = new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(0)), 0, 0);
        assertEq(s.feedTable(), address(0));
        assertEq(s.keyCount(), 0);
        uint256[] memory keys = new uint256[](1);
        assertEq(s.prices(keys)[0], 0);
        assertEq(address(s.keyedFeed(0).feed), address(0));
    }

    function test_feedTable_everyChangeWritesANewTableAndEmits() public {
        MockERC20 t = new MockERC20("T", "T", 18);
        address before = src.feedTable();
        address next = vm.computeCreateAddress(address(src), vm.getNonce(address(src)));
        vm.expectEmit(address(src));
        emit ChainlinkPriceSource.FeedSet(address(t), address(ethFeed), HB);
        vm.expectEmit(address(src));
        emit ChainlinkPriceSource.FeedTableSet(next, 3);
        vm.prank(owner);
        src.setFeed(address(t), IAggregatorV3(address(ethFeed)), HB);
        assertEq(src.feedTable(), next);
        assertTrue(next != before);
        // The old table is left as it was (data contracts are immutable).
        assertEq(before.code.length, 1 + 2 * src.ENTRY_SIZE());
        assertEq(address(bytes20(_slice(before.code, 1, 20))), address(btcFeed));

        next = vm.computeCreateAddress(address(src), vm.getNonce(address(src)));
        vm.expectEmit(address(src));
        emit ChainlinkPriceSource.FeedRemoved(address(weth));
        vm.expectEmit(address(src));
        emit ChainlinkPriceSource.FeedTableSet(next, 3);
        vm.prank(owner);
        src.removeFeed(address(weth));
        assertEq(src.feedTable(), next);
    }

    function test_feedTable_tableCannotBeCalledIntoDoingAnything() public {
        (bool ok, bytes memory ret) = src.feedTable().call(abi.encodeWithSignature("latestRoundData()"));
        assertTrue(ok);
        assertEq(ret.length, 0);
    }

    function test_setFeeds_equalsOneByOne_andWritesTheTableOnce() public {
        MockERC20 a = new MockERC20("A", "A", 18);
        MockERC20 c = new MockERC20("C", "C", 8);
        MockERC20 b = new MockERC20("B", "B", 9);
        MockAggregator fa = new MockAggregator(8, "A/USD", 2e8);
        MockAggregator fb = new MockAggregator(8, "B/USD", 3e8);
        address[] memory ts = new address[](3);
        IAggregatorV3[] memory fs = new IAggregatorV3[](3);
        uint32[] memory hbs = new uint32[](3);
        (ts[0], ts[1], ts[2]) = (address(a), address(c), address(b));
        (fs[0], fs[1], fs[2]) =
        (IAggregatorV3(address(fa)), IAggregatorV3(address(btcFeed)), IAggregatorV3(address(fb)));
        (hbs[0], hbs[1], hbs[2]) = (HB, 2 hours, 3 hours);
        vm.recordLogs();
        vm.prank(owner);
        src.setFeeds(ts, fs, hbs);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 tableEvents;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] == ChainlinkPriceSource.FeedTableSet.selector) ++tableEvents;
        }
        assertEq(tableEvents, 1);
        assertEq(src.keyCount(), 5);
        assertEq(src.priceKey(address(a)), 2);
        assertEq(src.priceKey(address(c)), 3);
        assertEq(src.priceKey(address(b)), 4);
        (, uint32 hb,) = src.feeds(address(c));
        assertEq(hb, 2 hours);
        for (uint256 i; i < 3; ++i) {
            _assertTableMatches(ts[i]);
        }
        _assertTableMatches(address(wbtc));
        _assertTableMatches(address(weth));
        address[] memory byKey = new address[](5);
        (byKey[0], byKey[1], byKey[2], byKey[3], byKey[4]) =
        (address(wbtc), address(weth), address(a), address(c), address(b));
        _assertBatchMatchesPrice(byKey);
        assertEq(src.price(address(c)), 600e36);

        uint32[] memory short = new uint32[](2);
        vm.prank(owner);
        vm.expectRevert(ChainlinkPriceSource.LengthMismatch.selector);
        src.setFeeds(ts, fs, short);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, mallory));
        src.setFeeds(ts, fs, hbs);
    }

    /// @dev `prices` of keys 0.. equals `price` of `byKey` (the tokens in key order), every price non-zero.
    function _assertBatchMatchesPrice(address[] memory byKey) internal view {
        uint256[] memory keys = new uint256[](byKey.length);
        for (uint256 i; i < keys.length; ++i) {
            keys[i] = i;
        }
        uint256[] memory ps = src.prices(keys);
        for (uint256 i; i < keys.length; ++i) {
            assertEq(ps[i], src.price(byKey[i]));
            assertGt(ps[i], 0);
        }
    }

    function test_feedTable_ownerOnly_tableUnchanged() public {
        address before = src.feedTable();
        vm.startPrank(mallory);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, mallory));
        src.setFeed(address(wbtc), IAggregatorV3(address(ethFeed)), HB);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, mallory));
        src.removeFeed(address(weth));
        vm.stopPrank();
        assertEq(src.feedTable(), before);
        assertEq(src.prices(_keys2())[0], 600e36);
        assertEq(src.prices(_keys2())[1], 3e27);
    }

    function test_feedTable_fullAtMaxKeys() public {
        ChainlinkPriceSource s = new ChainlinkPriceSource(owner, address(usdc), IAggregatorV3(address(0)), 0, 0);
        uint256 max = s.MAX_KEYS();
        address[] memory ts = new address[](max);
        IAggregatorV3[] memory fs = new IAggregatorV3[](max);
        uint32[] memory hbs = new uint32[](max);
        for (uint256 i; i < max; ++i) {
            ts[i] = address(uint160(0x10000 + i));
            vm.mockCall(ts[i], abi.encodeWithSignature("decimals()"), abi.encode(uint8(18)));
            fs[i] = IAggregatorV3(address(btcFeed));
            hbs[i] = HB;
        }
        vm.prank(owner);
        s.setFeeds(ts, fs, hbs);
        assertEq(s.feedTable().code.length, 24_576);
        assertEq(s.priceKey(ts[max - 1]), max - 1);
        assertEq(address(s.keyedFeed(max - 1).feed), address(btcFeed));
        // A new token is refused (an existing one is refused anyway: feeds are set once).
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.FeedAlreadySet.selector, ts[5], address(btcFeed)));
        s.setFeed(ts[5], IAggregatorV3(address(ethFeed)), HB);
        vm.expectRevert(abi.encodeWithSelector(ChainlinkPriceSource.TooManyKeys.selector, max));
        s.setFeed(address(wbtc), IAggregatorV3(address(btcFeed)), HB);
        vm.stopPrank();
    }

    function _slice(bytes memory b, uint256 start, uint256 len) internal pure returns (bytes memory out) {
        out = new bytes(len);
        for (uint256 i; i < len; ++i) {
            out[i] = b[start + i];
        }
    }
}
