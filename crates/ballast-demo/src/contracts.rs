//! The test contracts the demo (and the keeper benchmark) talk to beyond the project's own bindings: the mock tokens
//! and feeds, reduced to the calls used (Uniswap V3's pool and router are bound by the keeper from
//! `contracts/src/interfaces/IUniswapV3.sol`).
#![allow(missing_docs)]

use alloy::sol;

sol! {
    #[sol(rpc)]
    interface IDemoToken {
        function mint(address to, uint256 amount) external;
        function approve(address spender, uint256 amount) external returns (bool);
        function balanceOf(address owner) external view returns (uint256);
        function nonces(address owner) external view returns (uint256);
        function DOMAIN_SEPARATOR() external view returns (bytes32);
        function decimals() external view returns (uint8);
        function symbol() external view returns (string);
    }

    #[sol(rpc)]
    interface IDemoFeed {
        function setAnswer(int256 answer) external;
        function latestRoundData() external view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
    }
}
