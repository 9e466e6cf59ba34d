// Rule 4: Snooze policy. Every rule applies to whatever matching resources the module has (none
// matching: nothing to say), so the same checker runs on fixtures and on the real terraform/.
import fs from 'node:fs';
import path from 'node:path';
import { interpolations } from './checker.mjs';
import { esc } from './source.mjs';

const TEMPLATE_TYPES = ['google_compute_instance_template', 'google_compute_region_instance_template', 'google_compute_instance'];
const GPU_MACHINE = /^(a2|a3|a4|g2|g4)-/;
const BACKEND_TYPES = ['google_compute_backend_service', 'google_compute_region_backend_service'];
const ROLE_TYPES = ['google_project_iam_custom_role', 'google_organization_iam_custom_role'];
const MIG_TYPES = ['google_compute_region_instance_group_manager', 'google_compute_instance_group_manager'];
const INTERNAL_SCHEMES = ['INTERNAL_MANAGED', 'INTERNAL_SELF_MANAGED', 'INTERNAL'];
const TERMINATION_ACTIONS = ['STOP', 'DELETE'];

export function policyProblems(mod, policy, knownEnv, calls) {
  const out = [];
  const res = [...mod.decl.resource.values()];
  const at = (r, steps = []) => r.file.src.locate(r.file.src.header('resource', r.type, r.name), steps) + 1;
  const id = (r) => `${r.type}.${r.name}`;
  const value = (v) => resolve(mod, v);

  // GPU instance templates: no external IP; every scheduling block (a dynamic one's content
  // too) terminates on host maintenance, and a Spot one is a whole Spot configuration.
  const isGpu = (r) => has(r.body, 'guest_accelerator') || (typeof value(r.body.machine_type) === 'string' && GPU_MACHINE.test(value(r.body.machine_type)));
  const gpuTemplates = res.filter((x) => TEMPLATE_TYPES.includes(x.type) && isGpu(x));
  for (const r of gpuTemplates) {
    const b = r.body;
    blocks(b, 'network_interface').forEach((ni, i) => {
      if (has(ni, 'access_config')) {
        out.push({ file: r.file.name, line: at(r, [['network_interface', i], ['access_config', 0]]), message: `${id(r)}: GPU instance template has an access_config (external IP); remove it` });
      }
    });
    const sched = blocks(b, 'scheduling');
    if (!sched.length) {
      out.push({ file: r.file.name, line: at(r), message: `${id(r)}: GPU instance template has no scheduling block: GPU VMs cannot live-migrate, set scheduling { on_host_maintenance = "TERMINATE" }` });
    }
    sched.forEach((sc, i) => {
      const where = (arg) => at(r, [['scheduling', i], ...(arg ? [[arg, 0]] : [])]);
      const say = (arg, msg) => out.push({ file: r.file.name, line: where(arg), message: `${id(r)}: scheduling ${msg}` });
      if (value(sc.on_host_maintenance) !== 'TERMINATE') {
        say(sc.on_host_maintenance === undefined ? null : 'on_host_maintenance', 'must set on_host_maintenance = "TERMINATE" (GPU VMs cannot live-migrate)');
      }
      const model = sc.provisioning_model === undefined ? 'STANDARD' : value(sc.provisioning_model);
      if (model === 'STANDARD') {
        if (value(sc.preemptible) === true) say('preemptible', 'has preemptible = true without provisioning_model = "SPOT": use Spot VMs (no 24-hour limit, a termination action)');
      } else if (model === 'SPOT') {
        if (value(sc.preemptible) !== true) say(sc.preemptible === undefined ? 'provisioning_model' : 'preemptible', 'with provisioning_model = "SPOT" must set preemptible = true');
        if (value(sc.automatic_restart) !== false) say(sc.automatic_restart === undefined ? 'provisioning_model' : 'automatic_restart', 'with provisioning_model = "SPOT" must set automatic_restart = false');
        const action = value(sc.instance_termination_action);
        if (action === undefined || action === null) {
          say('provisioning_model', 'with provisioning_model = "SPOT" must set instance_termination_action (STOP or DELETE: what preemption does)');
        } else if (typeof action !== 'string' || (!action.includes('${') && !TERMINATION_ACTIONS.includes(action))) {
          say('instance_termination_action', `instance_termination_action must be STOP or DELETE, not ${JSON.stringify(action)}`);
        }
      } else {
        say('provisioning_model', 'provisioning_model must be the literal "SPOT" or "STANDARD" to be checked: write one scheduling block per model (dynamic ones, chosen by for_each)');
      }
    });
  }

  // GPU templates' boot: the startup script reports every boot stage, in order, as a guest
  // attribute (which the template enables), best effort; the container's environment sets what
  // policy.json gpuContainerEnv asks for (OLLAMA_KEEP_ALIVE).
  for (const r of gpuTemplates) {
    // A template that runs nothing (no metadata: a fixture, a scratch test) has no boot to check.
    if ((!policy.bootStages && !policy.gpuContainerEnv) || r.body.metadata === undefined) continue;
    const md = value(r.body.metadata);
    const mdLine = at(r, [['metadata', 0]]);
    if (!md || typeof md !== 'object' || Array.isArray(md)) {
      out.push({ file: r.file.name, line: mdLine, message: `${id(r)}: metadata must be a literal map (or a local holding one) for its startup script and guest attributes to be checked` });
      continue;
    }
    if (policy.bootStages) {
      const enabled = value(md['enable-guest-attributes']);
      if (typeof enabled !== 'string' || enabled.toUpperCase() !== 'TRUE') {
        const line = md['enable-guest-attributes'] === undefined ? mdLine : at(r, [['metadata', 0], ['enable-guest-attributes', 0]]);
        out.push({ file: r.file.name, line, message: `${id(r)}: GPU instance template must set metadata enable-guest-attributes = "TRUE": its startup script reports the boot stages as guest attributes (${policy.bootStages.namespace}/<stage>), which Status reads` });
      }
      const script = startupScript(mod, value(md['startup-script']));
      if (!script) {
        out.push({ file: r.file.name, line: mdLine, message: `${id(r)}: GPU instance template has no startup-script that terraform-check can read (a literal, or templatefile/file of a file in the module) to check its boot stages` });
      } else {
        for (const p of stageProblems(script.text, policy.bootStages)) {
          out.push({ file: script.file ?? r.file.name, line: script.file ? p.line : mdLine, message: `${id(r)}: startup script ${p.message}` });
        }
      }
    }
    if (policy.gpuContainerEnv) {
      const text = expandLocals(mod, md['startup-script']);
      for (const [key, why] of Object.entries(policy.gpuContainerEnv)) {
        if (!new RegExp(`(?<![\\w])"?${esc(key)}"?\\s*[=:]`).test(text)) {
          const line = md['startup-script'] === undefined ? mdLine : at(r, [['metadata', 0], ['startup-script', 0]]);
          out.push({ file: r.file.name, line, message: `${id(r)}: the container's environment does not set ${key}: ${why}` });
        }
      }
    }
  }

  // GPU MIGs (those whose version uses a GPU template): each, every instance of a for_each or
  // count included, is a backend of an internal backend service, or the frontend cannot reach it.
  const templateRef = (t) => new RegExp(`(?<![\\w.])${t.type}\\.${t.name}(?![\\w-])`);
  const internal = res.filter((x) => BACKEND_TYPES.includes(x.type) && INTERNAL_SCHEMES.includes(value(x.body.load_balancing_scheme) ?? (x.type === 'google_compute_backend_service' ? 'EXTERNAL' : 'INTERNAL')));
  for (const r of res.filter((x) => MIG_TYPES.includes(x.type))) {
    const versions = blocks(r.body, 'version').map((v) => String(v.instance_template ?? ''));
    if (!gpuTemplates.some((t) => versions.some((v) => templateRef(t).test(v)))) continue;
    const self = `${r.type}.${r.name}`;
    const many = r.body.for_each !== undefined || r.body.count !== undefined;
    const ref = (key) => new RegExp(`(?<![\\w.])${r.type}\\.${r.name}${key ? `\\[\\s*${key}\\.key\\s*\\]` : '(?![\\w\\[-])'}`);
    const covered = internal.some((be) => backendsOf(be.body).some((bk) => {
      // dynamic "backend" { for_each = the MIGs }, or over the MIGs' own for_each, each by its key
      if (bk.forEach === `\${${self}}`) return true;
      if (bk.dynamic && many) return bk.forEach === r.body.for_each && ref(bk.iterator).test(String(bk.group ?? ''));
      return !many && !bk.dynamic && ref(null).test(String(bk.group ?? ''));
    }));
    if (!covered) {
      const hint = many ? `; with for_each, write dynamic "backend" { for_each = ${self} content { group = backend.value.instance_group } }` : '';
      out.push({ file: r.file.name, line: at(r), message: `${self}: GPU MIG is not a backend of an internal backend service (every offer's MIG must be, or the frontend cannot reach its VMs)${hint}` });
    }
  }

  // Backend services: external ones behind IAP, internal managed ones with timeout_sec >= minimum.
  const minTimeout = policy.internalBackendMinTimeoutSec ?? 600;
  for (const r of res.filter((x) => BACKEND_TYPES.includes(x.type))) {
    const scheme = value(r.body.load_balancing_scheme) ?? (r.type === 'google_compute_backend_service' ? 'EXTERNAL' : 'INTERNAL');
    if (typeof scheme !== 'string') continue;
    if (scheme.startsWith('EXTERNAL')) {
      const iap = blocks(r.body, 'iap')[0];
      if (!iap || value(iap.enabled) !== true) {
        out.push({ file: r.file.name, line: at(r, iap ? [['iap', 0]] : []), message: `${id(r)}: external backend service must have iap { enabled = true }` });
      }
    } else if (scheme === 'INTERNAL_MANAGED' || scheme === 'INTERNAL_SELF_MANAGED') {
      const t = r.body.timeout_sec;
      const ok = timeoutOk(mod, t, minTimeout);
      if (!ok) {
        out.push({ file: r.file.name, line: at(r, t === undefined ? [] : [['timeout_sec', 0]]), message: `${id(r)}: internal backend service timeout_sec must be >= ${minTimeout} (a literal, or a variable whose validation requires it)` });
      }
    }
  }

  // Cloud Scheduler: http_target authenticates with an OIDC token.
  for (const r of res.filter((x) => x.type === 'google_cloud_scheduler_job')) {
    blocks(r.body, 'http_target').forEach((h, i) => {
      if (!has(h, 'oidc_token')) {
        out.push({ file: r.file.name, line: at(r, [['http_target', i]]), message: `${id(r)}: http_target must use oidc_token` });
      }
    });
  }

  // No public principals anywhere but where they cannot grant anything: a variable's description,
  // its validation's condition and error message (which name them to refuse them).
  for (const f of mod.files) {
    const counts = new Map();
    walkStrings(withoutProse(f.json), (s) => {
      for (const p of ['allUsers', 'allAuthenticatedUsers']) {
        if (s.includes(p)) {
          const n = counts.get(p) || 0;
          counts.set(p, n + 1);
          const principal = new RegExp(`^(?!\\s*(description|condition|error_message)\\s*=).*\\b${p}\\b`);
          let i = f.src.find(principal, 0, undefined, n);
          if (i < 0) i = f.src.find(principal);
          out.push({ file: f.name, line: i + 1, message: `"${p}" grants public access; remove it` });
        }
      }
    });
  }

  // Custom roles: permissions equal the enumerated set for the role in policy.json.
  const roles = policy.customRolePermissions || {};
  for (const r of res.filter((x) => ROLE_TYPES.includes(x.type))) {
    const roleId = value(r.body.role_id);
    const want = roles[roleId] ?? roles[r.name] ?? roles['*'];
    const line = at(r, [['permissions', 0]]);
    if (!want) {
      out.push({ file: r.file.name, line, message: `${id(r)}: no permission set for role "${roleId ?? r.name}" in policy.json` });
      continue;
    }
    const got = value(r.body.permissions);
    if (!Array.isArray(got) || !got.every((p) => typeof p === 'string' && !p.includes('${'))) {
      out.push({ file: r.file.name, line, message: `${id(r)}: permissions must be a literal list (or a local/variable default) to be checked` });
      continue;
    }
    const missing = want.filter((p) => !got.includes(p)).sort();
    const extra = got.filter((p) => !want.includes(p)).sort();
    if (missing.length || extra.length) {
      const parts = [];
      if (missing.length) parts.push(`missing ${missing.join(', ')}`);
      if (extra.length) parts.push(`not allowed ${extra.join(', ')}`);
      out.push({ file: r.file.name, line, message: `${id(r)}: permissions differ from policy.json: ${parts.join('; ')}` });
    }
  }

  // Custom roles cover every Compute method the functions call (policy.json computeCalls: each
  // method's permissions, and which methods each role's holders call), and are granted on the
  // project without a condition, so that they cover every offer's MIG.
  const cc = policy.computeCalls;
  if (cc && calls) {
    for (const r of res.filter((x) => ROLE_TYPES.includes(x.type))) {
      const key = [value(r.body.role_id), r.name].find((k) => typeof k === 'string' && cc.roles && k in cc.roles);
      if (!key) continue;
      const line = at(r, [['permissions', 0]]);
      const unknown = calls.methods.filter((m) => !(m in cc.permissions));
      for (const m of unknown) {
        out.push({ file: r.file.name, line, message: `${id(r)}: the functions call compute method "${m}" (${calls.where?.get(m) ?? calls.file}), which policy.json computeCalls.permissions does not map to permissions: add it` });
      }
      const methods = cc.roles[key] === '*' ? calls.methods.filter((m) => m in cc.permissions) : cc.roles[key];
      const got = value(r.body.permissions);
      if (!Array.isArray(got)) continue; // reported by the permission-set rule
      const missing = new Map();
      for (const m of methods) {
        for (const p of cc.permissions[m] || []) {
          if (!got.includes(p)) missing.set(p, [...(missing.get(p) || []), m]);
        }
      }
      for (const [p, ms] of [...missing].sort(([a], [b]) => a.localeCompare(b))) {
        out.push({ file: r.file.name, line, message: `${id(r)}: lacks ${p}, which the functions' ${ms.join(', ')} need${ms.length > 1 ? '' : 's'}` });
      }
      const ref = new RegExp(`(?<![\\w.])${r.type}\\.${r.name}\\.`);
      for (const g of res.filter((x) => x.type === 'google_project_iam_member' && ref.test(String(x.body.role ?? '')))) {
        if (has(g.body, 'condition')) {
          out.push({ file: g.file.name, line: at(g, [['condition', 0]]), message: `${id(g)}: grants ${id(r)} under a condition, which can leave an offer's MIG out: grant it on the project without one` });
        }
      }
    }
  }

  // Variable validations: each requirement of policy.json variableValidations[name] is checked
  // by some validation of a variable of that name (its condition matches the requirement's pattern).
  for (const [name, reqs] of Object.entries(policy.variableValidations || {})) {
    const v = mod.decl.variable.get(name);
    if (!v) continue;
    const conds = [].concat(v.body.validation || []).map((x) => String(x.condition ?? ''));
    for (const [what, pattern] of Object.entries(reqs)) {
      if (!conds.some((c) => new RegExp(pattern).test(c))) {
        out.push({ file: v.file.name, line: v.file.src.header('variable', name) + 1, message: `variable "${name}" has no validation that checks ${what} (policy.json variableValidations)` });
      }
    }
  }

  // Function environment: required SNOOZE_ variables set, no unknown SNOOZE_ variable set.
  const envPolicy = policy.functionEnv || {};
  const prefix = envPolicy.prefix || 'SNOOZE_';
  const required = envPolicy.required || [];
  for (const r of res.filter((x) => x.type === 'google_cloudfunctions2_function')) {
    if ((envPolicy.exempt || []).includes(r.name)) continue;
    const sc = blocks(r.body, 'service_config')[0];
    const ev = sc && sc.environment_variables;
    const keys = envKeys(mod, ev, prefix);
    const envLine = at(r, sc ? [['service_config', 0], ['environment_variables', 0]] : []);
    for (const req of required) {
      const alts = Array.isArray(req) ? req : [req];
      if (!alts.some((k) => keys.has(k))) {
        out.push({ file: r.file.name, line: envLine, message: `${id(r)}: service_config.environment_variables must set ${alts.join(' or ')}` });
      }
    }
    for (const group of envPolicy.exclusive || []) {
      const set = group.filter((k) => keys.has(k));
      if (set.length > 1) out.push({ file: r.file.name, line: envLine, message: `${id(r)}: set only one of ${set.join(', ')}` });
    }
    if (knownEnv) {
      const head = r.file.src.header('resource', r.type, r.name);
      for (const k of [...keys].sort()) {
        if (k.startsWith(prefix) && !knownEnv.includes(k) && !(envPolicy.pending || []).includes(k)) {
          let i = r.file.src.token(k, head, r.file.src.end(head));
          if (i < 0) i = r.file.src.token(k);
          out.push({ file: r.file.name, line: i >= 0 ? i + 1 : envLine, message: `${id(r)}: ${k} is set but the functions do not read it` });
        }
      }
    }
  }
  return out;
}

/** The startup script's text: a literal, or the file a templatefile()/file() of
 * "${path.module}/..." names ({text, file} with file relative to the module); null otherwise. */
function startupScript(mod, v) {
  if (typeof v !== 'string') return null;
  const m = v.match(/^\$\{\s*(?:templatefile|file)\(\s*"\$\{path\.module\}\/([^"]+)"/);
  if (m) {
    const f = path.join(mod.dir, m[1]);
    return fs.existsSync(f) ? { text: fs.readFileSync(f, 'utf8'), file: m[1] } : null;
  }
  return v.includes('${') && !v.includes('$${') ? null : { text: v, file: null };
}

/** Problems of a startup script's stage reports (policy.json bootStages): it PUTs to the guest
 * attributes' namespace, through a reporter that is best effort (a curl with a time limit whose
 * failure is caught), and reports every stage on a line of its own, first occurrences in order. */
export function stageProblems(text, bs) {
  const out = [];
  const lines = text.split('\n');
  const lineOf = (re) => lines.findIndex((l) => re.test(l));
  const url = `computeMetadata/v1/instance/guest-attributes/${bs.namespace}`;
  const fn = lineOf(new RegExp(`^\\s*(function\\s+)?${esc(bs.reporter)}(\\s*\\(\\s*\\))?\\s*\\{`));
  if (fn < 0) {
    out.push({ line: 1, message: `defines no ${bs.reporter}() to report the boot stages as guest attributes (${url}/<stage>)` });
  } else {
    let end = fn;
    for (let depth = 0; end < lines.length; end++) {
      depth += (lines[end].match(/\{/g) || []).length - (lines[end].match(/\}/g) || []).length;
      if (depth <= 0 && end > fn) break;
    }
    const body = lines.slice(fn, end + 1).join('\n');
    if (!body.includes(url) && !lines.some((l) => l.includes(url))) {
      out.push({ line: fn + 1, message: `${bs.reporter}() must PUT each stage to the guest attributes, ${url}/<stage>` });
    }
    if (!/\bcurl\b[^\n]*(\\\n[^\n]*)*?(--max-time|\s-m\s*\d)/.test(body) || !/\|\|/.test(body)) {
      out.push({ line: fn + 1, message: `${bs.reporter}() must be best effort: a curl with a short --max-time whose failure is caught (|| ...), so that a lost report never stops the boot` });
    }
  }
  let last = -1;
  let lastStage = null;
  for (const stage of bs.stages) {
    const i = lineOf(new RegExp(`^\\s*${esc(bs.reporter)}\\s+["']?${esc(stage)}["']?\\s*(;|#|$)`));
    if (i < 0) {
      out.push({ line: (last >= 0 ? last : fn) + 1, message: `never reports the stage "${stage}" (a line \`${bs.reporter} ${stage}\`): Status would skip it` });
      continue;
    }
    if (i < last) {
      out.push({ line: i + 1, message: `reports "${stage}" before "${lastStage}": the stages are reported in the order ${bs.stages.join(', ')}` });
    }
    last = Math.max(last, i);
    lastStage = stage;
  }
  return out;
}

/** An expression's text with every local it names replaced by the local's value, recursively. */
function expandLocals(mod, v, depth = 0) {
  const text = typeof v === 'string' ? v : JSON.stringify(v ?? '');
  if (depth > 5) return text;
  return text.replace(/(?<![\w.])local\.([\w-]+)/g, (all, name) => {
    const l = mod.decl.local.get(name);
    return l ? expandLocals(mod, l.value, depth + 1) : all;
  });
}

/** A nested block's items (or [] when absent); a dynamic block counts as present (its content). */
function blocks(body, name) {
  if (!body) return [];
  const direct = Array.isArray(body[name]) ? body[name] : body[name] ? [body[name]] : [];
  const dyn = (body.dynamic && body.dynamic[name]) || [];
  return [...direct, ...dyn.flatMap((d) => d.content || [{}])];
}

function has(body, name) {
  return blocks(body, name).length > 0;
}

/** A backend service's backend blocks: {group, dynamic, forEach} (a dynamic one's for_each). */
function backendsOf(body) {
  const direct = (Array.isArray(body.backend) ? body.backend : body.backend ? [body.backend] : []).map((b) => ({ group: b.group, dynamic: false }));
  const dyn = ((body.dynamic && body.dynamic.backend) || []).flatMap((d) => (d.content || [{}]).map((c) => ({ group: c.group, dynamic: true, forEach: d.for_each, iterator: d.iterator || 'backend' })));
  return [...direct, ...dyn];
}

/** Resolve `${var.x}` (its default) and `${local.x}`; anything else is returned as is. */
export function resolve(mod, v, depth = 0) {
  if (typeof v !== 'string' || depth > 5) return v;
  const m = v.match(/^\$\{\s*(var|local)\.([\w-]+)\s*\}$/);
  if (!m) return v;
  if (m[1] === 'var') {
    const d = mod.decl.variable.get(m[2]);
    return d && 'default' in d.body ? resolve(mod, d.body.default, depth + 1) : undefined;
  }
  const l = mod.decl.local.get(m[2]);
  return l ? resolve(mod, l.value, depth + 1) : undefined;
}

function timeoutOk(mod, t, min) {
  if (typeof t === 'number') return t >= min;
  if (typeof t !== 'string') return false;
  const m = t.match(/^\$\{\s*var\.([\w-]+)\s*\}$/);
  if (m) {
    const d = mod.decl.variable.get(m[1]);
    if (!d) return false;
    const conds = [].concat(d.body.validation || []).map((v) => String(v.condition || ''));
    const re = new RegExp(`var\\.${m[1]}\\s*>=?\\s*(\\d+)`);
    const validated = conds.some((c) => { const x = c.match(re); return x && Number(x[1]) >= min; });
    return validated;
  }
  const r = resolve(mod, t);
  return typeof r === 'number' && r >= min;
}

/** Keys set in environment_variables: a literal map, a local/variable, or merge(...) of those. */
function envKeys(mod, ev, prefix, depth = 0, keys = new Set()) {
  if (depth > 5 || ev === undefined || ev === null) return keys;
  if (Array.isArray(ev)) { ev.forEach((e) => envKeys(mod, e, prefix, depth + 1, keys)); return keys; }
  if (typeof ev === 'object') {
    for (const [k, v] of Object.entries(ev)) {
      keys.add(k);
      if (typeof v === 'object') envKeys(mod, v, prefix, depth + 1, keys);
    }
    return keys;
  }
  if (typeof ev !== 'string') return keys;
  for (const expr of interpolations(ev)) {
    for (const m of expr.matchAll(new RegExp(`"?(${prefix}[A-Z0-9_]+)"?\\s*[=:]`, 'g'))) keys.add(m[1]);
    for (const m of expr.matchAll(/(?<![\w.])(var|local)\.([\w-]+)/g)) {
      envKeys(mod, resolve(mod, `\${${m[1]}.${m[2]}}`), prefix, depth + 1, keys);
    }
  }
  return keys;
}

const PROSE = new Set(['description', 'condition', 'error_message']);

function withoutProse(v) {
  if (Array.isArray(v)) return v.map(withoutProse);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([k]) => !PROSE.has(k)).map(([k, x]) => [k, withoutProse(x)]));
  }
  return v;
}

function walkStrings(v, fn) {
  if (typeof v === 'string') fn(v);
  else if (Array.isArray(v)) v.forEach((x) => walkStrings(x, fn));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { fn(k); walkStrings(x, fn); }
}
