//! Applying a plan to the holdings at its expected fills (for simulation and tests).

use super::types::{Plan, PlanInput, Side};
use crate::{Error, Result};

/// The holdings after executing every trade of `plan` at its expected output, in order. Fails if a trade would
/// spend more than the balance it sells from at that point.
pub fn apply_expected(input: &PlanInput, plan: &Plan) -> Result<PlanInput> {
    let mut out = input.clone();
    for (k, trade) in plan.trades.iter().enumerate() {
        let position = out
            .positions
            .iter_mut()
            .find(|p| p.token == trade.component)
            .ok_or_else(|| {
                Error::invalid(
                    "plan",
                    format!("trade {k} names an unknown component {}", trade.component),
                )
            })?;
        let short = || Error::invalid("plan", format!("trade {k} sells more than the balance"));
        match trade.side {
            Side::Sell => {
                position.balance = position
                    .balance
                    .checked_sub(trade.amount_in)
                    .ok_or_else(short)?;
                out.cash.balance = out
                    .cash
                    .balance
                    .checked_add(trade.expected_out)
                    .ok_or(Error::Overflow("cash"))?;
            }
            Side::Buy => {
                out.cash.balance = out
                    .cash
                    .balance
                    .checked_sub(trade.amount_in)
                    .ok_or_else(short)?;
                position.balance = position
                    .balance
                    .checked_add(trade.expected_out)
                    .ok_or(Error::Overflow("balance"))?;
            }
        }
    }
    Ok(out)
}
