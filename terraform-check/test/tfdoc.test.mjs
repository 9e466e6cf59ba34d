import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadModule } from '../lib/checker.mjs';
import { hcl, tfdocBlock, typeText, withTfdoc } from '../lib/tfdoc.mjs';

const CLI = path.join(import.meta.dirname, '..', 'tfdoc.mjs');

const TF = `variable "zones" {
  description = "Zones | any of the region's."
  type        = list(string)
  default     = ["a", "b"]
}

variable "project_id" {
  description = "Project of <name>-x."
  type        = string
}

variable "warmup" {
  description = "POSTs."
  type = list(object({
    path    = string
    body    = string
  }))
  default = []
}

output "url" {
  description = "Where."
  value       = "https://\${var.project_id}"
  sensitive   = true
}
`;

const BLOCK = `<!-- BEGIN TFDOC -->
## Variables

| name | description | type | required | default |
|---|---|:---:|:---:|:---:|
| \`project_id\` | Project of &lt;name&gt;-x. | \`string\` | ✓ |  |
| \`warmup\` | POSTs. | \`list(object({ path = string, body = string }))\` |  | \`[]\` |
| \`zones\` | Zones \\| any of the region's. | \`list(string)\` |  | \`["a", "b"]\` |

## Outputs

| name | description | sensitive |
|---|---|:---:|
| \`url\` | Where. | ✓ |
<!-- END TFDOC -->`;

function tmp(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfdoc-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

test('tables: required variables first, then by name; types on one line; defaults as HCL; cells escaped', async () => {
  const dir = tmp({ 'main.tf': TF });
  try {
    assert.equal(tfdocBlock(await loadModule(dir)), BLOCK);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('values: types and defaults', () => {
  assert.equal(typeText('${map(string)}'), 'map(string)');
  assert.equal(typeText('${object({\n  a = string\n  b = optional(number)\n})}'), 'object({ a = string, b = optional(number) })');
  assert.equal(hcl(null), 'null');
  assert.equal(hcl({ a: 1, 'x.y': 'z' }), '{ a = 1, "x.y" = "z" }');
  assert.equal(hcl({}), '{}');
  assert.equal(hcl([true, 2, 's']), '[true, 2, "s"]');
});

test('README: the block is replaced between its markers, or appended', () => {
  assert.equal(withTfdoc('# M\n\ntext\n', 'B'), '# M\n\ntext\n\nB\n');
  assert.equal(withTfdoc('# M\n<!-- BEGIN TFDOC -->\nold\n<!-- END TFDOC -->\ntail\n', 'B'), '# M\nB\ntail\n');
});

test('CLI: writes the tables into each module README, --check exits 1 until then', () => {
  const dir = tmp({ 'main.tf': 'module "m" {\n  source = "./m"\n}\n', 'README.md': '# Root\n' });
  fs.mkdirSync(path.join(dir, 'm'));
  fs.writeFileSync(path.join(dir, 'm', 'main.tf'), TF);
  fs.writeFileSync(path.join(dir, 'm', 'README.md'), `# M\n\n${BLOCK.replace('Where.', 'Old.')}\n\nAfter.\n`);
  try {
    const stale = spawnSync(process.execPath, [CLI, '--check', dir], { encoding: 'utf8' });
    assert.equal(stale.status, 1);
    assert.equal(stale.stdout.trim().split('\n').length, 2);
    const write = spawnSync(process.execPath, [CLI, dir], { encoding: 'utf8' });
    assert.equal(write.status, 0, write.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'm', 'README.md'), 'utf8'), `# M\n\n${BLOCK}\n\nAfter.\n`);
    assert.match(fs.readFileSync(path.join(dir, 'README.md'), 'utf8'), /^# Root\n\n<!-- BEGIN TFDOC -->\n## Variables\n\nNone\.\n\n## Outputs\n\nNone\.\n<!-- END TFDOC -->\n$/);
    const clean = spawnSync(process.execPath, [CLI, '--check', dir], { encoding: 'utf8' });
    assert.equal(clean.status, 0, clean.stdout);
    const usage = spawnSync(process.execPath, [CLI], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
