// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

/// @notice Bookkeeping shared by the weird tokens: balances, allowances, supply, decimals and a free `mint`. It has no
/// `transfer` / `transferFrom` / `approve` of its own: each weird token declares those with the signature and the
/// misbehaviour it models (no return value, `false` instead of a revert, a fee, a callback, a blocklist).
/// TEST ONLY: anyone can mint.
abstract contract WeirdERC20 {
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    string public name;
    string public symbol;
    uint8 public immutable decimals;
    uint256 public totalSupply;
    mapping(address account => uint256) public balanceOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
    }

    function mint(address to, uint256 amount) public virtual {
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function burn(address from, uint256 amount) public virtual {
        balanceOf[from] -= amount;
        totalSupply -= amount;
        emit Transfer(from, address(0), amount);
    }

    /// @dev Moves `amount` from `from` to `to`; reverts (checked arithmetic) when `from` lacks it.
    function _move(address from, address to, uint256 amount) internal {
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }

    /// @dev Spends `amount` of `from`'s allowance to `msg.sender` (infinite allowance is not spent).
    function _spend(address from, uint256 amount) internal {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - amount;
    }

    function _approve(address spender, uint256 amount) internal {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
    }
}
