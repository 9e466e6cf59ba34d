// Offline provider schema, read lazily from @cdktf/provider-google (generated from hashicorp/google).
//
// For one resource type we read only lib/<dir>/index.js and lib/<dir>/index.d.ts (never the whole
// 98 MB .jsii):
//  - index.js: `synthesizeAttributes()` names the resource's top-level arguments in snake_case and
//    each `fooToTerraform(struct)` mapper names a nested block's arguments; a mapper that calls
//    another `barToTerraform` marks that argument as a nested block (recursively).
//  - index.d.ts: the `...Config` interface and one interface per nested block; `readonly x?:` is
//    optional, `readonly x:` is required. These interfaces are what jsii compiles into the
//    .jsii `optional` flags, so they carry the same required/optional information.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
let LIB;
function libDir() {
  if (!LIB) LIB = path.join(path.dirname(require.resolve('@cdktf/provider-google/package.json')), 'lib');
  return LIB;
}

const cache = new Map();

/** lib/ folder for a type: google_compute_instance_template -> compute-instance-template;
 * data google_compute_image -> data-google-compute-image. */
export function schemaDir(kind, type) {
  const dashed = type.replace(/_/g, '-');
  return kind === 'data' ? `data-${dashed}` : dashed.replace(/^google-/, '');
}

function parseInterfaces(dts) {
  const out = new Map();
  const re = /^export interface (\w+)(?: extends [^{]*)? \{\n([\s\S]*?)^\}/gm;
  let m;
  while ((m = re.exec(dts))) {
    const props = new Map();
    for (const p of m[2].matchAll(/^\s+readonly (\w+)(\?)?:/gm)) props.set(p[1], !p[2]);
    out.set(m[1], props);
  }
  return out;
}

function parseMappers(js) {
  const out = new Map();
  const re = /^function (\w+)ToTerraform\(struct\) \{\n([\s\S]*?)^\}/gm;
  let m;
  while ((m = re.exec(js))) {
    const ret = m[2].match(/return \{\n([\s\S]*?)\n\s*\};/);
    if (!ret) continue;
    out.set(m[1], parseFields(ret[1], 'struct\\.'));
  }
  return out;
}

function parseFields(body, accessor) {
  const fields = [];
  const re = new RegExp(`^\\s+(\\w+): (.*)\\(${accessor}_?(\\w+)(?:\\.internalValue)?\\),?$`, 'gm');
  for (const f of body.matchAll(re)) {
    const nested = [...f[2].matchAll(/(?<![.\w])(\w+)ToTerraform\b/g)].map((x) => x[1]);
    fields.push({ name: f[1], camel: f[3], struct: nested[0] || null });
  }
  return fields;
}

function upperFirst(s) {
  return s[0].toUpperCase() + s.slice(1);
}

/**
 * Schema node: { args: Map<snake_name, {required: boolean, block: node|null}> }.
 * Returns null when the type is not in the provider.
 */
export function loadSchema(kind, type) {
  const key = `${kind}:${type}`;
  if (cache.has(key)) return cache.get(key);
  const dir = path.join(libDir(), schemaDir(kind, type));
  let node = null;
  if (fs.existsSync(path.join(dir, 'index.js'))) {
    const js = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
    const dts = fs.readFileSync(path.join(dir, 'index.d.ts'), 'utf8');
    const tfType = dts.match(/static readonly tfResourceType = "([^"]+)"/);
    if (tfType && tfType[1] === type) {
      const cls = dts.match(/export declare class (\w+) extends cdktf\.Terraform(?:Resource|DataSource)/)[1];
      const ifaces = parseInterfaces(dts);
      const mappers = parseMappers(js);
      const top = js.match(/synthesizeAttributes\(\) \{\n\s*return \{\n([\s\S]*?)\n\s*\};/);
      const built = new Map();
      const build = (fields, iface) => {
        const args = new Map();
        for (const f of fields) {
          let block = null;
          if (f.struct && mappers.has(f.struct)) {
            if (!built.has(f.struct)) {
              const n = { args: new Map() };
              built.set(f.struct, n);
              n.args = build(mappers.get(f.struct), ifaces.get(upperFirst(f.struct))).args;
            }
            block = built.get(f.struct);
          }
          args.set(f.name, { required: !!(iface && iface.get(f.camel)), block });
        }
        return { args };
      };
      node = build(top ? parseFields(top[1], 'this\\.') : [], ifaces.get(`${cls}Config`));
    }
  }
  cache.set(key, node);
  return node;
}
