// The offers variables' validations, evaluated by Terraform itself: policy.json's
// variableValidations only checks that each validation is there (by its condition's text); this
// runs `terraform plan` on the real variable blocks, copied alone into a temporary directory (a
// root with no provider and no resource plans offline, without init), for good and bad values.
// Skipped when no terraform binary is on PATH.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Source } from '../lib/source.mjs';

const ROOT = path.join(import.meta.dirname, '..', '..', 'terraform');
const ENV = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
const TERRAFORM = spawnSync('terraform', ['version'], { env: ENV }).status === 0;
const skip = TERRAFORM ? false : 'no terraform on PATH';

/** The text of `variable "name" { ... }` in file. */
function variableBlock(file, name) {
  const text = fs.readFileSync(file, 'utf8');
  const src = new Source(text);
  const head = src.header('variable', name);
  assert.ok(head >= 0, `${file} declares variable "${name}"`);
  return src.lines.slice(head, src.end(head)).join('\n');
}

/** Plans `tf` with `vars` (a JSON var file); resolves to the error messages (each diagnostic's first line). */
function plan(tf, vars, varFile) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfvalidate-'));
  fs.writeFileSync(path.join(dir, 'main.tf'), tf);
  fs.writeFileSync(path.join(dir, 'case.tfvars.json'), JSON.stringify(vars));
  const args = ['plan', '-json', '-input=false', '-lock=false', '-refresh=false', `-var-file=${varFile || 'case.tfvars.json'}`];
  return new Promise((resolve, reject) => {
    execFile('terraform', args, { cwd: dir, env: ENV }, (err, stdout) => {
      fs.rmSync(dir, { recursive: true, force: true });
      const diags = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((m) => m.type === 'diagnostic');
      const errors = diags.filter((m) => m.diagnostic.severity === 'error').map((m) => `${m.diagnostic.detail || m.diagnostic.summary}`.split('\n')[0]);
      if (err && !errors.length) reject(new Error(`terraform plan failed without a diagnostic: ${err.message}`));
      else resolve(errors);
    });
  });
}

/** Asserts each case: `want` null (accepted) or the one error message it must produce. */
async function expect(tf, name, cases) {
  const got = await Promise.all(cases.map(([, value]) => plan(tf, value === undefined ? {} : { [name]: value })));
  cases.forEach(([what, , want], i) => {
    assert.deepEqual(got[i], want ? [want] : [], `${name}: ${what}`);
  });
}

const L4 = { name: 'gpu', machine_type: 'g2-standard-8', gpu_type: 'nvidia-l4' };
const SPOT = { name: 'l4-spot', machine_type: 'g2-standard-8', gpu_type: 'nvidia-l4', provisioning_model: 'SPOT' };
const T4 = { name: 't4', machine_type: 'n1-standard-8', gpu_type: 'nvidia-tesla-t4', zones: ['us-central1-a', 'us-central1-f'] };

const GPU_OFFERS = [
  ['spot L4, on-demand L4, on-demand T4', [SPOT, L4, T4], null],
  ['a Spot offer that is deleted on preemption', [{ ...SPOT, termination_action: 'DELETE' }], null],
  ['four offers', [SPOT, L4, T4, { ...T4, name: 't4-spot', provisioning_model: 'SPOT' }], null],
  ['no offer', [], 'gpu_offers must list at least one offer.'],
  ['five offers', ['a', 'b', 'c', 'd', 'e'].map((name) => ({ ...L4, name })), 'gpu_offers may list at most 4 offers (a failover through all of them must fit in one Wake invocation, at most 540 s).'],
  ['a name twice', [L4, { ...L4, provisioning_model: 'SPOT' }], 'gpu_offers names must be unique: each offer is a MIG of its own.'],
  ['an unknown provisioning model', [{ ...L4, provisioning_model: 'PREEMPTIBLE' }], /provisioning_model must be SPOT or STANDARD/],
  ['a provisioning model in lowercase', [{ ...L4, provisioning_model: 'spot' }], /provisioning_model must be SPOT or STANDARD/],
  ['a termination action on an on-demand offer', [{ ...L4, termination_action: 'STOP' }], /termination_action is STOP or DELETE, and only for a SPOT offer/],
  ['an unknown termination action', [{ ...SPOT, termination_action: 'HIBERNATE' }], /termination_action is STOP or DELETE, and only for a SPOT offer/],
  ['a name in capitals', [{ ...L4, name: 'GPU' }], /name must be 1 to 20 lowercase letters/],
  ['a name too long', [{ ...L4, name: 'a'.repeat(21) }], /name must be 1 to 20 lowercase letters/],
  ['three GPUs', [{ ...L4, gpu_count: 3 }], /gpu_count of 1, 2, 4 or 8/],
  ['a GPU type that is not one', [{ ...L4, gpu_type: 'l4' }], /a gpu_type such as nvidia-l4/],
  ['an empty zone list', [{ ...L4, zones: [] }], /zones list, when set, must be a non-empty list of zones/],
  ['a region for a zone', [{ ...L4, zones: ['us-central1'] }], /zones list, when set, must be a non-empty list of zones/],
];

/** Regular expressions in the tables stand for messages that differ in their first words only. */
function resolveCases(tf, cases) {
  return cases.map(([what, value, want]) => [what, value, want instanceof RegExp ? matching(tf, want) : want]);
}

/** The one error_message in tf that matches re (the table says what it means, the file says it exactly). */
function matching(tf, re) {
  const messages = [...tf.matchAll(/error_message\s*=\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`));
  const found = messages.filter((m) => re.test(m));
  assert.equal(found.length, 1, `one error_message matches ${re}: ${JSON.stringify(found)}`);
  return found[0];
}

test('root gpu_offers: the default and good lists pass; empty, too many, duplicate names, unknown models and misplaced termination actions are refused', { skip }, async () => {
  const tf = variableBlock(path.join(ROOT, 'variables.tf'), 'gpu_offers');
  await expect(tf, 'gpu_offers', [['the default, one on-demand L4', undefined, null], ...resolveCases(tf, GPU_OFFERS)]);
});

test('module gpu_backend gpu_offers: the same values, the same answers', { skip }, async () => {
  const tf = variableBlock(path.join(ROOT, 'modules', 'gpu_backend', 'variables.tf'), 'gpu_offers');
  await expect(tf, 'gpu_offers', resolveCases(tf, GPU_OFFERS));
});

test('module controller offers: empty, too many, duplicate MIGs and unknown models are refused', { skip }, async () => {
  const tf = variableBlock(path.join(ROOT, 'modules', 'controller', 'variables.tf'), 'offers');
  const mig = (mig_name, provisioning_model = 'STANDARD') => ({ mig_name, provisioning_model });
  await expect(tf, 'offers', [
    ['three offers', [mig('snooze-l4-spot', 'SPOT'), mig('snooze-gpu'), mig('snooze-t4')], null],
    ['no offer', [], 'offers must list 1 to 4 offers.'],
    ['five offers', ['a', 'b', 'c', 'd', 'e'].map((m) => mig(m)), 'offers must list 1 to 4 offers.'],
    ['a MIG twice', [mig('snooze-gpu'), mig('snooze-gpu', 'SPOT')], 'offers mig_name values must be unique: each offer is a MIG of its own.'],
    ['an unknown model', [mig('snooze-gpu', 'FLEX_START')], 'Each offers provisioning_model must be SPOT or STANDARD.'],
    ['a MIG name that is not one', [mig('Snooze_GPU')], matching(tf, /mig_name must be a Compute Engine resource name/)],
  ]);
});

test('capacity_timeout_seconds: whole seconds, at least 30', { skip }, async () => {
  const msg = 'capacity_timeout_seconds must be an integer from 30 to 3600.';
  for (const file of [path.join(ROOT, 'variables.tf'), path.join(ROOT, 'modules', 'controller', 'variables.tf')]) {
    const tf = variableBlock(file, 'capacity_timeout_seconds');
    await expect(tf, 'capacity_timeout_seconds', [
      ['the default', undefined, null],
      ['30', 30, null],
      ['29', 29, msg],
      ['90.5', 90.5, msg],
      ['two hours', 7200, msg],
    ]);
  }
});

test('the GPU settings that moved into gpu_offers are refused, naming what to write', { skip }, async () => {
  const file = path.join(ROOT, 'renamed.tf');
  for (const [name, value] of [['machine_type', 'g2-standard-4'], ['gpu_type', 'nvidia-tesla-t4'], ['gpu_count', 2]]) {
    const tf = variableBlock(file, name);
    const [error] = await plan(tf, { [name]: value });
    assert.match(error, new RegExp(`^${name} moved into gpu_offers: replace machine_type, gpu_type and gpu_count with gpu_offers = \\[\\{ name = "gpu"`));
    assert.deepEqual(await plan(tf, {}), []);
  }
});

test('terraform.tfvars.example passes every root variable\'s validation', { skip }, async () => {
  const tf = ['variables.tf', 'renamed.tf'].map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8')).join('\n');
  assert.deepEqual(await plan(tf, {}, path.join(ROOT, 'terraform.tfvars.example')), []);
});
