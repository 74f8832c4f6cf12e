//! The trade plan: from holdings, oracle prices, targets and regime to an ordered, batched list of swaps.

mod apply;
mod batch;
mod build;
mod pool;
mod types;

pub use apply::apply_expected;
pub use build::plan_trades;
pub use pool::{gross_input_for_output, max_input_value, swap_output_value};
pub use types::{
    Batch, CashLeg, Leg, LegStatus, Plan, PlanConfig, PlanInput, Pool, Position, Side, Trade,
};
