// Rule 4: Snooze policy. Every rule applies to whatever matching resources the module has (none
// matching: nothing to say), so the same checker runs on fixtures and on the real terraform/.
import { interpolations } from './checker.mjs';

const TEMPLATE_TYPES = ['google_compute_instance_template', 'google_compute_region_instance_template', 'google_compute_instance'];
const GPU_MACHINE = /^(a2|a3|a4|g2|g4)-/;
const BACKEND_TYPES = ['google_compute_backend_service', 'google_compute_region_backend_service'];
const ROLE_TYPES = ['google_project_iam_custom_role', 'google_organization_iam_custom_role'];

export function policyProblems(mod, policy, knownEnv) {
  const out = [];
  const res = [...mod.decl.resource.values()];
  const at = (r, steps = []) => r.file.src.locate(r.file.src.header('resource', r.type, r.name), steps) + 1;
  const id = (r) => `${r.type}.${r.name}`;
  const value = (v) => resolve(mod, v);

  // GPU instance templates: no external IP.
  for (const r of res.filter((x) => TEMPLATE_TYPES.includes(x.type))) {
    const b = r.body;
    const gpu = has(b, 'guest_accelerator') || (typeof value(b.machine_type) === 'string' && GPU_MACHINE.test(value(b.machine_type)));
    if (!gpu) continue;
    blocks(b, 'network_interface').forEach((ni, i) => {
      if (has(ni, 'access_config')) {
        out.push({ file: r.file.name, line: at(r, [['network_interface', i], ['access_config', 0]]), message: `${id(r)}: GPU instance template has an access_config (external IP); remove it` });
      }
    });
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
        if (k.startsWith(prefix) && !knownEnv.includes(k)) {
          let i = r.file.src.token(k, head, r.file.src.end(head));
          if (i < 0) i = r.file.src.token(k);
          out.push({ file: r.file.name, line: i >= 0 ? i + 1 : envLine, message: `${id(r)}: ${k} is set but the functions do not read it` });
        }
      }
    }
  }
  return out;
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
