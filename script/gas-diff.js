#!/usr/bin/env node
// Compares two sets of gas snapshots (directories of forge `snapshots/*.json`) and prints a Markdown table of every
// key present in both: before, after, and the difference. Used for BENCHMARKS.md's "what a change costs" tables:
//   node script/gas-diff.js <before-dir> <after-dir> [key-regex]
'use strict';
const fs = require('fs');
const path = require('path');

const [before, after, filter] = process.argv.slice(2);
if (!before || !after) {
  console.error('usage: node script/gas-diff.js <before-dir> <after-dir> [key-regex]');
  process.exit(2);
}
const load = (dir) => {
  const out = {};
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const json = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    for (const [k, v] of Object.entries(json)) out[`${path.basename(f, '.json')}.${k}`] = Number(v);
  }
  return out;
};
const a = load(before);
const b = load(after);
const re = filter ? new RegExp(filter) : null;
const fmt = (n) => n.toLocaleString('en-US');
const rows = ['| snapshot | before | after | change |', '| --- | ---: | ---: | ---: |'];
for (const k of Object.keys(a).sort()) {
  if (!(k in b) || (re && !re.test(k))) continue;
  const d = b[k] - a[k];
  const pct = a[k] ? ` (${d >= 0 ? '+' : ''}${((100 * d) / a[k]).toFixed(2)}%)` : '';
  rows.push(`| ${k} | ${fmt(a[k])} | ${fmt(b[k])} | ${d >= 0 ? '+' : ''}${fmt(d)}${pct} |`);
}
console.log(rows.join('\n'));
