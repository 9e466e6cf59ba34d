// The variables and outputs tables of a module's README.md, generated from its .tf files as
// Fabric's tfdoc does: between the markers below, "## Variables" (required ones first, then by
// name) and "## Outputs". check.mjs compares a README's block with this; tfdoc.mjs writes it.
export const BEGIN = '<!-- BEGIN TFDOC -->';
export const END = '<!-- END TFDOC -->';

/** The whole block, markers included, for a module loaded by loadModule(). */
export function tfdocBlock(mod) {
  const vars = [...mod.decl.variable.entries()].map(([name, { body }]) => ({ name, body }));
  vars.sort((a, b) => Number('default' in a.body) - Number('default' in b.body) || a.name.localeCompare(b.name));
  const outs = [...mod.decl.output.entries()].map(([name, { body }]) => ({ name, body }));
  outs.sort((a, b) => a.name.localeCompare(b.name));
  const lines = [BEGIN, '## Variables', ''];
  if (vars.length) {
    lines.push('| name | description | type | required | default |', '|---|---|:---:|:---:|:---:|');
    for (const { name, body } of vars) {
      const required = !('default' in body);
      lines.push(`| ${code(name)} | ${text(body.description)} | ${body.type === undefined ? '' : code(typeText(body.type))} | ${required ? '✓' : ''} | ${required ? '' : code(hcl(body.default))} |`);
    }
  } else {
    lines.push('None.');
  }
  lines.push('', '## Outputs', '');
  if (outs.length) {
    lines.push('| name | description | sensitive |', '|---|---|:---:|');
    for (const { name, body } of outs) {
      lines.push(`| ${code(name)} | ${text(body.description)} | ${body.sensitive === true ? '✓' : ''} |`);
    }
  } else {
    lines.push('None.');
  }
  lines.push(END);
  return lines.join('\n');
}

/** The README with its block replaced (or appended after a blank line when it has none). */
export function withTfdoc(readme, block) {
  const i = readme.indexOf(BEGIN);
  const j = readme.indexOf(END);
  if (i >= 0 && j > i) return readme.slice(0, i) + block + readme.slice(j + END.length);
  return `${readme.replace(/\n*$/, '')}\n\n${block}\n`;
}

/** The README's current block (markers included), or null. */
export function currentTfdoc(readme) {
  const i = readme.indexOf(BEGIN);
  const j = readme.indexOf(END);
  return i >= 0 && j > i ? readme.slice(i, j + END.length) : null;
}

/** `list(object({\n path = string\n }))` -> `list(object({ path = string }))`. */
export function typeText(t) {
  const s = typeof t === 'string' ? t.replace(/^\$\{([\s\S]*)\}$/, '$1') : JSON.stringify(t);
  const parts = s.split('\n').map((l) => l.trim().replace(/\s+/g, ' ')).filter(Boolean);
  let out = parts[0] || '';
  for (const p of parts.slice(1)) {
    const open = /[({[]$/.test(out);
    const close = /^[)}\]]/.test(p);
    out += open || close ? ` ${p}` : `, ${p}`;
  }
  return out;
}

/** A default value (hcl2json's JSON) written back as HCL. */
export function hcl(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[${v.map(hcl).join(', ')}]`;
  const e = Object.entries(v);
  return e.length ? `{ ${e.map(([k, x]) => `${/^[A-Za-z_][\w-]*$/.test(k) ? k : JSON.stringify(k)} = ${hcl(x)}`).join(', ')} }` : '{}';
}

/** A description as a table cell: one line, pipes escaped, < and > not taken for HTML. */
function text(s) {
  return typeof s === 'string' ? cell(s).replace(/</g, '&lt;').replace(/>/g, '&gt;') : '';
}

function code(s) {
  const t = cell(s);
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

function cell(s) {
  return String(s).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
