// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {BallastRebalancer} from "../BallastRebalancer.sol";
import {IBallastLens} from "../interfaces/IBallastLens.sol";
import {IBallastRebalancer} from "../interfaces/IBallastRebalancer.sol";
import {IBallastVault} from "../interfaces/IBallastVault.sol";
import {IRedemptionQueue} from "../interfaces/IRedemptionQueue.sol";
import {VaultMath, WAD, BPS} from "../libraries/VaultMath.sol";

/// @title BallastLens
/// @notice Reads an index's whole state in one call. Read-only periphery: holds nothing, owns nothing, can change
/// nothing. See `IBallastLens` for what it returns and how to use it without deploying it.
/// @dev No constructor, no storage, no immutables, no use of `address(this)`: the runtime code works at any address
/// (state override). Keep it so: `type(BallastLens).runtimeCode` (used by the tests) does not compile with immutables.
/// The getters `keeper()` and `redemptionQueue()` are not on `IBallastRebalancer`, hence the concrete type.
contract BallastLens is IBallastLens {
    using Math for uint256;

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Gas forwarded to one component's `symbol()`: an OpenZeppelin token answers a short symbol in about 5k.
    uint256 public constant SYMBOL_GAS = 50_000;
    /// @notice Longest symbol copied, in bytes; a longer one is reported empty.
    uint256 public constant MAX_SYMBOL_LENGTH = 64;
    /// @notice The share amount `sharePrice` is quoted for: one whole share (a `BallastVault` share has 18 decimals).
    uint256 internal constant ONE_SHARE = 1e18;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IBallastLens
    function indexState(IBallastVault vault) external view returns (IndexState memory state) {
        state.blockNumber = block.number;
        state.timestamp = block.timestamp;
        state.vault = _vaultState(vault);
        state.components = _componentStates(vault, state.vault.nav);
        state.rebalancer = _rebalancerState(state.vault.rebalancer);
        state.queue = _queueState(vault, state.rebalancer, state.vault.navValid);
    }

    /// @inheritdoc IBallastLens
    function previewRedeemInKind(IBallastVault vault, uint256 shares)
        external
        view
        returns (uint256[] memory amounts, uint256 cash)
    {
        uint8 shareDecimals = vault.decimals();
        uint8 assetDecimals = IERC20Metadata(vault.asset()).decimals();
        if (shareDecimals < assetDecimals) revert DecimalsBelowAsset(address(vault), shareDecimals, assetDecimals);
        // The vault's conversions divide by supply + virtual shares, the supply counting the pending management fee.
        uint256 denominator =
            vault.totalSupply() + vault.pendingManagementFeeShares() + 10 ** (shareDecimals - assetDecimals);
        // The exit fee is a slice of the shares, rounded up, as in `redeemInKind`.
        uint256 net = shares - shares.mulDiv(vault.feeConfig().exitFeeBps, BPS, Math.Rounding.Ceil);

        IBallastVault.ComponentView[] memory list = vault.components();
        uint256 n = list.length;
        amounts = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            amounts[i] = list[i].balance.mulDiv(net, denominator, Math.Rounding.Floor);
        }
        cash = vault.cash().mulDiv(net, denominator, Math.Rounding.Floor);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _vaultState(IBallastVault vault) internal view returns (VaultState memory v) {
        v.vault = address(vault);
        v.asset = vault.asset();
        v.decimals = vault.decimals();
        v.assetDecimals = IERC20Metadata(v.asset).decimals();
        (v.nav, v.navValid, v.firstInvalidToken) = vault.nav();
        v.totalSupply = vault.totalSupply();
        v.pendingManagementFeeShares = vault.pendingManagementFeeShares();
        // `convertToAssets` does not revert on an invalid NAV (it values the unpriced component at zero): report 0.
        if (v.navValid) v.sharePrice = vault.convertToAssets(ONE_SHARE);
        v.cash = vault.cash();
        v.cashTargetWeight = vault.cashTargetWeight();
        v.cashWeight = _weight(v.cash, v.nav);
        v.fees = vault.feeConfig();
        (v.depositCap, v.minDeposit) = vault.depositLimits();
        v.shareLockPeriod = vault.shareLockPeriod();
        v.depositsPaused = vault.depositsPaused();
        v.rebalancingPaused = vault.rebalancingPaused();
        v.guardian = vault.guardian();
        v.rebalancer = vault.rebalancer();
        v.owner = Ownable(address(vault)).owner();
    }

    function _componentStates(IBallastVault vault, uint256 nav) internal view returns (ComponentState[] memory list) {
        IBallastVault.ComponentView[] memory views = vault.components();
        uint256 n = views.length;
        list = new ComponentState[](n);
        for (uint256 i; i < n; ++i) {
            IBallastVault.ComponentView memory c = views[i];
            ComponentState memory s = list[i];
            s.token = c.token;
            s.symbol = _symbol(c.token);
            s.decimals = c.decimals;
            s.source = c.source;
            s.balance = c.balance;
            s.targetWeight = c.targetWeight;
            // Bounded gas, at most 32 bytes copied, never reverts on what the source does (see VaultMath.tryPrice).
            (s.priceValid, s.price) = VaultMath.tryPrice(c.source, c.token);
            if (s.priceValid) {
                s.value = VaultMath.value(c.balance, s.price);
                s.weight = _weight(s.value, nav);
            }
        }
    }

    /// @dev `rebalancer` is the vault's; an address without code (none, or an account) leaves the state zero.
    function _rebalancerState(address rebalancer) internal view returns (RebalancerState memory r) {
        // slither-disable-next-line incorrect-equality -- no code: no rebalancer to read (zero, or an account)
        if (rebalancer.code.length == 0) return r;
        BallastRebalancer rb = BallastRebalancer(rebalancer);
        r.rebalancer = rebalancer;
        r.keeper = rb.keeper();
        r.config = rb.config();
        (r.regime, r.lastRegimeSwitch) = rb.regime();
        if (r.lastRegimeSwitch != 0) r.nextRegimeSwitchAllowed = r.lastRegimeSwitch + r.config.minDwell;
        r.nextRebalanceDue = rb.nextRebalanceDue();
        r.epoch = rb.currentEpoch();
        (r.windowLossUsedWad, r.windowLossCapWad) = rb.windowLoss();
        r.callBase = rb.epochBase();
    }

    function _queueState(IBallastVault vault, RebalancerState memory r, bool navValid)
        internal
        view
        returns (QueueState memory q)
    {
        if (r.rebalancer == address(0)) return q;
        IRedemptionQueue queue = BallastRebalancer(r.rebalancer).redemptionQueue();
        if (address(queue) == address(0)) return q;
        q.queue = address(queue);
        if (r.epoch.open) q.current = _batch(vault, queue, r.epoch.id, navValid);
        q.next = _batch(vault, queue, r.epoch.id + 1, navValid);
    }

    /// @dev Batch `epochId` of `queue` and the cash its redemption needs now. `previewRedeem` reverts with
    /// `InvalidPrice` when a price is unavailable: it is not called when the NAV just read is invalid, and its
    /// `InvalidPrice` is caught (a source may answer differently to a second call); any other revert (a caller that
    /// sent too little gas, say) is passed on.
    function _batch(IBallastVault vault, IRedemptionQueue queue, uint64 epochId, bool navValid)
        internal
        view
        returns (BatchState memory b)
    {
        b.epochId = epochId;
        b.shares = queue.pendingShares(epochId);
        // slither-disable-next-line incorrect-equality -- an empty batch needs no cash: nothing to preview
        if (b.shares == 0) {
            b.cashNeededValid = true;
            return b;
        }
        if (!navValid) return b;
        try vault.previewRedeem(b.shares) returns (uint256 assets) {
            (b.cashNeeded, b.cashNeededValid) = (assets, true);
        } catch (bytes memory reason) {
            if (bytes4(reason) != IBallastVault.InvalidPrice.selector) {
                assembly ("memory-safe") {
                    revert(add(reason, 0x20), mload(reason))
                }
            }
        }
    }

    /// @dev `value * 1e18 / nav`, rounded down; 0 when `nav` is 0. Saturates instead of overflowing: a component's value
    /// from `price` can exceed the NAV (valued through `prices`) when a source's two answers disagree.
    function _weight(uint256 value, uint256 nav) internal pure returns (uint256) {
        // slither-disable-next-line incorrect-equality -- an empty NAV has no weights; avoids the division by zero
        if (nav == 0) return 0;
        if (value / nav >= type(uint256).max / WAD) return type(uint256).max;
        return value.mulDiv(WAD, nav);
    }

    /// @dev `token.symbol()` with `SYMBOL_GAS`, never reverting on what the token does: the ABI-encoded string when it
    /// is well formed and at most `MAX_SYMBOL_LENGTH` bytes long, a `bytes32` answer up to its first zero byte, and
    /// the empty string otherwise. Copies at most `0x40 + MAX_SYMBOL_LENGTH` bytes of the answer (no return bomb).
    function _symbol(address token) internal view returns (string memory symbol) {
        uint256 needed = SYMBOL_GAS + SYMBOL_GAS / 63 + 5000;
        if (gasleft() < needed) revert InsufficientGasForSymbol(gasleft(), needed);
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, shl(224, 0x95d89b41)) // IERC20Metadata.symbol()
            let ok := staticcall(SYMBOL_GAS, token, m, 0x04, 0, 0)
            let size := returndatasize()
            if ok {
                switch size
                case 0x20 {
                    // bytes32: the bytes up to the first zero one.
                    returndatacopy(m, 0, 0x20)
                    let w := mload(m)
                    let len := 0
                    for {} and(lt(len, 0x20), iszero(iszero(byte(len, w)))) { len := add(len, 1) } {}
                    if len {
                        mstore(m, len)
                        mstore(add(m, 0x20), and(w, not(shr(shl(3, len), not(0)))))
                        symbol := m
                        mstore(0x40, add(m, 0x40))
                    }
                }
                default {
                    // string: the offset word (0x20), the length word, then the bytes.
                    if iszero(lt(size, 0x40)) {
                        returndatacopy(m, 0, 0x40)
                        let len := mload(add(m, 0x20))
                        if and(
                            eq(mload(m), 0x20),
                            and(iszero(gt(len, MAX_SYMBOL_LENGTH)), iszero(lt(size, add(0x40, len))))
                        ) {
                            mstore(m, len)
                            // Zero the data words first, so the bytes past `len` in the last one are clean.
                            mstore(add(m, 0x20), 0)
                            mstore(add(m, 0x40), 0)
                            returndatacopy(add(m, 0x20), 0x40, len)
                            symbol := m
                            mstore(0x40, add(add(m, 0x20), and(add(len, 0x1f), not(0x1f))))
                        }
                    }
                }
            }
        }
    }
}
