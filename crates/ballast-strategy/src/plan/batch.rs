//! Execution order and batching into transactions.

use super::build::Move;
use super::types::{Batch, PlanConfig, Position, Trade};

/// Orders the trades: sells, then buys; within a side, moves by value (largest first, ties by token address) and
/// their chunks round-robin, so that one component's chunks are spread over as many transactions as possible.
pub(super) fn order_trades(
    mut sells: Vec<Move>,
    mut buys: Vec<Move>,
    positions: &[Position],
) -> Vec<Trade> {
    let mut out = Vec::new();
    for moves in [&mut sells, &mut buys] {
        moves.sort_by(|a, b| {
            b.value
                .cmp(&a.value)
                .then(positions[a.index].token.cmp(&positions[b.index].token))
        });
        let rounds = moves.iter().map(|m| m.trades.len()).max().unwrap_or(0);
        for round in 0..rounds {
            out.extend(moves.iter().filter_map(|m| m.trades.get(round)).copied());
        }
    }
    out
}

/// Packs consecutive trades into transactions: a new one starts when the gas budget is reached or when the
/// component already trades in the current one.
pub(super) fn batch_trades(trades: &[Trade], config: &PlanConfig) -> Vec<Batch> {
    let per_tx = config.trades_per_tx().max(1);
    let mut batches: Vec<Batch> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let close = |batches: &mut Vec<Batch>, current: &mut Vec<usize>| {
        if let Some(&first) = current.first() {
            let len = current.len();
            let gas = config.gas_per_tx + config.gas_per_trade * len as u64;
            batches.push(Batch { first, len, gas });
            current.clear();
        }
    };
    for (k, trade) in trades.iter().enumerate() {
        let repeated = current
            .iter()
            .any(|&j| trades[j].component == trade.component);
        if current.len() == per_tx || repeated {
            close(&mut batches, &mut current);
        }
        current.push(k);
    }
    close(&mut batches, &mut current);
    batches
}
