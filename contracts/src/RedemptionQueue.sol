// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IRedemptionQueue} from "./interfaces/IRedemptionQueue.sol";
import {IBallastVault} from "./interfaces/IBallastVault.sol";
import {IBallastRebalancer} from "./interfaces/IBallastRebalancer.sol";

/// @title RedemptionQueue
/// @notice Batched redemptions of one vault, settled by its rebalancer's epochs. See the interface.
/// @dev Requests of one batch are redeemed with a single `vault.redeem`, so they share one price; each controller's
/// share of the batch's assets is rounded down, so the claims never exceed what the batch received.
contract RedemptionQueue is IRedemptionQueue, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice The vault whose shares are queued.
    IBallastVault public immutable vault;
    /// @notice The rebalancer whose epochs settle the batches.
    IBallastRebalancer public immutable rebalancer;
    /// @notice The vault's asset, paid to claimants.
    IERC20 public immutable asset;

    mapping(address controller => Request) internal _requests;
    mapping(uint64 epochId => Batch) internal _batches;

    constructor(IBallastVault vault_, IBallastRebalancer rebalancer_) {
        vault = vault_;
        rebalancer = rebalancer_;
        asset = IERC20(vault_.asset());
    }

    /// @inheritdoc IRedemptionQueue
    function requestRedeem(uint256 shares, address controller, address owner)
        external
        nonReentrant
        returns (uint64 epochId)
    {
        if (shares == 0 || controller == address(0)) revert ZeroAmount();
        if (owner != msg.sender) revert Unauthorized(msg.sender);
        epochId = _nextBatch();
        Request storage r = _requests[controller];
        if (r.shares != 0 && r.epochId != epochId) revert RequestPending(controller, r.epochId);

        r.shares += shares.toUint128();
        r.epochId = epochId;
        _batches[epochId].shares += shares.toUint128();
        emit RedeemRequested(controller, owner, epochId, shares);

        // The owner approved the queue for the shares (share locks apply to this transfer like to any other).
        // slither-disable-next-line arbitrary-send-erc20 -- owner == msg.sender is checked above
        IERC20(address(vault)).safeTransferFrom(owner, address(this), shares);
    }

    /// @inheritdoc IRedemptionQueue
    function cancelRequest() external nonReentrant returns (uint256 shares) {
        Request memory r = _requests[msg.sender];
        if (r.shares == 0) revert NoRequest(msg.sender);
        if (r.epochId <= rebalancer.currentEpoch().id) revert AlreadyInSettlement(msg.sender, r.epochId);
        shares = r.shares;
        delete _requests[msg.sender];
        _batches[r.epochId].shares -= r.shares;
        emit RedeemCancelled(msg.sender, r.epochId, shares);
        IERC20(address(vault)).safeTransfer(msg.sender, shares);
    }

    /// @inheritdoc IRedemptionQueue
    function claim(address receiver) external nonReentrant returns (uint256 assets) {
        if (receiver == address(0)) revert ZeroAmount();
        Request memory r = _requests[msg.sender];
        if (r.shares == 0) revert NoRequest(msg.sender);
        Batch memory b = _batches[r.epochId];
        if (!b.settled) revert NotSettled(msg.sender, r.epochId);
        assets = Math.mulDiv(r.shares, b.assets, b.shares);
        delete _requests[msg.sender];
        emit RedeemClaimed(msg.sender, receiver, r.epochId, assets);
        asset.safeTransfer(receiver, assets);
    }

    /// @inheritdoc IRedemptionQueue
    function settle(uint64 epochId, uint256 minAssets) external nonReentrant returns (uint256 assets) {
        if (msg.sender != address(rebalancer)) revert Unauthorized(msg.sender);
        Batch storage b = _batches[epochId];
        if (b.settled) revert AlreadySettled(epochId);
        b.settled = true;
        if (b.shares != 0 && minAssets != 0) {
            // nonReentrant, and the vault is immutable and trusted; the batch is marked settled before the call, and
            // its assets are known only after it.
            // slither-disable-next-line reentrancy-no-eth
            assets = vault.redeem(b.shares, address(this), address(this), minAssets);
            b.assets = assets.toUint128();
        }
        emit BatchSettled(epochId, b.shares, assets);
    }

    /// @inheritdoc IRedemptionQueue
    function pendingShares(uint64 epochId) external view returns (uint256) {
        Batch memory b = _batches[epochId];
        return b.settled ? 0 : b.shares;
    }

    /// @inheritdoc IRedemptionQueue
    function requestOf(address controller) external view returns (Request memory request, uint256 claimable) {
        request = _requests[controller];
        Batch memory b = _batches[request.epochId];
        if (request.shares != 0 && b.settled) claimable = Math.mulDiv(request.shares, b.assets, b.shares);
    }

    /// @inheritdoc IRedemptionQueue
    function batch(uint64 epochId) external view returns (Batch memory) {
        return _batches[epochId];
    }

    /// @dev Requests join the batch of the next epoch to open.
    function _nextBatch() internal view returns (uint64) {
        return rebalancer.currentEpoch().id + 1;
    }
}
