import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';
import { loadSchema } from './schema.mjs';
import { Source } from './source.mjs';
import { policyProblems } from './policy.mjs';
import { conventionProblems, settingNameProblems } from './conventions.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_POLICY = path.join(HERE, '..', 'policy.json');
export const DEFAULT_ENV_SOURCE = path.join(HERE, '..', '..',
  'functions/src/main/java/dev/snooze/functions/config/SnoozeConfig.java');
export const DEFAULT_CALL_SOURCE = path.join(HERE, '..', '..',
  'functions/src/main/java/dev/snooze/functions/compute');

const RESOURCE_META = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'depends_on', 'providers']);

/** One parsed module directory: its files, their JSON and the names it declares. */
export async function loadModule(dir) {
  const files = [];
  const problems = [];
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort() : [];
  for (const name of names) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    try {
      files.push({ name, json: await parse(name, text), src: new Source(text) });
    } catch (e) {
      const msg = String(e && e.message ? e.message : e);
      const m = msg.match(/\[?([^\s:[]+\.tf):(\d+),\d+(?:-\d+(?:,\d+)?)?: (.*?)\]?$/s);
      problems.push(m
        ? { file: name, line: Number(m[2]), message: `parse error: ${m[3].trim()}` }
        : { file: name, line: 1, message: `parse error: ${msg.replace(/^parse config: /, '')}` });
    }
  }
  const decl = { variable: new Map(), local: new Map(), module: new Map(), resource: new Map(), data: new Map(), output: new Map(), terraform: [] };
  for (const f of files) {
    const j = f.json;
    for (const [n, v] of Object.entries(j.variable || {})) decl.variable.set(n, { file: f, body: v[0] });
    for (const l of j.locals || []) for (const [n, v] of Object.entries(l)) decl.local.set(n, { file: f, value: v });
    for (const [n, v] of Object.entries(j.module || {})) decl.module.set(n, { file: f, body: v[0] });
    for (const [n, v] of Object.entries(j.output || {})) decl.output.set(n, { file: f, body: v[0] });
    for (const t of j.terraform || []) decl.terraform.push({ file: f, body: t });
    for (const kind of ['resource', 'data']) {
      for (const [type, byName] of Object.entries(j[kind] || {})) {
        for (const [n, v] of Object.entries(byName)) decl[kind].set(`${type}.${n}`, { file: f, type, name: n, body: v[0] });
      }
    }
  }
  return { dir, files, problems, decl };
}

/** Check `dir` and every local module it calls. Problems: {file (relative to dir), line, message}. */
export async function check(dir, opts = {}) {
  const root = path.resolve(dir);
  const policy = JSON.parse(fs.readFileSync(opts.policy || DEFAULT_POLICY, 'utf8'));
  const env = readEnvSource(opts.envSource ?? (fs.existsSync(DEFAULT_ENV_SOURCE) ? DEFAULT_ENV_SOURCE : null));
  const calls = readCallSource(opts.callSource ?? (fs.existsSync(DEFAULT_CALL_SOURCE) ? DEFAULT_CALL_SOURCE : null), policy);
  const modules = new Map();
  const get = async (d) => {
    if (!modules.has(d)) modules.set(d, await loadModule(d));
    return modules.get(d);
  };
  const problems = [];
  const queue = [root];
  const seen = new Set();
  while (queue.length) {
    const d = queue.shift();
    if (seen.has(d)) continue;
    seen.add(d);
    const mod = await get(d);
    const rel = (file) => path.relative(root, path.join(d, file)) || file;
    const add = (p) => problems.push({ ...p, file: rel(p.file) });
    mod.problems.forEach(add);
    schemaProblems(mod).forEach(add);
    for (const p of await referenceProblems(mod, get)) add(p);
    if (opts.policy !== false) policyProblems(mod, policy, env, calls).forEach(add);
    for (const { body } of localCalls(mod)) queue.push(path.resolve(d, body.source));
  }
  // Rule 5: conventions, per module and across the tree (every module read, root first).
  if (opts.policy !== false && policy.conventions) {
    const tree = [...seen].map((d) => modules.get(d)).filter((m) => m.files.length);
    const rootMod = modules.get(root);
    for (const mod of tree) {
      // A module tree is the root that calls local modules and those modules; a lone
      // directory of .tf files (a fixture, a scratch check) is held to the naming and docs rules.
      const layout = mod !== rootMod || localCalls(rootMod).length > 0;
      const rel = (file) => path.relative(root, path.join(mod.dir, file)) || file;
      for (const p of conventionProblems(mod, policy.conventions, { layout, root: rootMod })) problems.push({ ...p, file: rel(p.file) });
    }
    for (const p of settingNameProblems(tree, policy, root)) problems.push(p);
  }
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.message.localeCompare(b.message));
  return problems;
}

/** A module's calls of local modules (`source = "./..."` or `"../..."`). */
export function localCalls(mod) {
  return [...mod.decl.module.values()].filter(({ body }) => typeof body.source === 'string' && /^\.\.?\//.test(body.source));
}

/** Names of SNOOZE_ variables the functions read: a .java file (regex "SNOOZE_X"), or a list file. */
export function readEnvSource(file) {
  if (!file) return null;
  const text = fs.readFileSync(file, 'utf8');
  return [...new Set([...text.matchAll(/"?(SNOOZE_[A-Z0-9_]+)"?/g)].map((m) => m[1]))].sort();
}

/** Compute methods the functions call, from a .java file, a directory (its .java files, recursively)
 * or a list file (one method a line). In Java: `client.m(` / `client.mAsync(` (policy.json
 * computeCalls.pattern: the MIG clients, named `client`), and `x.m(` on a variable declared with a
 * type of computeCalls.clients (`InstancesClient instances`), named `<prefix>.m` ("instances.m"),
 * so that a method of one client is never taken for the same-named method of another.
 * Returns {file (what was read), methods (sorted), where (method -> the file that calls it)}. */
export function readCallSource(file, policy) {
  if (!file || !policy.computeCalls) return null;
  if (!fs.statSync(file).isDirectory() && !file.endsWith('.java')) {
    const methods = fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean).sort();
    return { file: path.basename(file), methods, where: new Map() };
  }
  const files = fs.statSync(file).isDirectory() ? javaFiles(file) : [file];
  const where = new Map();
  for (const f of files) {
    for (const m of javaCalls(fs.readFileSync(f, 'utf8'), policy.computeCalls)) if (!where.has(m)) where.set(m, path.basename(f));
  }
  return { file: path.basename(file), methods: [...where.keys()].sort(), where };
}

function javaFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? javaFiles(p) : e.name.endsWith('.java') ? [p] : [];
  });
}

/** The calls in one Java source, as computeCalls names them. */
export function javaCalls(text, cc) {
  const clients = cc.clients || {};
  const types = Object.keys(clients);
  // Each variable declared with a client type, with where: a call takes its receiver's nearest
  // declaration before it (the records' components come before their methods).
  const decls = [];
  if (types.length) {
    const re = new RegExp(`\\b(${types.join('|')})\\s+(\\w+)\\s*[,;=)]`, 'g');
    for (const m of text.matchAll(re)) decls.push({ at: m.index, type: m[1], name: m[2] });
  }
  const typeOf = (name, at) => {
    const before = decls.filter((d) => d.name === name && d.at < at);
    return before.length ? before[before.length - 1].type : decls.find((d) => d.name === name)?.type;
  };
  const legacy = new RegExp(cc.pattern, 'y');
  const out = new Set();
  for (const m of text.matchAll(/\b(\w+)\.(\w+?)(?:Async)?\(/g)) {
    const type = typeOf(m[1], m.index);
    if (type !== undefined) {
      out.add(clients[type] ? `${clients[type]}.${m[2]}` : m[2]);
      continue;
    }
    legacy.lastIndex = m.index;
    const l = legacy.exec(text);
    if (l) out.add(l[1]);
  }
  return out;
}

// ---------------------------------------------------------------- rule 2: provider schema

function schemaProblems(mod) {
  const out = [];
  for (const kind of ['resource', 'data']) {
    for (const r of mod.decl[kind].values()) {
      const { file, type, name, body } = r;
      const head = file.src.header(kind, type, name);
      const line = (steps) => file.src.locate(head, steps) + 1;
      if (!type.startsWith('google_')) continue;
      const schema = loadSchema(kind, type);
      if (!schema) {
        const beta = typeof body.provider === 'string' && body.provider.includes('google-beta');
        if (!beta) out.push({ file: file.name, line: head + 1, message: `unknown ${kind} type "${type}" (not in the google provider schema)` });
        continue;
      }
      checkBody(body, schema, [], RESOURCE_META, `${kind === 'data' ? 'data.' : ''}${type}.${name}`, line, out, file.name);
    }
  }
  return out;
}

function checkBody(body, schema, steps, meta, where, line, out, file) {
  const present = new Set();
  for (const [key, value] of Object.entries(body)) {
    if (meta && meta.has(key)) continue;
    if (key === 'dynamic') {
      for (const [bname, dyns] of Object.entries(value)) {
        const arg = schema.args.get(bname);
        dyns.forEach((d, i) => {
          const st = [...steps, [bname, i]];
          if (!arg || !arg.block) {
            out.push({ file, line: line(st), message: `${where}: unknown nested block "${bname}" in dynamic block${suggest(bname, schema)}` });
            return;
          }
          present.add(bname);
          for (const c of d.content || []) checkBody(c, arg.block, st, null, `${where}.${bname}`, line, out, file);
        });
      }
      continue;
    }
    const arg = schema.args.get(key);
    const isBlock = Array.isArray(value) && value.length > 0 && value.every((v) => v && typeof v === 'object' && !Array.isArray(v));
    if (!arg) {
      const what = isBlock ? 'nested block' : 'argument';
      out.push({ file, line: line([...steps, [key, 0]]), message: `${where}: unknown ${what} "${key}"${suggest(key, schema)}` });
      continue;
    }
    present.add(key);
    if (arg.block) {
      const items = Array.isArray(value) ? value : [value];
      items.forEach((v, i) => {
        if (v && typeof v === 'object' && !Array.isArray(v)) checkBody(v, arg.block, [...steps, [key, i]], null, `${where}.${key}`, line, out, file);
      });
    }
  }
  for (const [key, arg] of schema.args) {
    if (arg.required && !present.has(key)) {
      out.push({ file, line: line(steps), message: `${where}: missing required ${arg.block ? 'block' : 'argument'} "${key}"` });
    }
  }
}

function suggest(key, schema) {
  let best = null;
  let bestD = 3;
  for (const k of schema.args.keys()) {
    const d = lev(key, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best ? ` (did you mean "${best}"?)` : '';
}

function lev(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

// ---------------------------------------------------------------- rule 3: references

/** Text of every ${...} interpolation in a string (escaped $${ skipped). */
export function interpolations(s) {
  const out = [];
  for (let i = 0; i < s.length - 1; i++) {
    if (s[i] === '$' && s[i + 1] === '$') { i++; continue; }
    if ((s[i] === '$' || s[i] === '%') && s[i + 1] === '{') {
      let depth = 0;
      let j = i + 1;
      for (; j < s.length; j++) {
        if (s[j] === '{') depth++;
        else if (s[j] === '}' && --depth === 0) break;
      }
      out.push(s.slice(i + 2, j));
      i = j;
    }
  }
  return out;
}

const REF = /(?<![\w.])(?:(var|local|module)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?|data\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)|(google_[a-z0-9_]+)\.([A-Za-z_][\w-]*))/g;

/** References in a JSON value (strings and object keys). */
export function refsIn(value, acc = []) {
  if (typeof value === 'string') {
    for (const expr of interpolations(value)) {
      const code = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
      for (const m of code.matchAll(REF)) acc.push(m);
    }
  } else if (Array.isArray(value)) value.forEach((v) => refsIn(v, acc));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) { refsIn(k, acc); refsIn(v, acc); }
  }
  return acc;
}

async function referenceProblems(mod, get) {
  const out = [];
  const { decl } = mod;
  const blocks = [];
  for (const f of mod.files) {
    const j = f.json;
    for (const kind of ['resource', 'data']) {
      for (const [type, byName] of Object.entries(j[kind] || {})) {
        for (const [n, v] of Object.entries(byName)) blocks.push({ f, head: f.src.header(kind, type, n), body: v });
      }
    }
    for (const k of ['module', 'output', 'variable', 'provider']) {
      for (const [n, v] of Object.entries(j[k] || {})) blocks.push({ f, head: f.src.header(k, n), body: v });
    }
    (j.locals || []).forEach((l, i) => blocks.push({ f, head: f.src.find(/^\s*locals\s*\{/, 0, undefined, i), body: l }));
  }
  for (const { f, head, body } of blocks) {
    const from = Math.max(head, 0);
    const to = head >= 0 ? f.src.end(head) : undefined;
    const seenTok = new Map();
    const where = (tok) => {
      const n = seenTok.get(tok) || 0;
      seenTok.set(tok, n + 1);
      let i = f.src.token(tok, from, to, n);
      if (i < 0) i = f.src.token(tok, from, to);
      return (i >= 0 ? i : from) + 1;
    };
    for (const m of refsIn(body)) {
      const [, kind, name, attr, dtype, dname, rtype, rname] = m;
      if (kind === 'var' && !decl.variable.has(name)) {
        out.push({ file: f.name, line: where(`var.${name}`), message: `reference to undeclared variable "var.${name}"` });
      } else if (kind === 'local' && !decl.local.has(name)) {
        out.push({ file: f.name, line: where(`local.${name}`), message: `reference to undeclared local "local.${name}"` });
      } else if (kind === 'module') {
        const tok = `module.${name}`;
        const mb = decl.module.get(name);
        if (!mb) {
          out.push({ file: f.name, line: where(tok), message: `reference to undeclared module "${tok}"` });
        } else if (attr && typeof mb.body.source === 'string' && /^\.\.?\//.test(mb.body.source)) {
          const child = await get(path.resolve(mod.dir, mb.body.source));
          if (child.files.length && !child.decl.output.has(attr)) {
            out.push({ file: f.name, line: where(`${tok}.${attr}`), message: `module "${name}" (${mb.body.source}) has no output "${attr}"` });
          }
        }
      } else if (dtype && !decl.data.has(`${dtype}.${dname}`)) {
        out.push({ file: f.name, line: where(`data.${dtype}.${dname}`), message: `reference to undeclared data source "data.${dtype}.${dname}"` });
      } else if (rtype && !decl.resource.has(`${rtype}.${rname}`)) {
        out.push({ file: f.name, line: where(`${rtype}.${rname}`), message: `reference to undeclared resource "${rtype}.${rname}"` });
      }
    }
  }
  // Module calls: arguments are declared variables of a local module, required variables are set.
  for (const [name, { file, body }] of decl.module) {
    const head = file.src.header('module', name);
    if (typeof body.source !== 'string' || !/^\.\.?\//.test(body.source)) continue;
    const child = await get(path.resolve(mod.dir, body.source));
    if (!child.files.length) {
      out.push({ file: file.name, line: head + 1, message: `module "${name}": source ${body.source} has no .tf files` });
      continue;
    }
    for (const k of Object.keys(body)) {
      if (!MODULE_META.has(k) && !child.decl.variable.has(k)) {
        out.push({ file: file.name, line: file.src.locate(head, [[k, 0]]) + 1, message: `module "${name}": ${body.source} declares no variable "${k}"` });
      }
    }
    for (const [v, { body: vb }] of child.decl.variable) {
      if (!('default' in vb) && !(v in body)) {
        out.push({ file: file.name, line: head + 1, message: `module "${name}": missing required variable "${v}"` });
      }
    }
  }
  return out;
}
