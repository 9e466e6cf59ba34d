// The terraform CLI, offline, on blocks taken out of the real modules: a root with no provider
// and no resource (or only terraform_data) plans and applies without init. The tests use it to
// evaluate what the checker only reads: validations, preconditions, locals, instance counts.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { interpolations } from './checker.mjs';
import { Source } from './source.mjs';

export const TF_ENV = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
export const TERRAFORM = spawnSync('terraform', ['version'], { env: TF_ENV }).status === 0;

/** The text of the top-level block `kind "label" ... {` in file (e.g. 'variable', 'budget'). */
export function blockText(file, kind, ...labels) {
  const src = new Source(fs.readFileSync(file, 'utf8'));
  const head = src.header(kind, ...labels);
  if (head < 0) throw new Error(`${file} has no ${kind} ${labels.join(' ')}`);
  return src.lines.slice(head, src.end(head)).join('\n');
}

/** The text of a nested block below a top-level one: path [[name, nth], ...] (e.g. [['lifecycle', 0]]). */
export function nestedText(file, head, steps) {
  const src = new Source(fs.readFileSync(file, 'utf8'));
  const start = src.header(...head);
  if (start < 0) throw new Error(`${file} has no ${head.join(' ')}`);
  const line = src.locate(start, steps);
  if (line === start) throw new Error(`${file}: ${head.join(' ')} has no ${steps.map((s) => s[0]).join('.')}`);
  return src.lines.slice(line, src.end(line)).join('\n');
}

/** Every variable block of a module directory (its .tf files), as text. */
export function variablesOf(dir) {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort().flatMap((f) => {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const src = new Source(text);
    const out = [];
    src.lines.forEach((l, i) => { if (/^variable\s+"/.test(l)) out.push(src.lines.slice(i, src.end(i)).join('\n')); });
    return out;
  }).join('\n\n');
}

/** The locals blocks of a module directory that name no resource, data source or module: what
 * can be evaluated from its variables alone. */
export function pureLocalsOf(dir) {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort().flatMap((f) => {
    const src = new Source(fs.readFileSync(path.join(dir, f), 'utf8'));
    const out = [];
    src.lines.forEach((l, i) => {
      if (!/^locals\s*\{/.test(l)) return;
      const text = src.lines.slice(i, src.end(i)).join('\n');
      const code = text.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/#.*$/gm, '');
      if (!/(?<![\w.])(google_[a-z0-9_]+\.|data\.|module\.)/.test(code)) out.push(text);
    });
    return out;
  }).join('\n\n');
}

function run(tf, vars, args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfeval-'));
  fs.writeFileSync(path.join(dir, 'main.tf'), tf);
  fs.writeFileSync(path.join(dir, 'case.tfvars.json'), JSON.stringify(vars));
  return new Promise((resolve) => {
    execFile('terraform', [...args, '-input=false', '-lock=false', '-var-file=case.tfvars.json'], { cwd: dir, env: TF_ENV, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ dir, err, stdout, stderr });
    });
  });
}

/** Plans tf with vars; resolves to the error messages (each diagnostic's first line). */
export async function planErrors(tf, vars) {
  const { dir, err, stdout } = await run(tf, vars, ['plan', '-json', '-refresh=false']);
  fs.rmSync(dir, { recursive: true, force: true });
  const diags = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((m) => m.type === 'diagnostic');
  const errors = diags.filter((m) => m.diagnostic.severity === 'error').map((m) => `${m.diagnostic.detail || m.diagnostic.summary}`.split('\n')[0]);
  if (err && !errors.length) throw new Error(`terraform plan failed without a diagnostic: ${err.message}`);
  return errors;
}

/** Applies tf plus one output per entry of exprs ({name: HCL expression}) with vars; resolves
 * to {name: value}. Throws with Terraform's message when it does not apply. */
export async function evaluate(tf, exprs, vars = {}) {
  const outputs = Object.entries(exprs).map(([name, expr]) => `output "${name}" {\n  value = ${expr}\n}\n`).join('\n');
  const { dir, err, stderr } = await run(`${tf}\n\n${outputs}`, vars, ['apply', '-auto-approve', '-no-color']);
  try {
    if (err) throw new Error(`terraform apply failed: ${stderr}`);
    const json = spawnSync('terraform', ['output', '-json'], { cwd: dir, env: TF_ENV, encoding: 'utf8' });
    if (json.status !== 0) throw new Error(`terraform output failed: ${json.stderr}`);
    return Object.fromEntries(Object.entries(JSON.parse(json.stdout)).map(([k, v]) => [k, v.value]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** An hcl2json value that is one expression ("${expr}") as HCL text; anything else as JSON (a literal). */
export function expression(v) {
  if (typeof v === 'string') {
    const parts = interpolations(v);
    if (parts.length === 1 && v === `\${${parts[0]}}`) return parts[0];
    if (parts.length) return `"${v.replace(/"/g, '\\"')}"`;
  }
  return JSON.stringify(v);
}
