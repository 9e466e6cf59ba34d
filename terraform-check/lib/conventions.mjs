// Rule 5: module conventions (policy.json "conventions"), Fabric's and Snooze's:
//  - every variable has a type and a description, every output a description;
//  - a duration is a number of seconds named *<durationSuffix> (one unit, read without decoding);
//  - one setting has one name: a module argument set straight from var.X / local.X is named X
//    (or X without a qualifying prefix: image = var.frontend_image), and every module that
//    sets one <prefix> environment variable from a variable names that variable alike;
//  - in a module tree, every module has the moduleFiles (versions.tf, README.md); versions.tf
//    repeats the root's required_version and provider constraints and requires every provider
//    the module uses; README.md's variables and outputs tables are the ones tfdoc.mjs writes.
import fs from 'node:fs';
import path from 'node:path';
import { BEGIN, currentTfdoc, tfdocBlock } from './tfdoc.mjs';

const UNIT = /_(ms|msec|millis|milliseconds|s|sec|secs|second|seconds|min|mins|minute|minutes|hr|hrs|hour|hours|day|days)$/;
const DURATION = /(^|_)(timeout|delay|interval|ttl|duration|period|deadline)(_|$)/;
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'depends_on', 'providers']);

export function conventionProblems(mod, conv, { layout, root }) {
  const out = [];
  const header = (file, kind, name) => file.src.header(kind, name) + 1;

  // Documentation: every variable typed and described, every output described.
  for (const [name, { file, body }] of mod.decl.variable) {
    if (body.type === undefined) out.push({ file: file.name, line: header(file, 'variable', name), message: `variable "${name}" has no type` });
    if (!nonEmpty(body.description)) out.push({ file: file.name, line: header(file, 'variable', name), message: `variable "${name}" has no description` });
  }
  for (const [name, { file, body }] of mod.decl.output) {
    if (!nonEmpty(body.description)) out.push({ file: file.name, line: header(file, 'output', name), message: `output "${name}" has no description` });
  }

  // Durations: one unit suffix, a number.
  const suffix = conv.durationSuffix;
  if (suffix) {
    const named = [
      ...[...mod.decl.variable].map(([name, d]) => ['variable', name, d]),
      ...[...mod.decl.output].map(([name, d]) => ['output', name, d]),
    ];
    for (const [kind, name, { file, body }] of named) {
      if (kind === 'variable' && renameGuard(name, body)) continue;
      const line = header(file, kind, name);
      if (name.endsWith(suffix)) {
        if (kind === 'variable' && body.type !== undefined && body.type !== '${number}') {
          out.push({ file: file.name, line, message: `variable "${name}": a duration in ${suffix.replace(/^_/, '')} has type number (nothing to decode)` });
        }
      } else if (UNIT.test(name)) {
        out.push({ file: file.name, line, message: `${kind} "${name}": one unit for every duration: name it "${name.replace(UNIT, suffix)}"` });
      } else if (DURATION.test(name)) {
        out.push({ file: file.name, line, message: `${kind} "${name}": a duration says its unit: name it "${name}${suffix}" (a number)` });
      }
    }
  }

  // One setting, one name, from the caller into the module.
  if (conv.settingNames) {
    for (const [call, { file, body }] of mod.decl.module) {
      if (typeof body.source !== 'string' || !/^\.\.?\//.test(body.source)) continue;
      const head = file.src.header('module', call);
      for (const [arg, value] of Object.entries(body)) {
        if (MODULE_META.has(arg) || typeof value !== 'string') continue;
        const m = value.match(/^\$\{\s*(var|local)\.([\w-]+)\s*\}$/);
        if (!m || m[2] === arg || m[2].endsWith(`_${arg}`)) continue;
        out.push({
          file: file.name,
          line: file.src.locate(head, [[arg, 0]]) + 1,
          message: `module "${call}": ${arg} = ${m[1]}.${m[2]} gives one setting two names; use one (the module's may only drop a qualifying prefix, as image = var.frontend_image)`,
        });
      }
    }
  }

  if (!layout) return out;

  // Module files.
  for (const f of conv.moduleFiles || []) {
    if (!fs.existsSync(path.join(mod.dir, f))) out.push({ file: f, line: 1, message: `module has no ${f}` });
  }

  // versions.tf: the root's constraints, every provider used.
  const versions = mod.files.find((f) => f.name === 'versions.tf');
  if (versions && (conv.moduleFiles || []).includes('versions.tf')) {
    const tf = terraformBlock(mod, versions);
    const rootTf = root ? terraformBlock(root) : null;
    const at = (re) => { const i = versions.src.find(re); return i >= 0 ? i + 1 : 1; };
    if (!tf || tf.required_version === undefined) {
      out.push({ file: versions.name, line: 1, message: 'versions.tf sets no terraform { required_version }' });
    } else if (rootTf && rootTf.required_version !== undefined && tf.required_version !== rootTf.required_version) {
      out.push({ file: versions.name, line: at(/^\s*required_version\s*=/), message: `required_version "${tf.required_version}" differs from the root's "${rootTf.required_version}"` });
    }
    const own = providers(tf);
    const rootProviders = providers(rootTf);
    for (const [name, req] of own) {
      const want = rootProviders.get(name);
      const line = at(new RegExp(`^\\s*"?${name}"?\\s*=`));
      if (rootTf && !want) out.push({ file: versions.name, line, message: `provider "${name}" is not required by the root` });
      else if (want && (req.source !== want.source || req.version !== want.version)) {
        out.push({ file: versions.name, line, message: `provider "${name}" is ${req.source} ${req.version}; the root's is ${want.source} ${want.version}` });
      }
    }
    for (const kind of ['resource', 'data']) {
      for (const r of mod.decl[kind].values()) {
        const p = providerOf(r.type, r.body);
        if (p && !own.has(p)) {
          out.push({ file: r.file.name, line: r.file.src.header(kind, r.type, r.name) + 1, message: `${kind === 'data' ? 'data.' : ''}${r.type}.${r.name} uses provider "${p}", which versions.tf does not require` });
        }
      }
    }
  }

  // README.md tables.
  const readme = path.join(mod.dir, 'README.md');
  if (conv.readmeTables && fs.existsSync(readme)) {
    const text = fs.readFileSync(readme, 'utf8');
    const current = currentTfdoc(text);
    if (current !== tfdocBlock(mod)) {
      const line = current ? text.slice(0, text.indexOf(BEGIN)).split('\n').length : 1;
      out.push({ file: 'README.md', line, message: `variables and outputs tables ${current ? 'are out of date' : 'are missing'}: run node terraform-check/tfdoc.mjs on the root` });
    }
  }
  return out;
}

/** Across the tree: every module that sets one environment variable from a variable names it alike. */
export function settingNameProblems(tree, policy, root) {
  if (!policy.conventions || !policy.conventions.settingNames) return [];
  const prefix = (policy.functionEnv && policy.functionEnv.prefix) || 'SNOOZE_';
  const keyRe = new RegExp(`^${prefix}[A-Z0-9_]+$`);
  const byKey = new Map();
  for (const mod of tree) {
    for (const f of mod.files) {
      walk(f.json, (key, value) => {
        if (!keyRe.test(key) || typeof value !== 'string') return;
        const m = value.match(/^\$\{\s*(?:tostring\(\s*)?var\.([\w-]+)\s*\)?\s*\}$/);
        if (!m) return;
        const file = path.relative(root, path.join(mod.dir, f.name)) || f.name;
        const i = f.src.find(new RegExp(`^\\s*"?${key}"?\\s*=.*\\bvar\\.${m[1]}\\b`));
        if (!byKey.has(key)) byKey.set(key, []);
        byKey.get(key).push({ variable: m[1], file, line: i >= 0 ? i + 1 : 1 });
      });
    }
  }
  const out = [];
  for (const [key, uses] of byKey) {
    const names = new Set(uses.map((u) => u.variable));
    if (names.size < 2) continue;
    for (const u of uses) {
      const others = uses.filter((o) => o.variable !== u.variable).map((o) => `var.${o.variable} in ${o.file}`);
      out.push({ file: u.file, line: u.line, message: `${key} is set from var.${u.variable} here but from ${[...new Set(others)].join(', ')}: one setting, one name` });
    }
  }
  return out;
}

/** A variable kept only to refuse a value under a renamed setting's old name. */
function renameGuard(name, body) {
  if (!('default' in body) || body.default !== null) return false;
  const conds = [].concat(body.validation || []).map((v) => String(v.condition || '').replace(/\s+/g, ''));
  return conds.includes(`\${var.${name}==null}`);
}

function terraformBlock(mod, file) {
  const t = mod.decl.terraform.find((x) => !file || x.file === file);
  return t ? t.body : null;
}

function providers(tf) {
  const out = new Map();
  for (const rp of [].concat((tf && tf.required_providers) || [])) {
    for (const [name, req] of Object.entries(rp || {})) out.set(name, typeof req === 'object' && req ? req : { version: req });
  }
  return out;
}

/** google_x -> google; provider = google-beta -> google-beta; terraform_data -> none. */
function providerOf(type, body) {
  const explicit = typeof body.provider === 'string' ? body.provider.replace(/^\$\{|\}$/g, '').split('.')[0] : null;
  if (explicit) return explicit;
  const p = type.split('_')[0];
  return p === 'terraform' ? null : p;
}

function nonEmpty(s) {
  return typeof s === 'string' && s.trim().length > 0;
}

function walk(v, fn) {
  if (Array.isArray(v)) v.forEach((x) => walk(x, fn));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      fn(k, x);
      walk(x, fn);
    }
  }
}
