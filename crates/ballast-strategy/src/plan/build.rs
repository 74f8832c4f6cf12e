//! The planning algorithm.

use std::collections::HashSet;

use super::batch::{batch_trades, order_trades};
use super::pool::{gross_input_for_output, max_input_value, swap_output_value};
use super::types::{Leg, LegStatus, Plan, PlanConfig, PlanInput, Position, Side, Trade};
use crate::math::{mul_div, BPS, WAD};
use crate::{Error, Regime, Result};

/// A component's planned move, before ordering.
#[derive(Debug, Clone)]
pub(super) struct Move {
    pub(super) index: usize,
    pub(super) side: Side,
    pub(super) value: u128,
    pub(super) trades: Vec<Trade>,
}

/// Plans the trades that bring every component and the cash leg inside their bands.
///
/// With `NAV = cash + Σ value(balance_i)` at oracle prices, target values `T_i = NAV * w_i / 1e18` and bands
/// `B_i = NAV * band_i / 1e18` (see [`PlanConfig::band_for`]); under [`Regime::RiskOff`] every component target is
/// zero and cash is 100 %:
///
/// 1. A component with target zero and a balance worth at least the minimum trade is sold entirely (`Exit`).
///    One worth more than `T_i + B_i` is sold down to `T_i`; one worth less than `T_i - B_i` is bought up to `T_i`.
///    Moves under `min_trade_value` are not made (`BelowMinTrade`), nor moves without a pool (`NoLiquidity`).
/// 2. The cash leg ends at `cash + Σ sell outputs − Σ buy inputs` (buys are grossed up for fee and impact so that
///    they land on target). If that is below `T_c − B_c`, in-band overweight components are also sold to target,
///    largest excess first, until it is not; if buys still cannot be funded they are scaled down pro rata
///    (`Scaled`). If it is above `T_c + B_c`, in-band underweight components are bought, largest deficit first.
/// 3. A move larger than the impact limit allows is split into equal chunks, each within the limit, in separate
///    transactions, at most `max_chunks` of them (`LiquidityLimited` beyond).
/// 4. Sells come first, then buys; within each side, components by move value (largest first, ties by token
///    address), chunks round-robin; batches fill the gas budget in that order.
///
/// Every trade moves its component toward its target and never past it, and the result depends only on the
/// input: the same input always gives the same plan.
pub fn plan_trades(input: &PlanInput, regime: Regime, config: &PlanConfig) -> Result<Plan> {
    config.validate()?;
    let (targets, cash_target_wad) = targets(input, regime)?;
    let positions = &input.positions;
    let mut values = Vec::with_capacity(positions.len());
    for p in positions {
        values.push(p.price.value_of(p.balance)?);
    }
    let nav = values
        .iter()
        .try_fold(input.cash.balance, |acc, v| acc.checked_add(*v))
        .ok_or(Error::Overflow("NAV"))?;
    let of_nav = |wad: u64| {
        mul_div(nav, u128::from(wad), u128::from(WAD)).ok_or(Error::Overflow("target value"))
    };
    let cash_target = of_nav(cash_target_wad)?;
    let cash_band = of_nav(config.band_for(cash_target_wad))?;
    let mut legs = Vec::with_capacity(positions.len());
    for (i, p) in positions.iter().enumerate() {
        let target_value = of_nav(targets[i])?;
        let band_value = of_nav(config.band_for(targets[i]))?;
        legs.push(Leg {
            token: p.token,
            value: values[i],
            target_value,
            band_value,
            expected_value: values[i],
            status: LegStatus::InBand,
        });
    }

    let mut sells: Vec<Move> = Vec::new();
    let mut buys: Vec<Move> = Vec::new();
    for (i, p) in positions.iter().enumerate() {
        let leg = legs[i];
        let (side, status) =
            if leg.target_value == 0 && p.balance > 0 && leg.value >= config.min_trade_value.max(1)
            {
                (Side::Sell, LegStatus::Exit)
            } else if leg.value > leg.target_value.saturating_add(leg.band_value) {
                (Side::Sell, LegStatus::Sell)
            } else if leg.value.saturating_add(leg.band_value) < leg.target_value {
                (Side::Buy, LegStatus::Buy)
            } else {
                continue;
            };
        let mv = match side {
            Side::Sell => plan_sell(i, p, &leg, status == LegStatus::Exit, input, config)?,
            Side::Buy => plan_buy(i, p, leg.target_value - leg.value, input, config)?,
        };
        legs[i].status = match mv {
            Err(skipped) => skipped,
            Ok((_, true)) => LegStatus::LiquidityLimited,
            Ok((_, false)) => status,
        };
        if let Ok((mv, _)) = mv {
            match side {
                Side::Sell => sells.push(mv),
                Side::Buy => buys.push(mv),
            }
        }
    }

    // Bring the cash leg inside its band.
    let cash_low = cash_target.saturating_sub(cash_band);
    let cash_high = cash_target.saturating_add(cash_band);
    let proceeds = |moves: &[Move]| -> u128 {
        moves
            .iter()
            .flat_map(|m| &m.trades)
            .map(|t| t.expected_out)
            .sum()
    };
    let spend = |moves: &[Move]| -> u128 {
        moves
            .iter()
            .flat_map(|m| &m.trades)
            .map(|t| t.amount_in)
            .sum()
    };
    let cash_after = |sells: &[Move], buys: &[Move]| -> u128 {
        (input.cash.balance + proceeds(sells)).saturating_sub(spend(buys))
    };
    let funded =
        |sells: &[Move], buys: &[Move]| input.cash.balance + proceeds(sells) >= spend(buys);
    if cash_after(&sells, &buys) < cash_low || !funded(&sells, &buys) {
        let mut candidates: Vec<usize> = (0..positions.len())
            .filter(|&i| {
                legs[i].status == LegStatus::InBand && legs[i].value > legs[i].target_value
            })
            .collect();
        candidates.sort_by(|&a, &b| {
            let (ea, eb) = (
                legs[a].value - legs[a].target_value,
                legs[b].value - legs[b].target_value,
            );
            eb.cmp(&ea)
                .then(positions[a].token.cmp(&positions[b].token))
        });
        for i in candidates {
            if cash_after(&sells, &buys) >= cash_low && funded(&sells, &buys) {
                break;
            }
            // Sell toward target, but no more than the cash leg needs to reach its own target.
            let need = cash_target.saturating_sub(cash_after(&sells, &buys));
            let excess = (legs[i].value - legs[i].target_value).min(need.max(1));
            let partial = Leg {
                target_value: legs[i].value - excess,
                ..legs[i]
            };
            if let Ok((mv, limited)) = plan_sell(i, &positions[i], &partial, false, input, config)?
            {
                legs[i].status = if limited {
                    LegStatus::LiquidityLimited
                } else {
                    LegStatus::SellForCash
                };
                sells.push(mv);
            }
        }
        let available = (input.cash.balance + proceeds(&sells)).saturating_sub(cash_low);
        let needed = spend(&buys);
        if needed > available {
            let mut scaled = Vec::with_capacity(buys.len());
            for mv in &buys {
                let leg = legs[mv.index];
                let deficit = leg.target_value - leg.value;
                let reduced =
                    mul_div(deficit, available, needed).ok_or(Error::Overflow("scaled buy"))?;
                let config = crate::PlanConfig {
                    min_trade_value: 0,
                    ..*config
                };
                if let Ok((mv, _)) =
                    plan_buy(mv.index, &positions[mv.index], reduced, input, &config)?
                {
                    scaled.push(mv);
                }
                legs[mv.index].status = LegStatus::Scaled;
            }
            buys = scaled;
            // Gross-up rounding can exceed the pro-rata budget by a few units; trim the smallest buys if so.
            while !funded(&sells, &buys) {
                let Some(smallest) = (0..buys.len())
                    .min_by_key(|&k| (buys[k].value, positions[buys[k].index].token))
                else {
                    break;
                };
                buys.remove(smallest);
            }
        }
    } else if cash_after(&sells, &buys) > cash_high {
        let mut candidates: Vec<usize> = (0..positions.len())
            .filter(|&i| {
                legs[i].status == LegStatus::InBand && legs[i].value < legs[i].target_value
            })
            .collect();
        candidates.sort_by(|&a, &b| {
            let (da, db) = (
                legs[a].target_value - legs[a].value,
                legs[b].target_value - legs[b].value,
            );
            db.cmp(&da)
                .then(positions[a].token.cmp(&positions[b].token))
        });
        for i in candidates {
            if cash_after(&sells, &buys) <= cash_high {
                break;
            }
            // Buy toward target, but no more than the cash leg has above its own target.
            let spare = cash_after(&sells, &buys).saturating_sub(cash_target);
            let deficit = (legs[i].target_value - legs[i].value).min(spare);
            let (mv, limited) = match plan_buy(i, &positions[i], deficit, input, config)? {
                Ok(found) => found,
                Err(_) => continue,
            };
            // Never spend the cash leg below its own floor.
            let mut trial = buys.clone();
            trial.push(mv);
            if cash_after(&sells, &trial) < cash_low || !funded(&sells, &trial) {
                continue;
            }
            buys = trial;
            legs[i].status = if limited {
                LegStatus::LiquidityLimited
            } else {
                LegStatus::BuyForCash
            };
        }
    }

    // Expected values after the plan.
    for mv in sells.iter().chain(&buys) {
        let p = &positions[mv.index];
        let balance = match mv.side {
            Side::Sell => p.balance - mv.trades.iter().map(|t| t.amount_in).sum::<u128>(),
            Side::Buy => p
                .balance
                .saturating_add(mv.trades.iter().map(|t| t.expected_out).sum::<u128>()),
        };
        legs[mv.index].expected_value = p.price.value_of(balance)?;
    }
    let cash_expected = cash_after(&sells, &buys);
    let sold_value = sells
        .iter()
        .flat_map(|m| &m.trades)
        .map(|t| t.value_in)
        .sum();
    let bought_value = buys
        .iter()
        .flat_map(|m| &m.trades)
        .map(|t| t.value_in)
        .sum();
    let trades = order_trades(sells, buys, positions);
    let batches = batch_trades(&trades, config);
    Ok(Plan {
        regime,
        nav,
        expected_cost: trades.iter().map(|t| t.expected_cost).sum(),
        gas: batches.iter().map(|b| b.gas).sum(),
        trades,
        batches,
        legs,
        cash_value: input.cash.balance,
        cash_target,
        cash_band,
        cash_expected,
        sold_value,
        bought_value,
    })
}

/// Checks the input and returns the component targets and the cash target for the regime.
fn targets(input: &PlanInput, regime: Regime) -> Result<(Vec<u64>, u64)> {
    let mut seen = HashSet::with_capacity(input.positions.len());
    for p in &input.positions {
        if p.token == input.cash.token {
            return Err(Error::invalid(
                "positions",
                format!("{} is the cash token", p.token),
            ));
        }
        if !seen.insert(p.token) {
            return Err(Error::invalid(
                "positions",
                format!("{} appears twice", p.token),
            ));
        }
        if p.price.is_zero() && (p.balance > 0 || p.target_wad > 0) {
            return Err(Error::invalid("price", format!("{} has no price", p.token)));
        }
    }
    let sum = input
        .positions
        .iter()
        .map(|p| u128::from(p.target_wad))
        .sum::<u128>()
        + u128::from(input.cash.target_wad);
    if sum != u128::from(WAD) {
        return Err(Error::WeightSum { sum });
    }
    Ok(match regime {
        Regime::RiskOn => (
            input.positions.iter().map(|p| p.target_wad).collect(),
            input.cash.target_wad,
        ),
        Regime::RiskOff => (vec![0; input.positions.len()], WAD),
    })
}

/// `Ok(Ok((move, liquidity_limited)))`, or `Ok(Err(status))` when the move is not made.
type Planned = std::result::Result<(Move, bool), LegStatus>;

/// Plans the sale of a component down to its target (or entirely, for an exit).
fn plan_sell(
    index: usize,
    p: &Position,
    leg: &Leg,
    exit: bool,
    input: &PlanInput,
    config: &PlanConfig,
) -> Result<Planned> {
    let mut amount = if exit {
        p.balance
    } else {
        p.price
            .amount_for_value(leg.value - leg.target_value)?
            .min(p.balance)
    };
    let value = p.price.value_of(amount)?;
    if value < config.min_trade_value || amount == 0 {
        return Ok(Err(LegStatus::BelowMinTrade));
    }
    if p.pool.depth == 0 {
        return Ok(Err(LegStatus::NoLiquidity));
    }
    config.check_pool(p.token, p.pool)?;
    let max_value = max_input_value(p.pool, config.max_impact_bps).max(1);
    let max_chunks = u128::from(config.max_chunks);
    let mut chunks = value.div_ceil(max_value).max(1);
    let mut limited = false;
    if chunks > max_chunks {
        chunks = max_chunks;
        limited = true;
        amount = p
            .price
            .amount_for_value(max_value * max_chunks)?
            .min(amount);
    }
    // Token rounding can push a chunk a unit over the limit; add chunks until none is.
    while p.price.value_of(amount.div_ceil(chunks))? > max_value {
        if chunks == max_chunks {
            amount = p.price.amount_for_value(max_value)?.saturating_mul(chunks);
            limited = true;
        } else {
            chunks += 1;
        }
    }
    let mut trades = Vec::with_capacity(chunks as usize);
    for (k, part) in split(amount, chunks).into_iter().enumerate() {
        let value_in = p.price.value_of(part)?;
        let out = swap_output_value(value_in, p.pool);
        trades.push(make_trade(
            Side::Sell,
            p,
            input,
            part,
            out,
            value_in,
            value_in,
            out,
            k,
            chunks,
            config,
        )?);
    }
    Ok(Ok((
        Move {
            index,
            side: Side::Sell,
            value,
            trades,
        },
        limited,
    )))
}

/// Plans the purchase of `deficit` of value of a component, grossed up for fee and impact.
fn plan_buy(
    index: usize,
    p: &Position,
    deficit: u128,
    input: &PlanInput,
    config: &PlanConfig,
) -> Result<Planned> {
    if deficit < config.min_trade_value || deficit == 0 {
        return Ok(Err(LegStatus::BelowMinTrade));
    }
    if p.pool.depth == 0 {
        return Ok(Err(LegStatus::NoLiquidity));
    }
    config.check_pool(p.token, p.pool)?;
    let max_in = max_input_value(p.pool, config.max_impact_bps).max(1);
    let max_out = swap_output_value(max_in, p.pool).max(1);
    let max_chunks = u128::from(config.max_chunks);
    let mut target = deficit;
    let mut limited = false;
    let mut chunks = target.div_ceil(max_out).max(1);
    if chunks > max_chunks {
        chunks = max_chunks;
        target = max_out * max_chunks;
        limited = true;
    }
    let mut trades = Vec::with_capacity(chunks as usize);
    for (k, part) in split(target, chunks).into_iter().enumerate() {
        let gross = gross_input_for_output(part, p.pool)
            .ok_or(Error::Overflow("gross buy"))?
            .min(max_in);
        let out_value = swap_output_value(gross, p.pool);
        let out = p.price.amount_for_value(out_value)?;
        let oracle_out = p.price.amount_for_value(gross)?;
        trades.push(make_trade(
            Side::Buy,
            p,
            input,
            gross,
            out,
            oracle_out,
            gross,
            out_value,
            k,
            chunks,
            config,
        )?);
    }
    Ok(Ok((
        Move {
            index,
            side: Side::Buy,
            value: deficit,
            trades,
        },
        limited,
    )))
}

#[allow(clippy::too_many_arguments)]
fn make_trade(
    side: Side,
    p: &Position,
    input: &PlanInput,
    amount_in: u128,
    expected_out: u128,
    oracle_out: u128,
    value_in: u128,
    value_out: u128,
    chunk: usize,
    chunks: u128,
    config: &PlanConfig,
) -> Result<Trade> {
    let (token_in, token_out) = match side {
        Side::Sell => (p.token, input.cash.token),
        Side::Buy => (input.cash.token, p.token),
    };
    let min_out = mul_div(oracle_out, BPS - u128::from(config.max_slippage_bps), BPS)
        .ok_or(Error::Overflow("min out"))?;
    if expected_out < min_out {
        return Err(Error::invalid(
            "trade",
            format!(
                "{}: expected output {expected_out} is under the vault's minimum {min_out}",
                p.token
            ),
        ));
    }
    Ok(Trade {
        side,
        component: p.token,
        token_in,
        token_out,
        amount_in,
        expected_out,
        oracle_out,
        min_out,
        value_in,
        expected_cost: value_in.saturating_sub(value_out),
        chunk: chunk as u32,
        chunks: chunks as u32,
    })
}

/// Splits `total` into `parts` near-equal integers, the larger ones first.
fn split(total: u128, parts: u128) -> Vec<u128> {
    let (base, extra) = (total / parts, total % parts);
    (0..parts)
        .map(|k| base + u128::from(k < extra))
        .filter(|&x| x > 0)
        .collect()
}
