//! The loaders: well-formed input and errors that name the file, line and field.

use ballast_strategy::{
    apply_metadata, load_history_csv, load_markets_json, parse_markets_json, parse_metadata_json,
    read_history_csv, Day, Error,
};

const MARKETS: &str = r#"[
  {
    "id": "bitcoin",
    "symbol": "btc",
    "current_price": 65000.5,
    "market_cap": 1280000000000,
    "total_volume": 31000000000,
    "image": "ignored"
  },
  {
    "id": "usd-coin", "symbol": "usdc", "current_price": 1.0, "market_cap": 33000000000, "total_volume": 7000000000,
    "stablecoin": true,
    "token": {"address": "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48", "decimals": 6}
  }
]"#;

fn malformed(e: Error) -> (String, u64, String) {
    match e {
        Error::Malformed {
            file, line, field, ..
        } => (file, line, field),
        other => panic!("expected a malformed-record error, got {other}"),
    }
}

#[test]
fn parses_coingecko_markets_and_optional_ballast_fields() {
    let mut assets = parse_markets_json(MARKETS, "markets.json").expect("valid");
    assert_eq!(assets.len(), 2);
    assert_eq!(assets[0].meta.id, "bitcoin");
    assert_eq!(assets[0].price_usd, 65000.5);
    assert!(!assets[0].meta.stablecoin && assets[0].meta.token.is_none());
    assert!(assets[1].meta.stablecoin);
    assert_eq!(assets[1].meta.token.map(|t| t.decimals), Some(6));
    let meta = parse_metadata_json(
        r#"[{"id": "bitcoin", "symbol": "BTC", "token": null}, {"id": "missing", "symbol": "X"}]"#,
        "meta.json",
    )
    .expect("valid metadata");
    assert_eq!(apply_metadata(&mut assets, &meta), 1);
    assert_eq!(assets[0].meta.symbol, "BTC");
    assert!(parse_markets_json("[]", "empty.json")
        .expect("empty array")
        .is_empty());
}

#[test]
fn markets_errors_name_file_line_and_field() {
    let null_price = MARKETS.replace("\"current_price\": 65000.5", "\"current_price\": null");
    assert_eq!(
        malformed(parse_markets_json(&null_price, "m.json").expect_err("malformed")),
        ("m.json".into(), 5, "current_price".into())
    );
    let negative = MARKETS.replace("\"market_cap\": 33000000000", "\"market_cap\": -1");
    assert_eq!(
        malformed(parse_markets_json(&negative, "m.json").expect_err("malformed")),
        ("m.json".into(), 11, "market_cap".into())
    );
    let missing = MARKETS.replace("\"total_volume\": 31000000000,", "");
    assert_eq!(
        malformed(parse_markets_json(&missing, "m.json").expect_err("malformed")).2,
        "total_volume"
    );
    let syntax = MARKETS.replace("\"symbol\": \"usdc\",", "\"symbol\": \"usdc\" ");
    assert_eq!(
        malformed(parse_markets_json(&syntax, "m.json").expect_err("malformed")).1,
        11
    );
    let bad_token = MARKETS.replace("0xa0b86991", "0xzz");
    assert_eq!(
        malformed(parse_markets_json(&bad_token, "m.json").expect_err("malformed")).2,
        "token"
    );
    assert_eq!(
        malformed(parse_markets_json("{}", "m.json").expect_err("malformed")).2,
        "<document>"
    );
    assert_eq!(
        malformed(parse_markets_json("[] x", "m.json").expect_err("malformed")).2,
        "<document>"
    );
}

#[test]
fn reads_a_csv_history() {
    let csv = "date,id,price,market_cap,volume\n\
               2024-01-02,eth,2300,2.8e11,1e10\n\
               2024-01-01,btc,42000,8.2e11,2e10\n\
               2024-01-02,btc,45000,8.8e11,3e10\n";
    let h = read_history_csv(csv.as_bytes(), "h.csv").expect("valid");
    assert_eq!(
        h.days(),
        &[
            Day::from_ymd(2024, 1, 1).expect("date"),
            Day::from_ymd(2024, 1, 2).expect("date")
        ]
    );
    assert_eq!(
        h.assets().iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        vec!["btc", "eth"]
    );
    assert_eq!(h.get(0, 1), None);
    assert_eq!(h.get(1, 0).map(|o| o.price_usd), Some(45000.0));
    assert_eq!(h.snapshot(0).assets.len(), 1);
}

#[test]
fn csv_errors_name_file_line_and_field() {
    let header = "date,id,price,market_cap,volume\n";
    for (row, line, field) in [
        ("2024-01-01,btc,abc,1,1\n", 3, "price"),
        ("2024-01-01,btc,0,1,1\n", 3, "price"),
        ("2024-13-01,btc,1,1,1\n", 3, "date"),
        ("2024-01-01,,1,1,1\n", 3, "id"),
        ("2024-01-01,btc,1,-5,1\n", 3, "market_cap"),
        ("2024-01-01,btc,1,1,inf\n", 3, "volume"),
        ("2024-01-01,btc,1,1\n", 3, "<record>"),
        ("2024-01-02,eth,1,1,1\n", 3, "id"),
    ] {
        let first = if field == "id" && line == 3 && row.starts_with("2024-01-02") {
            "2024-01-02,eth,1,1,1\n"
        } else {
            "2024-01-05,ok,1,1,1\n"
        };
        let text = format!("{header}{first}{row}");
        let e = read_history_csv(text.as_bytes(), "h.csv").expect_err(row);
        assert_eq!(
            malformed(e),
            ("h.csv".into(), line, field.into()),
            "row {row}"
        );
    }
    let e = read_history_csv("date,id,price,volume\n".as_bytes(), "h.csv")
        .expect_err("no market_cap column");
    assert_eq!(malformed(e), ("h.csv".into(), 1, "market_cap".into()));
}

#[test]
fn file_loaders_report_the_path() {
    let dir = std::env::temp_dir().join(format!("ballast-strategy-loaders-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("history.csv");
    std::fs::write(
        &path,
        "date,id,price,market_cap,volume\n2024-01-01,btc,x,1,1\n",
    )
    .expect("write");
    let e = load_history_csv(&path).expect_err("bad price");
    assert_eq!(
        malformed(e),
        (path.display().to_string(), 2, "price".into())
    );
    let markets = dir.join("markets.json");
    std::fs::write(&markets, MARKETS).expect("write");
    assert_eq!(load_markets_json(&markets).expect("valid").len(), 2);
    assert!(matches!(
        load_markets_json(dir.join("absent.json")),
        Err(Error::Io { .. })
    ));
    std::fs::remove_dir_all(&dir).expect("cleanup");
}
