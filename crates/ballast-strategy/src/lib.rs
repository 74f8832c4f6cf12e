#![doc = include_str!("../README.md")]

mod address;
mod backtest;
mod day;
mod error;
mod generator;
mod index;
mod load;
pub mod math;
mod model;
mod plan;
mod price;
mod signal;
mod universe;
mod weights;

pub use address::Address;
pub use backtest::{
    compute_metrics, drawdowns, nav_csv, render_chart, run_backtest, run_comparison, summary_csv,
    write_report, BacktestConfig, Comparison, ComparisonConfig, CostModel, CostTotals,
    DiyComparison, Metrics, RunResult, StrategyConfig, CASH_DECIMALS, CASH_TOKEN,
};
pub use day::Day;
pub use error::{Error, Result};
pub use generator::{generate_history, GeneratorConfig, Phase};
pub use index::{index_series, IndexSeries};
pub use load::{
    load_history_csv, load_markets_json, load_metadata_json, parse_markets_json,
    parse_metadata_json, read_history_csv,
};
pub use math::{PRICE_SCALE, WAD};
pub use model::{
    apply_metadata, Asset, AssetMeta, History, MarketSnapshot, Observation, TokenInfo,
};
pub use plan::{
    apply_expected, gross_input_for_output, max_input_value, plan_trades, swap_output_value, Batch,
    CashLeg, Leg, LegStatus, Plan, PlanConfig, PlanInput, Pool, Position, Side, Trade,
};
pub use price::Price;
pub use signal::{
    evaluate_signal, BreadthRule, Reason, Regime, RegimeState, SignalConfig, SignalReading,
};
pub use universe::{select_universe, Exclusion, Member, Universe, UniverseConfig};
pub use weights::{compute_weights, scores_from_caps, TargetWeights, WeightScheme};
