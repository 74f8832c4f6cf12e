//! Properties of the universe selection.

use std::collections::HashSet;

use ballast_strategy::{
    select_universe, Address, Asset, AssetMeta, Exclusion, TokenInfo, UniverseConfig,
};
use proptest::prelude::*;

fn assets() -> impl Strategy<Value = Vec<Asset>> {
    prop::collection::vec(
        (
            1.0e6f64..1.0e12,
            0.0f64..1.0e9,
            prop::bool::weighted(0.1),
            prop::bool::weighted(0.1),
            prop::option::weighted(0.15, 0usize..60),
        ),
        1..60,
    )
    .prop_map(|raw| {
        let n = raw.len();
        raw.into_iter()
            .enumerate()
            .map(|(k, (cap, volume, stable, no_token, parent))| Asset {
                meta: AssetMeta {
                    id: format!("a{k:02}"),
                    symbol: format!("A{k}"),
                    stablecoin: stable,
                    derivative_of: parent
                        .map(|p| p % n)
                        .filter(|&p| p != k)
                        .map(|p| format!("a{p:02}")),
                    token: (!no_token).then(|| TokenInfo {
                        address: Address::from_low_u64(k as u64 + 1),
                        decimals: 18,
                    }),
                },
                price_usd: 1.0,
                market_cap_usd: cap,
                volume_24h_usd: volume,
            })
            .collect()
    })
}

fn config() -> impl Strategy<Value = UniverseConfig> {
    (1usize..25, 0usize..10).prop_map(|(size, buffer)| UniverseConfig {
        size,
        buffer,
        min_volume_usd: 1.0e6,
        require_token: true,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn members_are_eligible_distinct_and_ranked(assets in assets(), cfg in config()) {
        let u = select_universe(&assets, &[], &cfg).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(u.members.len() <= cfg.size);
        let mut families = HashSet::new();
        for m in &u.members {
            let a = assets.iter().find(|a| a.meta.id == m.id).expect("member exists");
            prop_assert!(!a.meta.stablecoin && a.meta.token.is_some() && a.volume_24h_usd >= cfg.min_volume_usd);
            prop_assert!(families.insert(m.family.clone()), "family {} twice", m.family);
        }
        prop_assert!(u.members.windows(2).all(|w| w[0].rank < w[1].rank));
        // Without incumbents the members are exactly the best ranked families.
        prop_assert!(u.members.iter().enumerate().all(|(k, m)| m.rank == k + 1));
        // Every asset is accounted for exactly once.
        prop_assert_eq!(u.members.len() + u.excluded.len(), assets.len());
        // The universe is full unless too few families are eligible.
        let ranked_out = u.excluded.iter().filter(|(_, r)| matches!(r, Exclusion::Rank { .. })).count();
        prop_assert!(u.members.len() == cfg.size || ranked_out == 0);
    }

    #[test]
    fn the_universe_is_stable_under_the_buffer(assets in assets(), cfg in config(), noise in prop::collection::vec(0.8f64..1.25, 60)) {
        let first = select_universe(&assets, &[], &cfg).map_err(|e| TestCaseError::fail(e.to_string()))?;
        // Re-selecting from the same market keeps the same members.
        let again = select_universe(&assets, &first.ids(), &cfg).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(first.ids(), again.ids());
        // After the market moves, every incumbent ranked within N + buffer stays (room permitting).
        let moved: Vec<Asset> = assets.iter().zip(&noise).map(|(a, f)| Asset { market_cap_usd: a.market_cap_usd * f, ..a.clone() }).collect();
        let next = select_universe(&moved, &first.ids(), &cfg).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let fresh = select_universe(&moved, &[], &cfg).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let kept: HashSet<String> = next.ids().into_iter().collect();
        let previous: HashSet<String> = first.ids().into_iter().collect();
        for (id, reason) in &next.excluded {
            if let Exclusion::Rank { rank } = reason {
                if previous.contains(id) {
                    prop_assert!(*rank > cfg.size + cfg.buffer || next.members.len() == cfg.size);
                }
            }
        }
        // The buffer never causes more churn than selecting afresh.
        let churn = previous.difference(&kept).count();
        let fresh_ids: HashSet<String> = fresh.ids().into_iter().collect();
        let fresh_churn = previous.difference(&fresh_ids).count();
        prop_assert!(churn <= fresh_churn, "buffered churn {} > fresh churn {}", churn, fresh_churn);
    }
}

#[test]
fn a_wrapped_asset_represents_its_native_family() {
    let asset = |id: &str, cap: f64, parent: Option<&str>, token: bool| Asset {
        meta: AssetMeta {
            id: id.to_owned(),
            symbol: id.to_uppercase(),
            stablecoin: false,
            derivative_of: parent.map(str::to_owned),
            token: token.then(|| TokenInfo {
                address: Address::from_low_u64(cap as u64),
                decimals: 8,
            }),
        },
        price_usd: 1.0,
        market_cap_usd: cap,
        volume_24h_usd: 1.0e9,
    };
    let assets = vec![
        asset("bitcoin", 1.0e12, None, false),
        asset("wrapped-bitcoin", 1.0e10, Some("bitcoin"), true),
        asset("cbbtc", 2.0e9, Some("bitcoin"), true),
        asset("other", 5.0e10, None, true),
    ];
    let cfg = UniverseConfig {
        size: 2,
        ..UniverseConfig::default()
    };
    let u = select_universe(&assets, &[], &cfg).expect("selects");
    assert_eq!(
        u.ids(),
        vec!["wrapped-bitcoin".to_owned(), "other".to_owned()]
    );
    assert_eq!(u.members[0].market_cap_usd, 1.0e12);
    assert!(u
        .excluded
        .contains(&("bitcoin".to_owned(), Exclusion::NoToken)));
    assert!(u.excluded.contains(&(
        "cbbtc".to_owned(),
        Exclusion::Represented {
            by: "wrapped-bitcoin".to_owned()
        }
    )));
}
