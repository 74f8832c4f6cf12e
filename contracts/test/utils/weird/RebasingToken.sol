// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

/// @notice A stETH/AMPL-style rebasing token: holders own internal shares and `balanceOf` is their shares times an
/// index, which `rebase` moves up or down for every holder at once, with no transfer. Transfers move balance amounts.
contract RebasingToken {
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    uint256 internal constant ONE = 1e18;

    string public constant name = "Rebasing";
    string public constant symbol = "REB";
    uint8 public immutable decimals;
    uint256 public index = ONE;
    uint256 public totalShares;
    mapping(address account => uint256) public sharesOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    constructor(uint8 decimals_) {
        decimals = decimals_;
    }

    function balanceOf(address account) public view returns (uint256) {
        return sharesOf[account] * index / ONE;
    }

    function totalSupply() external view returns (uint256) {
        return totalShares * index / ONE;
    }

    /// @notice Multiplies every balance by `bps` / 10,000.
    function rebase(uint256 bps) external {
        index = index * bps / 10_000;
    }

    function mint(address to, uint256 amount) external {
        uint256 s = amount * ONE / index;
        sharesOf[to] += s;
        totalShares += s;
        emit Transfer(address(0), to, amount);
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _move(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - amount;
        _move(from, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    /// @dev Rounds the shares moved up, so a sender never sends more value than it holds and the receiver gets at
    /// least `amount` (a probe of a rebasing token is exact between rebases).
    function _move(address from, address to, uint256 amount) internal {
        uint256 s = (amount * ONE + index - 1) / index;
        sharesOf[from] -= s;
        sharesOf[to] += s;
        emit Transfer(from, to, amount);
    }
}
