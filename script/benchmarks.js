#!/usr/bin/env node
// Renders the gas tables of BENCHMARKS.md from the checked-in snapshots (snapshots/*.json, written by the forge gas
// tests). Replaces the text between `<!-- gas:NAME -->` and `<!-- /gas:NAME -->` markers; everything else in
// BENCHMARKS.md is left as written. Run: node script/benchmarks.js  (after `FORGE_SNAPSHOT_CHECK=false forge test`).
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const snap = (name) => {
  const p = path.join(root, 'snapshots', `${name}.json`);
  return fs.existsSync(p) ? JSON.parse(fs.readFileSync(p, 'utf8')) : null;
};
const fmt = (n) => Number(n).toLocaleString('en-US');
const NS = [1, 10, 25, 50, 100];

function vaultTable() {
  const v = snap('BallastVault');
  if (!v) return '_snapshots/BallastVault.json missing_';
  const ops = ['deposit', 'mint', 'withdraw', 'redeem', 'redeemInKind'];
  const rows = ['| N components | ' + ops.join(' | ') + ' |', '| ---: |' + ops.map(() => ' ---: |').join('')];
  for (const n of NS) rows.push(`| ${n} | ` + ops.map((o) => fmt(v[`${o}_N${n}`])).join(' | ') + ' |');
  const per = (v.deposit_N100 - v.deposit_N1) / 99;
  rows.push('', `Marginal deposit gas per component (N=1 → 100): **${fmt(Math.round(per))}**.`);
  return rows.join('\n');
}

function diyTable() {
  const v = snap('BallastVault');
  const d = snap('DiyBaseline');
  if (!v || !d) return '_snapshots/DiyBaseline.json missing_';
  const key = (n, k) => d[`${k}_N${n}`];
  const rows = [
    '| N | vault deposit (one tx) | DIY: approve + N swaps, execution only | DIY: whole transactions | DIY per swap transaction | deposit / DIY |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const n of NS) {
    const dep = Number(v[`deposit_N${n}`]);
    const exec = Number(key(n, 'total_exec'));
    const withBase = Number(key(n, 'total_with_base'));
    const perSwap = Number(key(n, 'per_swap'));
    const ratio = withBase ? (dep / withBase) * 100 : NaN;
    rows.push(`| ${n} | ${fmt(dep)} | ${fmt(exec)} | ${fmt(withBase)} | ${fmt(perSwap)} | ${ratio.toFixed(1)}% |`);
  }
  return rows.join('\n');
}

function rebalanceTable() {
  const r = snap('Rebalance');
  if (!r) return '_snapshots/Rebalance.json missing_';
  const ns = [10, 25, 50, 100];
  const rows = [
    '| N | open epoch | close epoch | first investment (all txs) | trades | weekly rebalance (all txs) | trades | turnover | risk-off (all txs) | back to risk-on (all txs) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const n of ns) {
    const k = (name) => r[`${name}_N${n}`];
    rows.push(
      `| ${n} | ${fmt(k('openEpoch'))} | ${fmt(k('closeEpoch'))} | ${fmt(k('firstInvestment_total'))} | ${k('firstInvestment_trades')} | ` +
        `${fmt(k('weeklyRebalance_total'))} | ${k('weeklyRebalance_trades')} | ${(k('weeklyRebalance_turnoverBps') / 100).toFixed(1)}% | ` +
        `${fmt(k('riskOff_total'))} | ${fmt(k('riskOn_total'))} |`,
    );
  }
  rows.push('', `One trade (a buy through the rebalancer, the vault, the adapter and the real router and pool), as its own transaction: **${fmt(r.oneTrade_buy)}** gas.`);
  return rows.join('\n');
}

function perHolderTable() {
  const r = snap('Rebalance');
  const d = snap('DiyBaseline');
  if (!r || !d) return '_snapshots missing_';
  const rows = [
    '| N | holders | vault gas per holder per year | DIY gas per holder per year | vault / DIY |',
    '| ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const n of [10, 25, 50, 100]) {
    const vaultYear = 52 * Number(r[`weeklyRebalance_total_N${n}`]);
    const swap = Number(d.per_swap_N100 || d[`per_swap_N${n}`]);
    const diyYear = 52 * Number(r[`weeklyRebalance_trades_N${n}`]) * swap;
    for (const h of [100, 1000, 10000]) {
      const per = vaultYear / h;
      rows.push(`| ${n} | ${fmt(h)} | ${fmt(Math.round(per))} | ${fmt(diyYear)} | ${((per / diyYear) * 100).toFixed(3)}% |`);
    }
  }
  return rows.join('\n');
}

const sections = { vault: vaultTable, diy: diyTable, rebalance: rebalanceTable, perholder: perHolderTable };
const file = path.join(root, 'BENCHMARKS.md');
let text = fs.readFileSync(file, 'utf8');
for (const [name, render] of Object.entries(sections)) {
  const re = new RegExp(`(<!-- gas:${name} -->)[\\s\\S]*?(<!-- /gas:${name} -->)`);
  if (re.test(text)) text = text.replace(re, `$1\n${render()}\n$2`);
}
fs.writeFileSync(file, text);
console.log('BENCHMARKS.md gas tables rendered from snapshots/');
