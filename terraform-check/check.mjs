#!/usr/bin/env node
// Offline Terraform checker for Snooze. Usage:
//   node terraform-check/check.mjs [--policy FILE] [--env-source FILE] [--call-source FILE] [--no-policy] <dir>
// Prints one `file:line: message` per problem (file relative to the current directory) and
// exits 1 when there is any, 0 when clean, 2 on bad usage.
import path from 'node:path';
import { check } from './lib/checker.mjs';

const args = process.argv.slice(2);
const opts = {};
let dir;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--policy') opts.policy = args[++i];
  else if (a === '--env-source') opts.envSource = args[++i];
  else if (a === '--call-source') opts.callSource = args[++i];
  else if (a === '--no-policy') opts.policy = false;
  else if (a === '-h' || a === '--help') dir = undefined, i = args.length;
  else if (!dir && !a.startsWith('-')) dir = a;
  else { dir = undefined; break; }
}
if (!dir) {
  console.error('usage: node check.mjs [--policy FILE] [--env-source FILE] [--call-source FILE] [--no-policy] <dir>');
  process.exit(2);
}
const problems = await check(dir, opts);
for (const p of problems) console.log(`${path.join(dir, p.file)}:${p.line}: ${p.message}`);
process.exit(problems.length ? 1 : 0);
