// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

/// @title IRedemptionQueue
/// @notice Queued redemptions for exits larger than the vault's cash, in the spirit of ERC-7540. A holder locks shares
/// in the queue with `requestRedeem`; the next epoch raises the cash for every request of its batch together and, when
/// it closes, redeems the whole batch in one `redeem` call, so every request of a batch gets the same price. Each
/// controller then claims its stablecoin. A request can be cancelled until its epoch opens. A holder who cannot wait
/// keeps `redeemInKind` on the vault.
interface IRedemptionQueue {
    /// @notice A controller's request.
    /// @param shares Shares locked in the queue.
    /// @param epochId The epoch whose closing settles it.
    struct Request {
        uint128 shares;
        uint64 epochId;
    }

    /// @notice A batch: every request settled by one epoch.
    /// @param shares Shares of the batch.
    /// @param assets Stablecoin received for them (set at settlement).
    /// @param settled Whether the batch was redeemed.
    struct Batch {
        uint128 shares;
        uint128 assets;
        bool settled;
    }

    /// @notice `caller` may not do this.
    error Unauthorized(address caller);
    /// @notice Zero shares or zero address.
    error ZeroAmount();
    /// @notice `controller` already has a request for epoch `epochId`, and a new one would go to a later epoch.
    error RequestPending(address controller, uint64 epochId);
    /// @notice `controller` has no request.
    error NoRequest(address controller);
    /// @notice The request of `controller` is already being settled by epoch `epochId` and can no longer be cancelled.
    error AlreadyInSettlement(address controller, uint64 epochId);
    /// @notice The request of `controller` waits for epoch `epochId` to close.
    error NotSettled(address controller, uint64 epochId);
    /// @notice Batch `epochId` was already settled.
    error AlreadySettled(uint64 epochId);

    /// @notice `owner` locked `shares` for `controller`, to be settled by epoch `epochId`.
    event RedeemRequested(address indexed controller, address indexed owner, uint64 indexed epochId, uint256 shares);
    /// @notice `controller` cancelled a request of `shares`.
    event RedeemCancelled(address indexed controller, uint64 indexed epochId, uint256 shares);
    /// @notice Batch `epochId` of `shares` was redeemed for `assets`.
    event BatchSettled(uint64 indexed epochId, uint256 shares, uint256 assets);
    /// @notice `controller` claimed `assets` to `receiver`.
    event RedeemClaimed(address indexed controller, address indexed receiver, uint64 indexed epochId, uint256 assets);

    /// @notice Locks `shares` of `owner` (who must be the caller and must have approved the queue on the vault) in the
    /// queue for `controller`, who will claim the stablecoin.
    /// @return epochId The epoch that will settle the request.
    function requestRedeem(uint256 shares, address controller, address owner) external returns (uint64 epochId);

    /// @notice Cancels the caller's request before its epoch opens; the shares go back to the caller.
    function cancelRequest() external returns (uint256 shares);

    /// @notice Claims the stablecoin of the caller's settled request to `receiver`.
    function claim(address receiver) external returns (uint256 assets);

    /// @notice Redeems batch `epochId` on the vault for at least `minAssets`. Rebalancer only, when the epoch closes.
    /// A batch whose shares redeem for nothing (`minAssets` zero: worth less than one asset unit) is settled as zero
    /// without a redemption, so that a dust request can never block an epoch; its shares stay in the queue.
    function settle(uint64 epochId, uint256 minAssets) external returns (uint256 assets);

    /// @notice Shares waiting in batch `epochId`.
    function pendingShares(uint64 epochId) external view returns (uint256);

    /// @notice The request of `controller` and the assets it can claim now (zero until settled).
    function requestOf(address controller) external view returns (Request memory request, uint256 claimable);

    /// @notice The batch of epoch `epochId`.
    function batch(uint64 epochId) external view returns (Batch memory);
}
