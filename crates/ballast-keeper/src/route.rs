//! Routes: the adapter-specific `route` bytes of a trade. The test adapter takes an empty route; the Uniswap V3
//! adapter takes `abi.encode(uint256 deadline, bytes path)` with Uniswap's packed path
//! (`tokenIn | fee (3 bytes) | token | … | tokenOut`). The path is built from the `[pools]` entry of the component:
//! one hop component/asset at its fee tier, or two through `via`.

use alloy::{
    primitives::{Address, Bytes, U256},
    sol_types::SolValue,
};

use crate::{
    settings::{PoolSpec, RouteKind, RouteSpec},
    Error, Result,
};

/// Uniswap V3's packed path from `hops`: `[(token, fee), …]` then the final token.
pub fn packed_path(first: Address, hops: &[(u32, Address)]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(20 + hops.len() * 23);
    out.extend_from_slice(first.as_slice());
    for (fee, token) in hops {
        if *fee >= 1 << 24 {
            return Err(Error::Plan(format!(
                "fee {fee} does not fit in 3 bytes of a Uniswap path"
            )));
        }
        out.extend_from_slice(&fee.to_be_bytes()[1..]);
        out.extend_from_slice(token.as_slice());
    }
    Ok(out)
}

/// The path of a trade between `component` and `asset` (either direction) through the component's pool spec.
pub fn uniswap_path(
    token_in: Address,
    token_out: Address,
    asset: Address,
    pool: &PoolSpec,
) -> Result<Vec<u8>> {
    let component = if token_in == asset {
        token_out
    } else {
        token_in
    };
    // Component → asset direction first, reversed for buys.
    let mut tokens = vec![component];
    let mut fees = Vec::new();
    match pool.via {
        Some(via) => {
            fees.push(pool.fee);
            tokens.push(via);
            fees.push(pool.via_fee.unwrap_or(pool.fee));
        }
        None => fees.push(pool.fee),
    }
    tokens.push(asset);
    if token_in == asset {
        tokens.reverse();
        fees.reverse();
    }
    let hops: Vec<(u32, Address)> = fees.into_iter().zip(tokens[1..].iter().copied()).collect();
    packed_path(tokens[0], &hops)
}

/// Builds `route` for one adapter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RouteBuilder {
    spec: Option<RouteSpec>,
}

impl RouteBuilder {
    /// For an adapter whose `[routes]` entry is `spec` (none: empty routes).
    pub fn new(spec: Option<RouteSpec>) -> Self {
        Self { spec }
    }

    /// The route of one trade planned at time `now`.
    pub fn route(
        &self,
        token_in: Address,
        token_out: Address,
        asset: Address,
        pool: Option<&PoolSpec>,
        now: u64,
    ) -> Result<Bytes> {
        match self.spec {
            None
            | Some(RouteSpec {
                kind: RouteKind::Empty,
                ..
            }) => Ok(Bytes::new()),
            Some(RouteSpec {
                kind: RouteKind::UniswapV3,
                deadline_secs,
            }) => {
                let pool = pool.ok_or_else(|| {
                    let c = if token_in == asset {
                        token_out
                    } else {
                        token_in
                    };
                    Error::Plan(format!(
                        "no [pools] entry for {c}: a Uniswap V3 route needs its fee tier"
                    ))
                })?;
                let path = uniswap_path(token_in, token_out, asset, pool)?;
                let deadline = U256::from(now + deadline_secs);
                Ok((deadline, Bytes::from(path)).abi_encode_params().into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::address;

    const USDC: Address = address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
    const WBTC: Address = address!("2260fac5e5542a773aa44fbcfedf7c193bc2c599");
    const WETH: Address = address!("c02aaa39b223fe8d0a0e5c4f27ead9083c756cc2");

    fn pool(fee: u32, via: Option<Address>, via_fee: Option<u32>) -> PoolSpec {
        PoolSpec {
            fee,
            depth: 1.0,
            via,
            via_fee,
        }
    }

    #[test]
    fn single_hop_both_directions() {
        let p = pool(3000, None, None);
        let sell = uniswap_path(WBTC, USDC, USDC, &p).expect("path");
        assert_eq!(sell.len(), 43);
        assert_eq!(&sell[..20], WBTC.as_slice());
        assert_eq!(&sell[20..23], &[0x00, 0x0b, 0xb8], "3000 = 0x000bb8");
        assert_eq!(&sell[23..], USDC.as_slice());
        let buy = uniswap_path(USDC, WBTC, USDC, &p).expect("path");
        assert_eq!(&buy[..20], USDC.as_slice());
        assert_eq!(&buy[23..], WBTC.as_slice());
    }

    #[test]
    fn two_hops_reverse_fees_on_buys() {
        let p = pool(3000, Some(WETH), Some(500));
        let sell = uniswap_path(WBTC, USDC, USDC, &p).expect("path");
        assert_eq!(sell.len(), 66);
        assert_eq!(&sell[20..23], &[0x00, 0x0b, 0xb8]);
        assert_eq!(&sell[23..43], WETH.as_slice());
        assert_eq!(&sell[43..46], &[0x00, 0x01, 0xf4], "500 = 0x0001f4");
        let buy = uniswap_path(USDC, WBTC, USDC, &p).expect("path");
        assert_eq!(&buy[..20], USDC.as_slice());
        assert_eq!(&buy[20..23], &[0x00, 0x01, 0xf4], "USDC→WETH at 500 first");
        assert_eq!(&buy[43..46], &[0x00, 0x0b, 0xb8]);
        assert_eq!(&buy[46..], WBTC.as_slice());
    }

    #[test]
    fn route_encodes_deadline_and_path() {
        let spec = RouteSpec {
            kind: RouteKind::UniswapV3,
            deadline_secs: 300,
        };
        let p = pool(500, None, None);
        let r = RouteBuilder::new(Some(spec))
            .route(WBTC, USDC, USDC, Some(&p), 1_000)
            .expect("route");
        let (deadline, path) = <(U256, Bytes)>::abi_decode_params(&r).expect("abi.decode");
        assert_eq!(deadline, U256::from(1_300));
        assert_eq!(
            path.to_vec(),
            uniswap_path(WBTC, USDC, USDC, &p).expect("path")
        );
        assert!(RouteBuilder::new(None)
            .route(WBTC, USDC, USDC, None, 0)
            .expect("empty")
            .is_empty());
        let e = RouteBuilder::new(Some(spec))
            .route(WBTC, USDC, USDC, None, 0)
            .expect_err("no pool");
        assert!(e.to_string().contains("no [pools] entry"), "{e}");
        assert!(packed_path(WBTC, &[(1 << 24, USDC)]).is_err());
    }
}
