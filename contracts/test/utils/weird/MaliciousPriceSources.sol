// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {IPriceSource} from "../../../src/interfaces/IPriceSource.sol";

/// @notice Base of the malicious price sources: honest (it forwards to `inner`) until `arm()` is called, so the owner
/// can set it on a component (`setPriceSource` requires a working price) and a test can turn it bad afterwards, as a
/// compromised or upgraded source would. Armed, it misbehaves the same way in `price` and in the batched `prices`.
abstract contract ArmablePriceSource is IPriceSource {
    IPriceSource public immutable inner;
    address public immutable quoteAsset;
    bool public armed;

    constructor(IPriceSource inner_) {
        inner = inner_;
        quoteAsset = inner_.quoteAsset();
    }

    function arm() external {
        armed = true;
    }

    function disarm() external {
        armed = false;
    }

    function price(address token) external view returns (uint256) {
        if (!armed) return inner.price(token);
        return _misbehave(token);
    }

    function priceKey(address token) external view returns (uint256) {
        return inner.priceKey(token);
    }

    function prices(uint256[] calldata keys) external view returns (uint256[] memory) {
        if (!armed) return inner.prices(keys);
        return _misbehaveBatch(keys);
    }

    /// @dev No bound declared: these sources test how the vault survives a misbehaving source, not its levy.
    function maxDeviationBps() external pure returns (uint16) {
        return 0;
    }

    /// @dev Never returns normally: reverts, or ends the call with its own payload.
    function _misbehave(address token) internal view virtual returns (uint256);

    /// @dev The same misbehaviour for a batch.
    function _misbehaveBatch(uint256[] calldata keys) internal view virtual returns (uint256[] memory);

    /// @dev The honest batch answer, ABI-encoded as `prices` returns it.
    function _honestBatch(uint256[] calldata keys) internal view returns (bytes memory) {
        return abi.encode(inner.prices(keys));
    }
}

/// @notice Reverts with a custom error once armed.
contract RevertingPriceSource is ArmablePriceSource {
    error SourceDown(address token);

    constructor(IPriceSource inner_) ArmablePriceSource(inner_) {}

    function _misbehave(address token) internal pure override returns (uint256) {
        revert SourceDown(token);
    }

    function _misbehaveBatch(uint256[] calldata) internal pure override returns (uint256[] memory) {
        revert SourceDown(address(0));
    }
}

/// @notice Burns every unit of gas it is given once armed (an endless loop), then fails out of gas.
contract GasGuzzlingPriceSource is ArmablePriceSource {
    constructor(IPriceSource inner_) ArmablePriceSource(inner_) {}

    function _misbehave(address) internal pure override returns (uint256 spins) {
        assembly ("memory-safe") {
            for {} 1 {} { spins := add(spins, 1) }
        }
    }

    function _misbehaveBatch(uint256[] calldata) internal pure override returns (uint256[] memory out) {
        uint256 spins;
        assembly ("memory-safe") {
            for {} 1 {} { spins := add(spins, 1) }
        }
        out = new uint256[](spins);
    }
}

/// @notice Once armed, returns (or, with `asRevert`, reverts with) `size` bytes whose first word is the honest price
/// (in a batch: whose head is the honest ABI-encoded answer): a caller that copies the whole answer pays for `size`
/// bytes of memory.
contract ReturnBombPriceSource is ArmablePriceSource {
    uint256 public size;
    bool public asRevert;

    constructor(IPriceSource inner_, uint256 size_, bool asRevert_) ArmablePriceSource(inner_) {
        size = size_;
        asRevert = asRevert_;
    }

    function _misbehave(address token) internal view override returns (uint256) {
        uint256 p = inner.price(token);
        uint256 n = size;
        bool r = asRevert;
        assembly ("memory-safe") {
            mstore(0, p)
            if r { revert(0, n) }
            return(0, n)
        }
    }

    function _misbehaveBatch(uint256[] calldata keys) internal view override returns (uint256[] memory) {
        bytes memory honest = _honestBatch(keys);
        uint256 n = size;
        bool r = asRevert;
        assembly ("memory-safe") {
            // Fresh memory past the honest answer: the payload is the answer followed by zeros (never-written memory).
            let start := add(honest, 0x20)
            if r { revert(start, n) }
            return(start, n)
        }
    }
}

/// @notice Once armed, returns only the first `length` (< 32) bytes of the honest answer.
contract ShortReturnPriceSource is ArmablePriceSource {
    uint256 public length;

    constructor(IPriceSource inner_, uint256 length_) ArmablePriceSource(inner_) {
        length = length_;
    }

    function _misbehave(address token) internal view override returns (uint256) {
        uint256 p = inner.price(token);
        uint256 n = length;
        assembly ("memory-safe") {
            mstore(0, p)
            return(0, n)
        }
    }

    /// @dev The honest answer, its last word cut to `length` bytes (with `length` 0 and one key: the head only).
    function _misbehaveBatch(uint256[] calldata keys) internal view override returns (uint256[] memory) {
        bytes memory honest = _honestBatch(keys);
        uint256 n = honest.length - 32 + length;
        assembly ("memory-safe") {
            return(add(honest, 0x20), n)
        }
    }
}

/// @notice Once armed, returns `answer` whatever it is (zero, or absurdly large).
contract FixedAnswerPriceSource is ArmablePriceSource {
    uint256 public answer;

    constructor(IPriceSource inner_, uint256 answer_) ArmablePriceSource(inner_) {
        answer = answer_;
    }

    function _misbehave(address) internal view override returns (uint256) {
        uint256 a = answer;
        assembly ("memory-safe") {
            mstore(0, a)
            return(0, 0x20)
        }
    }

    function _misbehaveBatch(uint256[] calldata keys) internal view override returns (uint256[] memory out) {
        out = new uint256[](keys.length);
        for (uint256 i; i < keys.length; ++i) {
            out[i] = answer;
        }
    }
}
