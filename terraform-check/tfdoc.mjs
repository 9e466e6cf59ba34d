#!/usr/bin/env node
// Writes the variables and outputs tables (between <!-- BEGIN TFDOC --> and <!-- END TFDOC -->)
// into the README.md of <dir> and of every local module it calls. Usage:
//   node terraform-check/tfdoc.mjs [--check] <dir>
// --check writes nothing and exits 1 when a README's tables are not what they would be.
import fs from 'node:fs';
import path from 'node:path';
import { loadModule } from './lib/checker.mjs';
import { currentTfdoc, tfdocBlock, withTfdoc } from './lib/tfdoc.mjs';

const args = process.argv.slice(2);
const checkOnly = args[0] === '--check';
const dir = checkOnly ? args[1] : args[0];
if (!dir || dir.startsWith('-') || args.length > (checkOnly ? 2 : 1)) {
  console.error('usage: node tfdoc.mjs [--check] <dir>');
  process.exit(2);
}

let stale = 0;
const queue = [path.resolve(dir)];
const seen = new Set();
while (queue.length) {
  const d = queue.shift();
  if (seen.has(d)) continue;
  seen.add(d);
  const mod = await loadModule(d);
  if (mod.problems.length) {
    for (const p of mod.problems) console.error(`${path.relative('.', path.join(d, p.file))}:${p.line}: ${p.message}`);
    process.exit(1);
  }
  for (const { body } of mod.decl.module.values()) {
    if (typeof body.source === 'string' && /^\.\.?\//.test(body.source)) queue.push(path.resolve(d, body.source));
  }
  const file = path.join(d, 'README.md');
  const shown = path.relative('.', file);
  if (!fs.existsSync(file)) {
    console.error(`${shown}: missing; write what the module creates and a usage example, then run this again`);
    stale++;
    continue;
  }
  const readme = fs.readFileSync(file, 'utf8');
  const block = tfdocBlock(mod);
  if (currentTfdoc(readme) === block) continue;
  if (checkOnly) {
    console.log(`${shown}: variables and outputs tables out of date`);
    stale++;
  } else {
    fs.writeFileSync(file, withTfdoc(readme, block));
    console.log(`${shown}: tables written`);
  }
}
process.exit(stale ? 1 : 0);
