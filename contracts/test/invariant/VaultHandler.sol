// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {BallastVault} from "../../src/BallastVault.sol";
import {BallastLens} from "../../src/periphery/BallastLens.sol";
import {MockAggregator} from "../../src/oracles/MockAggregator.sol";
import {BallastVaultHarness} from "../utils/BallastVaultHarness.sol";
import {MockERC20} from "../utils/MockERC20.sol";

/// @notice Drives a `BallastVault` for the invariant suite (in the style of Yearn V3's `VaultHandler`): four actors
/// enter and leave through every path, move shares, and the world moves prices, time, fees, feeds and the keeper's
/// investments. Every input is bounded. Whatever can only be checked at the moment of an action (previews, the price
/// per share across one action, refusals while a feed is stale) is recorded in a ghost flag that an invariant asserts.
///
/// Value is measured at MARK prices: the feeds' latest answers scaled exactly as `ChainlinkPriceSource` does, whether or
/// not they are stale. `value36` is the exact value (asset base units times 1e36) of the vault's accounted holdings.
contract VaultHandler is Test {
    using Math for uint256;

    uint256 internal constant FEED_DECIMALS = 8;
    uint256 internal constant HEARTBEAT = 1 days;
    uint256 internal constant BPS = 10_000;
    uint256 internal constant ONE36 = 1e36;
    /// @dev Largest single entry, in whole asset units.
    uint256 internal constant MAX_UNITS = 1e9;

    BallastVaultHarness public immutable vault;
    MockERC20 public immutable usdc;
    address public immutable feedUpdater;
    address public immutable owner;
    address public immutable guardian;
    address public immutable feeRecipient;
    uint256 public immutable unit;
    BallastLens public immutable lens = new BallastLens();
    uint256 public immutable virtualShares;

    MockERC20[] internal _tokens;
    MockAggregator[] internal _feeds;
    int256[] internal _initialAnswers;
    uint256[] internal _scale;
    address[] internal _actors;

    /*//////////////////////////////////////////////////////////////
                                 GHOSTS
    //////////////////////////////////////////////////////////////*/

    /// @dev The vault's accounting, replayed from the actions alone.
    uint256 public ghostCash;
    uint256[] internal _ghostBalances;
    uint256 public ghostDonated;

    /// @dev Per actor: value put in and taken out (1e36-scaled asset units, in-kind legs at mark prices), and the
    /// actor's share of every price move while holding shares (signed).
    mapping(address => uint256) public valueIn36;
    mapping(address => uint256) public valueOut36;
    mapping(address => int256) public priceGain36;
    /// @dev Upper bound of value any holder received from other holders' rounding (it is shared by all holders).
    uint256 public roundingGift36;
    uint256 public ops;

    /// @dev Failure flags, each with the name of the action that raised it.
    string public ppsDecreased;
    string public previewMismatch;
    string public staleCashPathAccepted;
    string public staleMaxNonZero;
    string public inKindFailed;
    string public unexpectedRevert;
    string public roundTripProfit;
    string public lockBypassed;
    /// @dev Known finding (see Findings.t.sol): `withdraw(maxWithdraw(owner))` reverted.
    uint256 public maxWithdrawReverted;
    uint256 public maxWithdrawProbes;

    mapping(bytes32 => uint256) public calls;
    uint256 public staleCalls;

    struct Snap {
        uint256 value36;
        uint256 supply;
    }

    constructor(
        BallastVaultHarness vault_,
        MockERC20 usdc_,
        MockERC20[] memory tokens_,
        MockAggregator[] memory feeds_,
        address feedUpdater_,
        address owner_,
        address guardian_,
        address feeRecipient_
    ) {
        vault = vault_;
        usdc = usdc_;
        feedUpdater = feedUpdater_;
        owner = owner_;
        guardian = guardian_;
        feeRecipient = feeRecipient_;
        uint8 assetDecimals = usdc_.decimals();
        unit = 10 ** assetDecimals;
        virtualShares = 10 ** (18 - assetDecimals);
        for (uint256 i; i < tokens_.length; ++i) {
            _tokens.push(tokens_[i]);
            _feeds.push(feeds_[i]);
            (, int256 answer,,,) = feeds_[i].latestRoundData();
            _initialAnswers.push(answer);
            // As ChainlinkPriceSource with no quote feed: 10^(36 + assetDecimals - feedDecimals - tokenDecimals).
            _scale.push(10 ** (36 + uint256(assetDecimals) - FEED_DECIMALS - tokens_[i].decimals()));
            _ghostBalances.push(vault_.components()[i].balance);
        }
        ghostCash = vault_.cash();
        for (uint256 i; i < 4; ++i) {
            _actors.push(makeAddr(string.concat("actor", vm.toString(i))));
        }
    }

    /*//////////////////////////////////////////////////////////////
                            ENTRY AND EXIT
    //////////////////////////////////////////////////////////////*/

    function deposit(uint256 actorSeed, uint256 assets, bool withMin) external {
        address a = _actor(actorSeed);
        _count("deposit");
        assets = bound(assets, 1, MAX_UNITS * unit);
        _fund(a, assets);
        if (!_navValid()) {
            vm.prank(a);
            try vault.deposit(assets, a) {
                staleCashPathAccepted = "deposit";
            } catch {}
            return;
        }
        uint256 max = vault.maxDeposit(a);
        if (max == 0) {
            vm.prank(a);
            try vault.deposit(assets, a) {
                unexpectedRevert = "deposit above maxDeposit accepted";
            } catch {}
            return;
        }
        assets = Math.min(assets, max);
        uint256 preview = vault.previewDeposit(assets);
        if (preview == 0) return;
        Snap memory before = _snap();
        try this.doDeposit(a, assets, withMin ? preview : 0, withMin) returns (uint256 shares) {
            if (shares != preview) previewMismatch = "deposit";
            ghostCash += assets;
            valueIn36[a] += assets * ONE36;
            _checkPps(before, "deposit");
        } catch {
            unexpectedRevert = "deposit";
        }
    }

    function mint(uint256 actorSeed, uint256 shares, bool withMax) external {
        address a = _actor(actorSeed);
        _count("mint");
        if (!_navValid()) {
            shares = bound(shares, 1, 1e30);
            _fund(a, MAX_UNITS * unit);
            vm.prank(a);
            try vault.mint(shares, a) {
                staleCashPathAccepted = "mint";
            } catch {}
            return;
        }
        if (vault.maxMint(a) == 0) return;
        uint256 most = vault.convertToShares(MAX_UNITS * unit);
        if (most == 0) return;
        shares = bound(shares, 1, most);
        uint256 preview = vault.previewMint(shares);
        _fund(a, preview);
        Snap memory before = _snap();
        try this.doMint(a, shares, preview, withMax) returns (uint256 assets) {
            if (assets != preview) previewMismatch = "mint";
            ghostCash += assets;
            valueIn36[a] += assets * ONE36;
            _checkPps(before, "mint");
        } catch {
            unexpectedRevert = "mint";
        }
    }

    function withdraw(uint256 actorSeed, uint256 assets, bool withMax) external {
        address a = _actor(actorSeed);
        _count("withdraw");
        if (!_navValid()) {
            _staleExitRefused(a, "withdraw");
            return;
        }
        uint256 vaultMax = vault.maxWithdraw(a);
        if (vaultMax != 0) _probeMaxWithdraw(a, vaultMax);
        // The largest withdrawal whose burn fits the unlocked shares (what maxWithdraw should return).
        uint256 max = Math.min(vaultMax, _exactMaxWithdraw(a));
        assets = bound(assets, 0, max);
        if (assets == 0) return;
        uint256 preview = vault.previewWithdraw(assets);
        Snap memory before = _snap();
        try this.doWithdraw(a, assets, preview, withMax) returns (uint256 shares) {
            if (shares != preview) previewMismatch = "withdraw";
            ghostCash -= assets;
            valueOut36[a] += assets * ONE36;
            _checkPps(before, "withdraw");
        } catch {
            unexpectedRevert = "withdraw";
        }
    }

    function redeem(uint256 actorSeed, uint256 shares, bool withMin) external {
        address a = _actor(actorSeed);
        _count("redeem");
        if (!_navValid()) {
            _staleExitRefused(a, "redeem");
            return;
        }
        shares = bound(shares, 0, vault.maxRedeem(a));
        if (shares == 0) return;
        uint256 preview = vault.previewRedeem(shares);
        if (preview == 0) return; // dust: the vault refuses to pay nothing
        Snap memory before = _snap();
        try this.doRedeem(a, shares, withMin ? preview : 0, withMin) returns (uint256 assets) {
            if (assets != preview) previewMismatch = "redeem";
            ghostCash -= assets;
            valueOut36[a] += assets * ONE36;
            _checkPps(before, "redeem");
        } catch {
            unexpectedRevert = "redeem";
        }
    }

    function redeemInKind(uint256 actorSeed, uint256 shares, uint256 receiverSeed) external {
        address a = _actor(actorSeed);
        _count("redeemInKind");
        if (!_navValid()) ++staleCalls;
        uint256 unlocked = _unlocked(a);
        if (unlocked == 0) return;
        shares = bound(shares, 1, unlocked);
        address receiver = _actor(receiverSeed);
        (uint256[] memory previewAmounts, uint256 previewCash) = lens.previewRedeemInKind(vault, shares);
        Snap memory before = _snap();
        vm.prank(a);
        try vault.redeemInKind(shares, receiver, a) returns (uint256[] memory amounts, uint256 cashOut) {
            uint256 out36 = cashOut * ONE36;
            if (cashOut != previewCash) previewMismatch = "redeemInKind";
            for (uint256 i; i < amounts.length; ++i) {
                if (amounts[i] != previewAmounts[i]) previewMismatch = "redeemInKind";
                _ghostBalances[i] -= amounts[i];
                out36 += amounts[i] * _markPrice(i);
            }
            ghostCash -= cashOut;
            // The owner gave up the shares: the value out is the owner's, whoever received it.
            valueOut36[a] += out36;
            _checkPps(before, "redeemInKind");
        } catch {
            inKindFailed = "redeemInKind";
        }
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 shares) external {
        address from = _actor(fromSeed);
        address to = _actor(toSeed);
        _count("transfer");
        uint256 bal = vault.balanceOf(from);
        if (bal == 0) return;
        shares = bound(shares, 1, bal);
        uint256 unlocked = _unlocked(from);
        uint256 value = _holdingValue36(shares);
        vm.prank(from);
        try vault.transfer(to, shares) {
            if (shares > unlocked) lockBypassed = "transfer";
            valueOut36[from] += value;
            valueIn36[to] += value;
        } catch {
            if (shares <= unlocked) unexpectedRevert = "transfer";
        }
    }

    /// @dev Deposit, wait out the share lock at unchanged prices, then leave with exactly the new shares, in cash or in
    /// kind (valued at mark prices). The actor must never get back more than it put in.
    function roundTrip(uint256 actorSeed, uint256 assets, bool inKind) external {
        address a = _actor(actorSeed);
        _count("roundTrip");
        if (!_navValid() || vault.maxDeposit(a) == 0) return;
        assets = bound(assets, unit, MAX_UNITS * unit);
        _fund(a, assets);
        Snap memory before = _snap();
        vm.prank(a);
        uint256 shares;
        try vault.deposit(assets, a) returns (uint256 s) {
            shares = s;
            _checkPps(before, "roundTrip deposit");
        } catch {
            unexpectedRevert = "roundTrip deposit";
            return;
        }
        ghostCash += assets;
        valueIn36[a] += assets * ONE36;
        (, uint256 unlockAt) = vault.lockedShares(a);
        if (unlockAt != 0) {
            vm.warp(unlockAt);
            _refresh();
        }
        uint256 out36;
        before = _snap();
        vm.prank(a);
        if (inKind) {
            try vault.redeemInKind(shares, a, a) returns (uint256[] memory amounts, uint256 cashOut) {
                out36 = cashOut * ONE36;
                for (uint256 i; i < amounts.length; ++i) {
                    _ghostBalances[i] -= amounts[i];
                    out36 += amounts[i] * _markPrice(i);
                }
                ghostCash -= cashOut;
                _checkPps(before, "roundTrip redeemInKind");
            } catch {
                inKindFailed = "roundTrip";
                return;
            }
        } else {
            try vault.redeem(shares, a, a) returns (uint256 cashOut) {
                out36 = cashOut * ONE36;
                ghostCash -= cashOut;
                _checkPps(before, "roundTrip redeem");
            } catch {
                unexpectedRevert = "roundTrip redeem";
                return;
            }
        }
        valueOut36[a] += out36;
        if (out36 > assets * ONE36) roundTripProfit = inKind ? "in kind" : "cash";
    }

    /*//////////////////////////////////////////////////////////////
                                THE WORLD
    //////////////////////////////////////////////////////////////*/

    /// @dev Moves component `i`'s price by -50%..+100%, within 1/100..100 times its initial price.
    function movePrice(uint256 i, uint256 bps) external {
        i = bound(i, 0, _feeds.length - 1);
        _count("movePrice");
        bps = bound(bps, 5000, 20_000);
        (, int256 answer,,,) = _feeds[i].latestRoundData();
        uint256 next = Math.mulDiv(uint256(answer), bps, BPS);
        uint256 init = uint256(_initialAnswers[i]);
        next = Math.max(Math.min(next, init * 100), Math.max(init / 100, 1));

        uint256 supply = vault.totalSupply() + virtualShares;
        uint256 v0 = _value36();
        vm.prank(feedUpdater);
        _feeds[i].setAnswer(int256(next));
        uint256 v1 = _value36();
        // Each actor's share of the move, at the supply that holds it.
        for (uint256 k; k < _actors.length; ++k) {
            address act = _actors[k];
            uint256 held = vault.balanceOf(act);
            if (v1 >= v0) priceGain36[act] += int256(held.mulDiv(v1 - v0, supply));
            else priceGain36[act] -= int256(held.mulDiv(v0 - v1, supply));
        }
    }

    /// @dev Lets time pass; usually re-posts every feed, sometimes leaves them to go stale.
    function warp(uint256 secs, uint256 refreshSeed) external {
        _count("warp");
        secs = bound(secs, 1, 2 days);
        vm.warp(block.timestamp + secs);
        if (refreshSeed % 4 != 0) _refresh();
    }

    /// @dev Makes feed `i` stale, then checks that every cash path is refused and every `max*` is zero.
    function makeStale(uint256 i, uint256 actorSeed) external {
        i = bound(i, 0, _feeds.length - 1);
        _count("makeStale");
        (, int256 answer,,,) = _feeds[i].latestRoundData();
        vm.prank(feedUpdater);
        _feeds[i].setAnswerAt(answer, block.timestamp - HEARTBEAT - 1);
        if (_navValid()) return; // the component holds nothing, so it is not priced
        address a = _actor(actorSeed);
        _staleExitRefused(a, "makeStale");
        _fund(a, unit);
        vm.startPrank(a);
        try vault.deposit(unit, a) {
            staleCashPathAccepted = "deposit (makeStale)";
        } catch {}
        try vault.mint(1e12, a) {
            staleCashPathAccepted = "mint (makeStale)";
        } catch {}
        vm.stopPrank();
    }

    function refreshFeeds() external {
        _count("refreshFeeds");
        _refresh();
    }

    function accrueManagementFee() external {
        _count("accrueFee");
        vault.accrueManagementFee();
    }

    /// @dev Sends tokens straight to the vault: they must change nothing (balances are tracked internally).
    function donate(uint256 tokenSeed, uint256 amount) external {
        _count("donate");
        uint256 k = tokenSeed % (_tokens.length + 1);
        MockERC20 t = k == _tokens.length ? usdc : _tokens[k];
        amount = bound(amount, 1, 10 ** (t.decimals() + 6));
        t.mint(address(vault), amount);
        ghostDonated += 1;
    }

    /// @dev The keeper invests `fractionBps` of the cash along the target weights at mark prices, as a perfect
    /// rebalance would (the fixture's `_investAtTargets`, through the harness hooks).
    function invest(uint256 fractionBps) external {
        _count("invest");
        fractionBps = bound(fractionBps, 0, BPS);
        uint256 budget = vault.cash().mulDiv(fractionBps, BPS);
        BallastVault.ComponentView[] memory cs = vault.components();
        uint256 spent;
        for (uint256 i; i < cs.length; ++i) {
            uint256 p = _markPrice(i);
            uint256 amount = budget.mulDiv(cs[i].targetWeight, 1e18).mulDiv(ONE36, p);
            if (amount == 0) continue;
            spent += amount.mulDiv(p, ONE36, Math.Rounding.Ceil);
            _tokens[i].mint(address(vault), amount);
            vault.harnessSetBalance(address(_tokens[i]), cs[i].balance + amount);
            _ghostBalances[i] += amount;
        }
        usdc.burn(address(vault), spent);
        vault.harnessSetCash(vault.cash() - spent);
        ghostCash -= spent;
    }

    /// @dev The keeper sells `fractionBps` of component `i` for cash at its mark price (rounded down).
    function divest(uint256 i, uint256 fractionBps) external {
        i = bound(i, 0, _tokens.length - 1);
        _count("divest");
        fractionBps = bound(fractionBps, 0, BPS);
        uint256 bal = vault.components()[i].balance;
        uint256 amount = bal.mulDiv(fractionBps, BPS);
        uint256 proceeds = amount.mulDiv(_markPrice(i), ONE36);
        _tokens[i].burn(address(vault), amount);
        vault.harnessSetBalance(address(_tokens[i]), bal - amount);
        _ghostBalances[i] -= amount;
        usdc.mint(address(vault), proceeds);
        vault.harnessSetCash(vault.cash() + proceeds);
        ghostCash += proceeds;
    }

    /// @dev The owner changes the fees and the levy, within their caps.
    function setFees(uint256 managementFeeWad, uint256 entryFeeBps, uint256 exitFeeBps) external {
        _count("setFees");
        managementFeeWad = bound(managementFeeWad, 0, vault.MAX_MANAGEMENT_FEE_WAD());
        entryFeeBps = bound(entryFeeBps, 0, vault.MAX_ENTRY_FEE_BPS());
        exitFeeBps = bound(exitFeeBps, 0, vault.MAX_EXIT_FEE_BPS());
        uint256 levyBps = uint256(keccak256(abi.encode(managementFeeWad, entryFeeBps, exitFeeBps))) % 301;
        vm.startPrank(owner);
        vault.setFees(uint64(managementFeeWad), uint16(entryFeeBps), uint16(exitFeeBps));
        vault.setLevy(uint16(levyBps));
        vm.stopPrank();
    }

    function setShareLockPeriod(uint256 period) external {
        _count("setShareLock");
        period = bound(period, 0, vault.MAX_SHARE_LOCK());
        vm.prank(owner);
        vault.setShareLockPeriod(period);
    }

    /// @dev The guardian pauses deposits a quarter of the time it acts, and unpauses otherwise.
    function setDepositsPaused(uint256 seed) external {
        _count("setPaused");
        vm.prank(guardian);
        vault.setDepositsPaused(seed % 4 == 0);
    }

    /*//////////////////////////////////////////////////////////////
                    EXTERNAL WRAPPERS (for try/catch)
    //////////////////////////////////////////////////////////////*/

    /// @dev Called by this handler only, so that both overloads go through one try/catch. `msg.sender` of the vault
    /// call is the actor because the caller pranks before calling.
    function doDeposit(address a, uint256 assets, uint256 minShares, bool bounded) external returns (uint256) {
        require(msg.sender == address(this));
        vm.prank(a);
        return bounded ? vault.deposit(assets, a, minShares) : vault.deposit(assets, a);
    }

    function doMint(address a, uint256 shares, uint256 maxAssets, bool bounded) external returns (uint256) {
        require(msg.sender == address(this));
        vm.prank(a);
        return bounded ? vault.mint(shares, a, maxAssets) : vault.mint(shares, a);
    }

    function doWithdraw(address a, uint256 assets, uint256 maxShares, bool bounded) external returns (uint256) {
        require(msg.sender == address(this));
        vm.prank(a);
        return bounded ? vault.withdraw(assets, a, a, maxShares) : vault.withdraw(assets, a, a);
    }

    function doRedeem(address a, uint256 shares, uint256 minAssets, bool bounded) external returns (uint256) {
        require(msg.sender == address(this));
        vm.prank(a);
        return bounded ? vault.redeem(shares, a, a, minAssets) : vault.redeem(shares, a, a);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function actors() external view returns (address[] memory) {
        return _actors;
    }

    function ghostBalances() external view returns (uint256[] memory) {
        return _ghostBalances;
    }

    /// @notice Exact value of the vault's accounted holdings at mark prices, in asset base units times 1e36.
    function value36() external view returns (uint256) {
        return _value36();
    }

    /// @notice The mark price of component `i` (1e36 scale), valid or stale.
    function markPrice(uint256 i) external view returns (uint256) {
        return _markPrice(i);
    }

    /// @notice The exact value of `shares` at mark prices: shares * (value + 1 virtual asset) / (supply + virtual).
    function holdingValue36(uint256 shares) external view returns (uint256) {
        return _holdingValue36(shares);
    }

    /// @notice Shares of `a` that can leave now.
    function unlocked(address a) external view returns (uint256) {
        return _unlocked(a);
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _actor(uint256 seed) internal view returns (address) {
        return _actors[seed % _actors.length];
    }

    function _count(string memory name) internal {
        ++calls[keccak256(bytes(name))];
        ++ops;
    }

    function _fund(address a, uint256 assets) internal {
        usdc.mint(a, assets);
        vm.prank(a);
        usdc.approve(address(vault), type(uint256).max);
    }

    function _refresh() internal {
        for (uint256 i; i < _feeds.length; ++i) {
            (, int256 answer,,,) = _feeds[i].latestRoundData();
            vm.prank(feedUpdater);
            _feeds[i].setAnswer(answer);
        }
    }

    function _navValid() internal view returns (bool valid) {
        (, valid,) = vault.nav();
    }

    function _unlocked(address a) internal view returns (uint256) {
        (uint256 locked,) = vault.lockedShares(a);
        return vault.balanceOf(a) - locked;
    }

    function _markPrice(uint256 i) internal view returns (uint256) {
        (, int256 answer,,,) = _feeds[i].latestRoundData();
        return uint256(answer) * _scale[i];
    }

    function _value36() internal view returns (uint256 v) {
        BallastVault.ComponentView[] memory cs = vault.components();
        v = vault.cash() * ONE36;
        for (uint256 i; i < cs.length; ++i) {
            v += cs[i].balance * _markPrice(i);
        }
    }

    function _holdingValue36(uint256 shares) internal view returns (uint256) {
        return shares.mulDiv(_value36() + ONE36, vault.totalSupply() + virtualShares);
    }

    /// @dev State before a user action; the supply includes the management fee the action will mint first.
    function _snap() internal view returns (Snap memory) {
        return Snap({
            value36: _value36() + ONE36,
            supply: vault.totalSupply() + vault.pendingManagementFeeShares() + virtualShares
        });
    }

    /// @dev The price per share (value + 1) / (supply + virtual) must not fall across a user action at fixed prices:
    /// whoever acts pays their own rounding. Records the rounding left to the other holders as an upper bound of
    /// what any one of them can have received.
    function _checkPps(Snap memory before, string memory op) internal {
        Snap memory afterS = Snap({value36: _value36() + ONE36, supply: vault.totalSupply() + virtualShares});
        (uint256 lh, uint256 ll) = Math.mul512(afterS.value36, before.supply);
        (uint256 rh, uint256 rl) = Math.mul512(before.value36, afterS.supply);
        if (lh < rh || (lh == rh && ll < rl)) {
            ppsDecreased = op;
            return;
        }
        uint256 fair = before.value36.mulDiv(afterS.supply, before.supply);
        roundingGift36 += afterS.value36 - fair;
    }

    /// @dev While a price is unavailable: every max* of `a` is zero, every preview reverts, withdraw and redeem refuse.
    function _staleExitRefused(address a, string memory op) internal {
        ++staleCalls;
        if (vault.maxDeposit(a) != 0 || vault.maxMint(a) != 0 || vault.maxWithdraw(a) != 0 || vault.maxRedeem(a) != 0) {
            staleMaxNonZero = op;
        }
        uint256 bal = vault.balanceOf(a);
        if (bal == 0) return;
        vm.startPrank(a);
        try vault.redeem(bal, a, a) {
            staleCashPathAccepted = "redeem";
        } catch {}
        try vault.withdraw(1, a, a) {
            staleCashPathAccepted = "withdraw";
        } catch {}
        vm.stopPrank();
    }

    /// @dev The largest `assets` whose `withdraw` burns no more than the unlocked shares, and that the cash covers.
    function _exactMaxWithdraw(address a) internal view returns (uint256) {
        uint256 supply = vault.totalSupply() + vault.pendingManagementFeeShares() + virtualShares;
        uint256 gross = _unlocked(a).mulDiv(vault.totalAssets() + 1, supply);
        uint256 exitBps = vault.feeConfig().exitFeeBps;
        return Math.min(gross.mulDiv(BPS - exitBps, BPS), vault.cash());
    }

    /// @dev EIP-4626: `withdraw(maxWithdraw(owner))` must not revert. Tried on a snapshot; a revert is counted.
    function _probeMaxWithdraw(address a, uint256 max) internal {
        uint256 id = vm.snapshotState();
        bool ok;
        vm.prank(a);
        try vault.withdraw(max, a, a) {
            ok = true;
        } catch {}
        vm.revertToState(id); // also rewinds this handler's storage: count afterwards
        ++maxWithdrawProbes;
        if (!ok) ++maxWithdrawReverted;
    }
}
