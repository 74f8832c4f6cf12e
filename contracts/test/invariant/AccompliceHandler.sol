// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IBallastRebalancer} from "../../src/interfaces/IBallastRebalancer.sol";
import {IBallastVault} from "../../src/interfaces/IBallastVault.sol";
import {IRedemptionQueue} from "../../src/interfaces/IRedemptionQueue.sol";
import {IUniswapV3Pool} from "../../src/interfaces/IUniswapV3.sol";
import {HostileKeeperHandler} from "./HostileKeeperHandler.sol";

/// @notice The hostile keeper of `HostileKeeperHandler` WITH ACCOMPLICES, who hold no keeper rights and use only what
/// any holder, depositor or the owner can do:
/// - two accomplices deposit up to 10x the honest NAV into the cash leg, wait out the share lock, and deposit,
///   withdraw, redeem or redeem in kind in the SAME block as the keeper's opening (before and after it) and
///   mid-epoch, so that the NAV an epoch's bounds are measured against leaves the vault;
/// - anyone (honest holders and accomplices) queues redemptions with the `RedemptionQueue` (1 wei of shares or large
///   amounts) right before an opening, cancels and claims;
/// - the owner changes the entry and exit fees mid-epoch (the management fee is left as it is);
/// - third parties deposit for honest holders: honest gifts, and accomplices' dust (`deposit(1, victim)`) timed just
///   before the victim's gifted shares unlock (from the public `SharesLockedUntil` events, here the ghost).
/// The hostile keeper then trades at a loss as far as the contracts allow (the parent's trades and sandwiches, and
/// `keeperDrain`, several maximal sandwiches in a row), with risk-on all-cash targets among its choices.
///
/// What it measures, independently of the contracts' own bookkeeping:
/// (a) for each successful `executeTrades`, the parent's measured trading loss L (oracle value in minus oracle value
///     out) per share, L / S with S the vault's total supply at that moment, summed per epoch and compared with
///     `maxCallLossBps` / `maxEpochLossBps` of the NAV per share at the epoch's opening (`navAtOpen` / supply then);
/// (b) `probeClose`: whether an outsider can close the open epoch after the grace period, refilling the cash for the
///     queued batch with sells if it is short (run on a snapshot by the invariant);
/// (c) per honest holder, the shares its own deposits lock (own bucket, extended by its own deposits only) and the
///     shares each deposit by another address locks (that deposit's NEW shares, for one lock period): the vault
///     must never lock more of the holder's shares than that.
/// The vault's ledger of the parent (`ghostReal`, `ghostAccounted`) is kept through every new flow (deposits, exits,
/// settlements), so the parent's trade measurement stays exact.
contract AccompliceHandler is HostileKeeperHandler {
    using Math for uint256;

    /// @dev Largest value (asset units) of one refill sell in `probeClose`, and how far above the oracle price the
    /// outsider first lifts the pool (so the sell costs the vault nothing whatever the loss caps left).
    uint256 internal constant MAX_REFILL_CHUNK = 50_000e6;
    uint256 internal constant REFILL_PUSH_BPS = 1000;
    uint256 internal constant MAX_REFILL_ROUNDS = 12;

    /// @notice One epoch's losses per share (all in asset base units x 1e36 per share base unit).
    /// @param supplyAtOpen The vault's total supply at the opening.
    /// @param navPerShare36 `navAtOpen` x 1e36 / `supplyAtOpen`.
    /// @param lossPerShare36 Sum over calls of L x 1e36 / S (rounded down).
    /// @param tolerance36 Sum over calls of (trades + 1) x 1e36 / S (rounded up): one asset unit per trade for the
    /// contract's and the handler's rounding of oracle values, and one per call for the cap's own rounding.
    /// @param worstCall36 The largest single call's L x 1e36 / S.
    /// @param calls Successful `executeTrades` calls.
    struct ShareGhost {
        uint256 supplyAtOpen;
        uint256 navPerShare36;
        uint256 lossPerShare36;
        uint256 tolerance36;
        uint256 worstCall36;
        uint256 calls;
    }

    /// @dev Shares of one deposit made for a holder by another address, locked until `until`.
    struct Lot {
        uint256 shares;
        uint256 until;
    }

    IRedemptionQueue public immutable queue;
    address public immutable owner;

    address[] internal _accomplices;
    /// @dev The depositors, then the accomplices.
    address[] internal _everyone;
    mapping(address => bool) internal _honest;

    mapping(uint64 id => ShareGhost) internal _perShare;
    /// @notice Per honest holder: its own bucket as its own deposits set it, and the lots others' deposits locked.
    mapping(address => uint256) public ghostOwnLocked;
    mapping(address => uint256) public ghostOwnUntil;
    mapping(address => Lot[]) internal _gifts;
    /// @dev The honest holder who acted itself inside the current accomplice action (exempt from its re-lock check).
    address internal _selfActing;

    constructor(World memory w, IRedemptionQueue queue_, address owner_) HostileKeeperHandler(w) {
        queue = queue_;
        owner = owner_;
        for (uint256 i; i < 2; ++i) {
            _accomplices.push(makeAddr(string.concat("accomplice", vm.toString(i))));
        }
        for (uint256 i; i < _depositors.length; ++i) {
            address a = _depositors[i];
            _honest[a] = true;
            _everyone.push(a);
            // The setup's deposits were the holders' own.
            (uint256 locked, uint256 until) = w.vault.lockedShares(a);
            ghostOwnLocked[a] = locked;
            ghostOwnUntil[a] = until;
        }
        for (uint256 i; i < _accomplices.length; ++i) {
            _everyone.push(_accomplices[i]);
        }
        for (uint256 i; i < _everyone.length; ++i) {
            vm.prank(_everyone[i]);
            w.vault.approve(address(queue_), type(uint256).max);
        }
    }

    /*//////////////////////////////////////////////////////////////
                              ACCOMPLICES
    //////////////////////////////////////////////////////////////*/

    /// @notice An accomplice deposits 1x to 10x the honest NAV (its holdings kept at most 10x the honest NAV) into
    /// the cash leg and, three times in four, waits out the share lock.
    function accompliceDeposit(uint256 who, uint256 mult, uint8 waitMode) external {
        _count("accompliceDeposit");
        address a = _accomplices[who % _accomplices.length];
        uint256[] memory before = _unlockedHonest();
        _bigDeposit(a, mult);
        if (waitMode % 4 != 0) {
            _warpTo(block.timestamp + vault.shareLockPeriod() + 1);
            _refresh();
        }
        _checkNotRelocked(a, before);
    }

    /// @notice In ONE block: an accomplice acts (deposits big, redeems, queues 1 wei or a large amount, or an honest
    /// holder queues a large amount), the keeper opens an epoch (random targets, all-cash targets or a cash sweep), and
    /// the accomplice acts again (redeems or withdraws all it can, redeems all in kind, deposits big). The keeper
    /// closes the open epoch and waits out the spacing first.
    function accompliceAroundOpen(uint256 seed, uint8 beforeMode, uint8 afterMode, uint8 openMode) external {
        _count("aroundOpen");
        if (!_readyToOpen()) return;
        address a = _fundedAccomplice(seed);
        uint256[] memory before = _unlockedHonest();
        _beforeOpen(a, _r(seed, 1), beforeMode);
        _keeperOpen(_r(seed, 2), openMode);
        _afterOpen(a, _r(seed, 3), afterMode);
        _checkNotRelocked(a, before);
    }

    /// @notice Mid-epoch (or between epochs), an accomplice exits (redeem, withdraw, in kind) or deposits big.
    function accompliceExit(uint256 seed, uint8 mode) external {
        _count("accompliceExit");
        address a = _fundedAccomplice(seed);
        uint256[] memory before = _unlockedHonest();
        uint256 m = mode % 4;
        if (m == 0) _redeemMax(a);
        else if (m == 1) _withdrawMax(a);
        else if (m == 2) _inKind(a, 5000 + _r(seed, 1) % 5001);
        else _bigDeposit(a, _r(seed, 2));
        _checkNotRelocked(a, before);
    }

    /// @notice The hostile keeper loses as much as it can: 2 to 8 sandwiched trades in a row on the open epoch, each a
    /// full chunk (8,000 of value) toward a component's target with the pool first pushed against the vault by the
    /// most the slippage bound lets through (120, 90, 60 then 30 bps tried in turn).
    function keeperDrain(uint256 seed, uint8 n) external {
        _count("keeperDrain");
        for (uint256 k; k < 2 + n % 7; ++k) {
            if (!rebalancer.currentEpoch().open) return;
            uint256 i = _r(seed, k) % _tokens.length;
            for (uint256 bps = 120; bps != 0; bps -= 30) {
                uint256 before = successfulTrades;
                if (!_sandwichFull(seed, i, bps)) break;
                if (successfulTrades != before) break;
            }
        }
    }

    /// @dev One sandwiched full-chunk trade of component `i`; false if there is nothing to trade.
    function _sandwichFull(uint256 seed, uint256 i, uint256 bps) internal returns (bool) {
        Snap memory s = _snap();
        (bool buy, uint256 amount) = _towardTarget(s, i, BPS, 6999);
        if (amount == 0) return false;
        (IUniswapV3Pool pool, address token, uint256 fair) = _poolAt(i);
        _move(pool, token, buy ? fair.mulDiv(BPS + bps, BPS) : fair.mulDiv(BPS - bps, BPS));
        Plan memory p = _plan(seed, 1, 0, 0);
        p.trades[0] = _trade(buy ? address(usdc) : token, buy ? token : address(usdc), amount, _single(buy, token));
        uint256 before = successfulTrades;
        _execute(p);
        sandwichedTrades += successfulTrades - before;
        _move(pool, token, fair);
        return true;
    }

    /*//////////////////////////////////////////////////////////////
                            REDEMPTION QUEUE
    //////////////////////////////////////////////////////////////*/

    /// @notice Anyone queues 1 wei of shares, a random amount or half to all of its unlocked shares (`mode % 3`); with
    /// `openAfter`, right before the keeper's opening in the same block (`mode / 3`: see `_keeperOpen`).
    function queueRequest(uint256 actorSeed, uint256 sharesSeed, uint8 mode, bool openAfter) external {
        _count("queueRequest");
        address a = _everyone[actorSeed % _everyone.length];
        if (openAfter && !_readyToOpen()) openAfter = false;
        uint256 unlocked = _unlocked(a);
        uint256 m = mode % 3;
        uint256 shares;
        if (m == 0) shares = 1;
        else if (m == 1) shares = unlocked == 0 ? 0 : 1 + sharesSeed % unlocked;
        else shares = unlocked.mulDiv(5000 + sharesSeed % 5001, BPS);
        _request(a, shares);
        if (openAfter) _keeperOpen(_r(sharesSeed, 1), mode / 3);
    }

    function queueClaim(uint256 actorSeed) external {
        _count("queueClaim");
        address a = _everyone[actorSeed % _everyone.length];
        vm.prank(a);
        try queue.claim(a) {}
        catch (bytes memory err) {
            _countRevert(err);
        }
    }

    function queueCancel(uint256 actorSeed) external {
        _count("queueCancel");
        address a = _everyone[actorSeed % _everyone.length];
        vm.prank(a);
        try queue.cancelRequest() {}
        catch (bytes memory err) {
            _countRevert(err);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 OWNER
    //////////////////////////////////////////////////////////////*/

    /// @notice The owner sets the entry and exit fees (0 to 1%), mid-epoch or not; the management fee is unchanged.
    function ownerSetFees(uint256 entryBps, uint256 exitBps) external {
        _count("setFees");
        IBallastVault.FeeConfig memory f = vault.feeConfig();
        vm.prank(owner);
        vault.setFees(f.managementFeeWad, uint16(entryBps % 101), uint16(exitBps % 101));
    }

    /// @notice The owner sets the anti-dilution levy (0 to 1%; the world's sources admit no lag), mid-epoch or not.
    function ownerSetLevy(uint256 levyBps) external {
        _count("setLevy");
        vm.prank(owner);
        vault.setLevy(uint16(levyBps % 101));
    }

    /*//////////////////////////////////////////////////////////////
                       HONEST HOLDERS AND THIRD PARTIES
    //////////////////////////////////////////////////////////////*/

    /// @notice An honest holder deposits for itself (its own bucket, as the ghost of (c) records).
    function honestDeposit(uint256 actorSeed, uint256 assets) external {
        _count("honestDeposit");
        address a = _depositors[actorSeed % _depositors.length];
        (bool ok, uint256 shares) = _depositFor(a, a, 100e6 + assets % 100_000e6);
        if (ok) _ghostOwn(a, shares);
    }

    /// @notice Another honest holder or an accomplice deposits a real amount for an honest holder (a gift).
    function giftDeposit(uint256 fromSeed, uint256 toSeed, uint256 assets) external {
        _count("giftDeposit");
        address to = _depositors[toSeed % _depositors.length];
        address from = _other(to, fromSeed);
        uint256[] memory before = _unlockedHonest();
        (bool ok, uint256 shares) = _depositFor(from, to, 100e6 + assets % 50_000e6);
        if (ok) _ghostGift(to, shares);
        _checkNotRelocked(from, before);
    }

    /// @notice An accomplice (or another holder) deposits dust (1 to 1,000 base units) for an honest holder, usually
    /// timed just before the holder's last gifted shares unlock.
    function dustDeposit(uint256 fromSeed, uint256 victimSeed, uint256 assets, uint256 timing) external {
        _count("dustDeposit");
        address victim = _depositors[victimSeed % _depositors.length];
        address from = _other(victim, fromSeed);
        if (timing % 4 != 0) {
            uint256 until = _lastGiftUntil(victim);
            if (until > block.timestamp + 2) {
                _warpTo(until - 1 - Math.min(timing % 600, until - block.timestamp - 2));
            }
        }
        uint256[] memory before = _unlockedHonest();
        (bool ok, uint256 shares) = _depositFor(from, victim, 1 + assets % 1000);
        if (ok) _ghostGift(victim, shares);
        _checkNotRelocked(from, before);
    }

    /*//////////////////////////////////////////////////////////////
                     (b) CAN AN OUTSIDER CLOSE THE EPOCH?
    //////////////////////////////////////////////////////////////*/

    /// @notice Run by the invariant on a snapshot (it changes the state): after the grace period (feeds re-posted, as
    /// their updater does), an outsider tries `closeEpoch`; while it reverts with `InsufficientCashForRedemptions`,
    /// the outsider refills the cash with sells toward the batch's needs (the most overweight component first, the
    /// pool first lifted 10% above the oracle price so the sell costs the vault nothing, at most 50k a sell; a refused
    /// sell is tried once more, resized to the band's room on `Overshoot` or halved on any refusal but `NotOverweight`),
    /// up to 12 rounds. Returns whether the epoch closed, and why not. A dust batch (worth 0 assets) fails at once.
    function probeClose() external returns (bool closed, string memory why) {
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        if (!e.open) return (true, "");
        _warpTo(uint256(e.openedAt) + rebalancer.config().keeperGracePeriod);
        _refresh();
        string memory sells;
        for (uint256 round; round < MAX_REFILL_ROUNDS; ++round) {
            bytes memory err;
            (closed, err) = _closeAsOutsider(e.id);
            if (closed) return (true, "");
            if (_sel(err) == IBallastRebalancer.ExitFeeRaised.selector) {
                // The owner raised the exit fee or the levy over a committed batch: closing waits until their sum is
                // back to the opening's (the batch never pays more). Governance recovers; nothing else is stuck.
                IBallastVault.FeeConfig memory f = vault.feeConfig();
                uint16 levy = f.levyBps < e.exitFeeBps ? f.levyBps : e.exitFeeBps;
                vm.startPrank(owner);
                vault.setLevy(levy);
                vault.setFees(f.managementFeeWad, f.entryFeeBps, e.exitFeeBps - levy);
                vm.stopPrank();
                continue;
            }
            if (_sel(err) != IBallastRebalancer.InsufficientCashForRedemptions.selector) {
                return
                    (
                        false,
                        string.concat("epoch cannot be closed: closeEpoch reverts with ", _errName(err), _ctx(e.id))
                    );
            }
            uint256 needed = vault.previewRedeem(queue.pendingShares(e.id));
            uint256 cash = vault.cash();
            if (needed == 0) {
                return (
                    false,
                    string.concat(
                        "epoch cannot be closed: its queued batch redeems to 0 assets and closeEpoch reverts with ",
                        _errName(err),
                        _ctx(e.id)
                    )
                );
            }
            if (needed <= cash && round != 0) {
                return (
                    false,
                    string.concat(
                        "epoch cannot be closed: closeEpoch reverts with ",
                        _errName(err),
                        " although the cash covers the batch",
                        _ctx(e.id),
                        "; sells: ",
                        sells
                    )
                );
            }
            // The shortfall, plus 0.1% and 0.01 asset units of margin for the batch's price moving with the sells.
            uint256 short_ = (needed > cash ? needed - cash : 0) + needed / 1000 + 10 ** usdc.decimals() / 100;
            (bool sold, string memory tried) = _refill(e.id, short_);
            sells = string.concat(sells, tried);
            if (!sold) {
                return (
                    false,
                    string.concat(
                        "epoch cannot be closed: closeEpoch reverts with ",
                        _errName(err),
                        " and no sell refilling ",
                        vm.toString(short_),
                        " of cash is allowed",
                        _ctx(e.id),
                        "; sells tried: ",
                        sells
                    )
                );
            }
        }
        return (false, string.concat("epoch cannot be closed: still short after 12 refill sells", _ctx(e.id)));
    }

    function _closeAsOutsider(uint64 id) internal returns (bool ok, bytes memory err) {
        vm.prank(_outsiders[0]);
        try rebalancer.closeEpoch(id) {
            ok = true;
        } catch (bytes memory x) {
            err = x;
        }
    }

    /// @dev One refill sell of about `short_` of cash: components tried from the most overweight at the targets the
    /// rebalancer documents (weights times the call's base less the reserve); each refused one once more, smaller.
    function _refill(uint64 id, uint256 short_) internal returns (bool sold, string memory tried) {
        Snap memory s = _snap();
        (uint256 investable, uint256 band) = _investableAndBand(s);
        bool[] memory done = new bool[](_tokens.length);
        for (uint256 k; k < _tokens.length; ++k) {
            (uint256 i, uint256 value, uint256 target) = _mostOverweight(s, done, investable);
            if (i == type(uint256).max) break;
            done[i] = true;
            uint256 chunk = Math.min(Math.min(short_, MAX_REFILL_CHUNK), value);
            if (chunk == 0) continue;
            bytes memory err;
            (sold, err) = _refillSell(id, i, chunk, s);
            if (sold) return (true, tried);
            tried = string.concat(tried, _tokens[i].symbol(), " ", vm.toString(chunk), ": ", _errName(err), "; ");
            // Once more, smaller: what the band allows on `Overshoot`, else half (a bound on the refill's size).
            uint256 smaller;
            if (_sel(err) == IBallastRebalancer.Overshoot.selector) {
                smaller = value + band > target ? (value + band - target).mulDiv(999, 1000) : 0;
            } else if (_sel(err) != IBallastRebalancer.NotOverweight.selector) {
                smaller = chunk / 2;
            }
            if (smaller != 0 && smaller < chunk) {
                (sold, err) = _refillSell(id, i, smaller, s);
                if (sold) return (true, tried);
                tried = string.concat(tried, _tokens[i].symbol(), " ", vm.toString(smaller), ": ", _errName(err), "; ");
            }
        }
    }

    /// @dev The investable value and the band of a call now, from the base the rebalancer documents: the opening NAV
    /// scaled down by the share supply that has left since.
    function _investableAndBand(Snap memory s) internal pure returns (uint256 investable, uint256 band) {
        uint256 base = _base(s);
        investable = base > s.e.reserved ? base - s.e.reserved : 0;
        band = base.mulDiv(s.cfg.bandWad, WAD);
    }

    function _mostOverweight(Snap memory s, bool[] memory done, uint256 investable)
        internal
        view
        returns (uint256 best, uint256 bestValue, uint256 bestTarget)
    {
        best = type(uint256).max;
        int256 bestOver = type(int256).min;
        for (uint256 i; i < _tokens.length; ++i) {
            if (done[i] || s.acct[i + 1] == 0) continue;
            uint256 value = s.acct[i + 1].mulDiv(s.price[i + 1], ONE36);
            uint256 target = investable.mulDiv(s.w[i], WAD);
            int256 over = int256(value) - int256(target);
            if (over > bestOver) (best, bestOver, bestValue, bestTarget) = (i, over, value, target);
        }
    }

    function _refillSell(uint64 id, uint256 i, uint256 value, Snap memory s) internal returns (bool, bytes memory) {
        uint256 amount = Math.min(value.mulDiv(ONE36, s.price[i + 1], Math.Rounding.Ceil), s.acct[i + 1]);
        (IUniswapV3Pool pool, address token, uint256 fair) = _poolAt(i);
        _move(pool, token, fair.mulDiv(BPS + REFILL_PUSH_BPS, BPS));
        IBallastRebalancer.Trade[] memory ts = new IBallastRebalancer.Trade[](1);
        ts[0] = _trade(token, address(usdc), amount, _single(false, token));
        uint32 idx = rebalancer.currentEpoch().trades;
        vm.prank(_outsiders[0]);
        try rebalancer.executeTrades(id, idx, ts) {
            return (true, "");
        } catch (bytes memory err) {
            _move(pool, token, fair);
            return (false, err);
        }
    }

    /// @dev The state of the batch and the epoch, for the messages.
    function _ctx(uint64 id) internal view returns (string memory) {
        uint256 pending = queue.pendingShares(id);
        IBallastRebalancer.Epoch memory e = rebalancer.currentEpoch();
        string memory a = string.concat(
            " (epoch ",
            vm.toString(id),
            ": batch of ",
            vm.toString(pending),
            " shares worth ",
            vm.toString(vault.previewRedeem(pending)),
            ", maxRedeem(queue) ",
            vm.toString(vault.maxRedeem(address(queue)))
        );
        return string.concat(
            a,
            ", cash ",
            vm.toString(vault.cash()),
            ", reserved ",
            vm.toString(e.reserved),
            ", navAtOpen ",
            vm.toString(e.navAtOpen),
            ", NAV now ",
            vm.toString(vault.totalAssets()),
            ")"
        );
    }

    /*//////////////////////////////////////////////////////////////
                    (a) LOSSES PER SHARE, MEASURED PER CALL
    //////////////////////////////////////////////////////////////*/

    function _recordEpoch(IBallastRebalancer.Epoch memory e) internal override {
        super._recordEpoch(e);
        ShareGhost storage g = _perShare[e.id];
        if (g.supplyAtOpen != 0) return;
        // Called right after the opening (or, for an epoch opened behind the handler's back, at its first trade).
        g.supplyAtOpen = vault.totalSupply();
        g.navPerShare36 = uint256(e.navAtOpen).mulDiv(ONE36, g.supplyAtOpen);
    }

    /// @dev After the parent's measurement of a successful call: its loss per share, against the caps in bps of the
    /// NAV per share at the opening, for the call and for the epoch so far.
    function _checkLosses(Snap memory s, Plan memory p, Run memory r) internal override {
        super._checkLosses(s, p, r);
        ShareGhost storage g = _perShare[p.id];
        uint256 supply = vault.totalSupply();
        uint256 perShare = r.loss.mulDiv(ONE36, supply);
        uint256 tol = (r.n + 1).mulDiv(ONE36, supply, Math.Rounding.Ceil);
        g.lossPerShare36 += perShare;
        g.tolerance36 += tol;
        ++g.calls;
        if (perShare > g.worstCall36) g.worstCall36 = perShare;
        uint256 callCap = g.navPerShare36.mulDiv(s.cfg.maxCallLossBps, BPS);
        if (perShare > callCap + tol) {
            _fail("perShareCall", _lossMessage("one call", p.id, r.loss, supply, perShare, callCap));
        }
        uint256 epochCap = g.navPerShare36.mulDiv(s.cfg.maxEpochLossBps, BPS);
        if (g.lossPerShare36 > epochCap + g.tolerance36) {
            _fail("perShareEpoch", _lossMessage("the epoch", p.id, r.loss, supply, g.lossPerShare36, epochCap));
        }
    }

    function _lossMessage(string memory what, uint64 id, uint256 loss, uint256 supply, uint256 perShare, uint256 cap)
        internal
        view
        returns (string memory)
    {
        ShareGhost storage g = _perShare[id];
        string memory head = string.concat(
            "epoch ",
            vm.toString(id),
            ": holders lost ",
            _bps(perShare, g.navPerShare36),
            " bps of their value per share in ",
            what,
            ", cap ",
            _bps(cap, g.navPerShare36),
            " bps"
        );
        return string.concat(
            head,
            " (last call lost ",
            vm.toString(loss),
            " at supply ",
            vm.toString(supply),
            "; navAtOpen ",
            vm.toString(_epochs[id].nav),
            ", supply at open ",
            vm.toString(g.supplyAtOpen),
            ")"
        );
    }

    /// @dev `x` in bps of `base`, with two decimals.
    function _bps(uint256 x, uint256 base) internal pure returns (string memory) {
        uint256 c = x.mulDiv(BPS * 100, base);
        uint256 f = c % 100;
        return string.concat(vm.toString(c / 100), ".", f < 10 ? "0" : "", vm.toString(f));
    }

    /*//////////////////////////////////////////////////////////////
                  (c) LOCKS SET BY THE HOLDER, NEW SHARES BY OTHERS
    //////////////////////////////////////////////////////////////*/

    /// @notice The most of `a`'s shares that may be locked now: its own bucket (as its own deposits set it) and the
    /// lots of others' deposits that have not expired.
    function ghostLocked(address a) public view returns (uint256 locked) {
        if (ghostOwnUntil[a] > block.timestamp) locked = ghostOwnLocked[a];
        Lot[] storage lots = _gifts[a];
        for (uint256 k; k < lots.length; ++k) {
            if (lots[k].until > block.timestamp) locked += lots[k].shares;
        }
    }

    function _ghostOwn(address a, uint256 shares) internal {
        uint256 period = vault.shareLockPeriod();
        if (period == 0) return;
        uint256 still = ghostOwnUntil[a] > block.timestamp ? ghostOwnLocked[a] : 0;
        ghostOwnLocked[a] = still + shares;
        ghostOwnUntil[a] = block.timestamp + period;
    }

    function _ghostGift(address to, uint256 shares) internal {
        uint256 period = vault.shareLockPeriod();
        if (!_honest[to] || period == 0) return;
        Lot[] storage lots = _gifts[to];
        for (uint256 k; k < lots.length;) {
            if (lots[k].until <= block.timestamp) {
                lots[k] = lots[lots.length - 1];
                lots.pop();
            } else {
                ++k;
            }
        }
        lots.push(Lot({shares: shares, until: block.timestamp + period}));
    }

    function _lastGiftUntil(address a) internal view returns (uint256 until) {
        Lot[] storage lots = _gifts[a];
        for (uint256 k; k < lots.length; ++k) {
            if (lots[k].until > until) until = lots[k].until;
        }
    }

    function _unlockedHonest() internal view returns (uint256[] memory u) {
        u = new uint256[](_depositors.length);
        for (uint256 i; i < u.length; ++i) {
            u[i] = _unlocked(_depositors[i]);
        }
    }

    /// @dev After an action by `actor`, no other honest holder (but one that acted itself within it) has fewer unlocked
    /// shares than before it.
    function _checkNotRelocked(address actor, uint256[] memory before) internal {
        address self = _selfActing;
        _selfActing = address(0);
        for (uint256 i; i < before.length; ++i) {
            address h = _depositors[i];
            uint256 nowUnlocked = _unlocked(h);
            if (h != actor && h != self && nowUnlocked < before[i]) {
                _fail(
                    "relock",
                    string.concat(
                        vm.getLabel(h),
                        ": unlocked shares fell from ",
                        vm.toString(before[i]),
                        " to ",
                        vm.toString(nowUnlocked),
                        " by an action of ",
                        vm.getLabel(actor)
                    )
                );
            }
        }
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _readyToOpen() internal returns (bool) {
        if (rebalancer.currentEpoch().open) _tryClose(keeper, 0);
        if (rebalancer.currentEpoch().open) return false;
        _waitSpacing();
        return true;
    }

    /// @dev The keeper opens: random targets, risk-on all-cash targets (every component becomes sellable), or (two
    /// times in four, and always when risk-off) a cash sweep at the standing targets.
    function _keeperOpen(uint256 seed, uint256 mode) internal {
        if (_regimeNow() == IBallastRebalancer.Regime.RiskOff || mode % 4 >= 2) _cashSweep(0);
        else if (mode % 4 == 0) _openEpoch(seed, 0);
        else _openAllCash();
    }

    /// @dev The accomplice with the most shares (the one that deposited), one time in four the other.
    function _fundedAccomplice(uint256 seed) internal view returns (address) {
        (address x, address y) = (_accomplices[0], _accomplices[1]);
        if (vault.balanceOf(y) > vault.balanceOf(x)) (x, y) = (y, x);
        return seed % 4 == 0 ? y : x;
    }

    function _openAllCash() internal {
        Snap memory s = _snap();
        uint64 id = s.e.id + 1;
        string memory why = _openRefusal(s, id);
        vm.prank(keeper);
        try rebalancer.openEpoch(id, new uint64[](_tokens.length), uint64(WAD)) {
            _onOpened("openEpoch", why, s);
        } catch (bytes memory err) {
            _onRefused(err, s);
        }
    }

    /// @dev Before an opening (in eighths): nothing, deposit big, redeem all it can, queue 1 wei, queue half to all of
    /// its unlocked shares, or (three in eight, not the accomplice) an honest holder queues half to all of its own.
    function _beforeOpen(address a, uint256 seed, uint8 mode) internal {
        uint256 m = mode % 8;
        if (m == 1) _bigDeposit(a, seed);
        else if (m == 2) _redeemMax(a);
        else if (m == 3) _request(a, 1);
        else if (m == 4) _request(a, _unlocked(a).mulDiv(5000 + seed % 5001, BPS));
        else if (m >= 5) _honestRequest(seed);
    }

    /// @dev After an opening (in eighths): nothing, redeem all it can (three in eight), withdraw all it can (two in
    /// eight), redeem all in kind, or deposit big.
    function _afterOpen(address a, uint256 seed, uint8 mode) internal {
        uint256 m = mode % 8;
        if (m >= 1 && m <= 3) _redeemMax(a);
        else if (m == 4 || m == 5) _withdrawMax(a);
        else if (m == 6) _inKind(a, BPS);
        else if (m == 7) _bigDeposit(a, seed);
    }

    /// @dev Deposits 1x to 10x the honest NAV for accomplice `a`, keeping the accomplices at most 10x the honest NAV.
    function _bigDeposit(address a, uint256 mult) internal {
        uint256 nav = vault.totalAssets();
        uint256 supply = vault.totalSupply();
        uint256 theirs;
        for (uint256 i; i < _accomplices.length; ++i) {
            theirs += vault.balanceOf(_accomplices[i]);
        }
        uint256 theirValue = nav.mulDiv(theirs, supply);
        uint256 honestNav = nav - theirValue;
        uint256 room = 10 * honestNav > theirValue ? 10 * honestNav - theirValue : 0;
        uint256 assets = Math.min(honestNav * (1 + mult % 10), room);
        if (assets >= 1e6) _depositFor(a, a, assets);
    }

    function _depositFor(address from, address to, uint256 assets) internal returns (bool ok, uint256 shares) {
        usdc.mint(from, assets);
        vm.prank(from);
        usdc.approve(address(vault), assets);
        vm.prank(from);
        try vault.deposit(assets, to) returns (uint256 s) {
            ghostReal[address(usdc)] += assets;
            ghostAccounted[address(usdc)] += assets;
            return (true, s);
        } catch (bytes memory err) {
            _countRevert(err);
            vm.prank(from);
            usdc.approve(address(vault), 0);
            usdc.burn(from, assets);
        }
    }

    function _redeemMax(address a) internal {
        uint256 max = vault.maxRedeem(a);
        if (max == 0) return;
        vm.prank(a);
        try vault.redeem(max, a, a) returns (uint256 assets) {
            _cashOut(assets);
        } catch (bytes memory err) {
            _countRevert(err);
        }
    }

    function _withdrawMax(address a) internal {
        uint256 max = vault.maxWithdraw(a);
        if (max == 0) return;
        vm.prank(a);
        try vault.withdraw(max, a, a) {
            _cashOut(max);
        } catch (bytes memory err) {
            _countRevert(err);
        }
    }

    function _inKind(address a, uint256 fractionBps) internal {
        uint256 shares = _unlocked(a).mulDiv(fractionBps, BPS);
        if (shares == 0) return;
        vm.prank(a);
        try vault.redeemInKind(shares, a, a) returns (uint256[] memory amounts, uint256 cashOut) {
            for (uint256 i; i < amounts.length; ++i) {
                ghostReal[address(_tokens[i])] -= amounts[i];
                ghostAccounted[address(_tokens[i])] -= amounts[i];
            }
            _cashOut(cashOut);
        } catch (bytes memory err) {
            _fail("inKind", string.concat("redeemInKind reverted: ", vm.toString(err)));
        }
    }

    function _honestRequest(uint256 seed) internal {
        address h = _depositors[seed % _depositors.length];
        _selfActing = h;
        _request(h, _unlocked(h).mulDiv(5000 + (seed >> 8) % 5001, BPS));
    }

    function _request(address a, uint256 shares) internal {
        if (shares == 0 || shares > _unlocked(a)) return;
        vm.prank(a);
        try queue.requestRedeem(shares, a, a) {}
        catch (bytes memory err) {
            _countRevert(err);
        }
    }

    function _cashOut(uint256 assets) internal {
        ghostReal[address(usdc)] -= assets;
        ghostAccounted[address(usdc)] -= assets;
    }

    /// @dev Closing settles the queued batch: its cash leaves the vault, which the ledger follows.
    function _tryClose(address caller, uint8 idMode) internal override {
        uint256 cashBefore = vault.cash();
        uint256 realBefore = usdc.balanceOf(address(vault));
        super._tryClose(caller, idMode);
        ghostAccounted[address(usdc)] = ghostAccounted[address(usdc)] + vault.cash() - cashBefore;
        ghostReal[address(usdc)] = ghostReal[address(usdc)] + usdc.balanceOf(address(vault)) - realBefore;
    }

    /// @dev Another holder than `to` (one time in two) or an accomplice.
    function _other(address to, uint256 seed) internal view returns (address) {
        if (seed % 2 == 1) return _accomplices[(seed >> 1) % _accomplices.length];
        uint256 n = _depositors.length;
        uint256 start = (seed >> 1) % n;
        for (uint256 k; k < n; ++k) {
            address a = _depositors[(start + k) % n];
            if (a != to) return a;
        }
        return _accomplices[0];
    }

    function _sel(bytes memory err) internal pure returns (bytes4) {
        return err.length >= 4 ? bytes4(err) : bytes4(0);
    }

    /// @dev A readable name for the errors the probes meet.
    function _errName(bytes memory err) internal pure returns (string memory) {
        bytes4 s = _sel(err);
        if (s == IBallastRebalancer.InsufficientCashForRedemptions.selector) {
            (uint256 needed, uint256 available) = abi.decode(_args(err), (uint256, uint256));
            return
                string.concat("InsufficientCashForRedemptions(", vm.toString(needed), ", ", vm.toString(available), ")");
        }
        if (s == IBallastRebalancer.NotOverweight.selector) return "NotOverweight";
        if (s == IBallastRebalancer.NotUnderweight.selector) return "NotUnderweight";
        if (s == IBallastRebalancer.Overshoot.selector) return "Overshoot";
        if (s == IBallastRebalancer.TurnoverExceeded.selector) return "TurnoverExceeded";
        if (s == IBallastRebalancer.CallLossExceeded.selector) return "CallLossExceeded";
        if (s == IBallastRebalancer.EpochLossExceeded.selector) return "EpochLossExceeded";
        if (s == IBallastRebalancer.WindowLossExceeded.selector) return "WindowLossExceeded";
        if (s == IBallastRebalancer.NavUnavailable.selector) return "NavUnavailable";
        if (s == IBallastRebalancer.PriceUnavailable.selector) return "PriceUnavailable";
        if (s == IBallastVault.TradeOutputTooLow.selector) return "TradeOutputTooLow";
        if (s == IBallastVault.InsufficientBalance.selector) return "InsufficientBalance";
        if (s == IBallastVault.ZeroAmount.selector) return "ZeroAmount";
        if (s == IBallastVault.ExceededMaxRedeem.selector) return "ExceededMaxRedeem";
        return vm.toString(err);
    }

    function _args(bytes memory err) internal pure returns (bytes memory a) {
        a = new bytes(err.length - 4);
        for (uint256 k; k < a.length; ++k) {
            a[k] = err[k + 4];
        }
    }

    /*//////////////////////////////////////////////////////////////
                            GETTERS FOR THE TEST
    //////////////////////////////////////////////////////////////*/

    function shareGhost(uint64 id) external view returns (ShareGhost memory) {
        return _perShare[id];
    }

    function accomplices() external view returns (address[] memory) {
        return _accomplices;
    }

    function gifts(address a) external view returns (Lot[] memory) {
        return _gifts[a];
    }
}
