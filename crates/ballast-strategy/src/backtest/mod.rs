//! The backtest: the whole strategy over a history with a cost model, its statistics, the comparison with
//! simpler strategies, and the report.

mod chart;
mod compare;
mod engine;
mod metrics;
mod report;

pub use chart::render_chart;
pub use compare::{run_comparison, Comparison, ComparisonConfig, DiyComparison};
pub use engine::{
    run_backtest, BacktestConfig, CostModel, CostTotals, RunResult, StrategyConfig, CASH_DECIMALS,
    CASH_TOKEN,
};
pub use metrics::{compute_metrics, drawdowns, Metrics};
pub use report::{nav_csv, summary_csv, write_report};
