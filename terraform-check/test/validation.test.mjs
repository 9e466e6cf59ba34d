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
async function expect(tf, name, cases, base = {}) {
  const got = await Promise.all(cases.map(([, value]) => plan(tf, value === undefined ? base : { ...base, [name]: value })));
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

test('terraform.tfvars.example passes every root variable\'s validation and main.tf\'s cross-variable checks', { skip }, async () => {
  assert.deepEqual(await plan(rootChecks(), {}, path.join(ROOT, 'terraform.tfvars.example')), []);
});

/** The root's variables with main.tf's locals and its cross-variable checks (terraform_data.checks). */
function rootChecks() {
  const vars = ['variables.tf', 'renamed.tf'].map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8')).join('\n');
  const text = fs.readFileSync(path.join(ROOT, 'main.tf'), 'utf8');
  const src = new Source(text);
  const block = (i) => src.lines.slice(i, src.end(i)).join('\n');
  const locals = src.find(/^locals\s*\{/);
  const checks = src.header('resource', 'terraform_data', 'checks');
  assert.ok(locals >= 0 && checks >= 0, 'main.tf has its locals and terraform_data.checks');
  return `${vars}\n${block(locals)}\n${block(checks)}\n`;
}

/** Values of the root variables that have no default. */
const REQUIRED = { project_id: 'my-gpu-project', frontend_image: 'snooze/frontend:1', domain: 'llm.example.com', iap_members: ['user:a@example.com'] };

test('OLLAMA_KEEP_ALIVE set by the operator: a number of seconds or a duration, not shorter than the idle timeout', { skip }, async () => {
  const tf = rootChecks();
  const short = (v, s) => `backend_env OLLAMA_KEEP_ALIVE = "${v}" (${s} s) is shorter than idle_timeout_seconds (900): Ollama would unload the model while the GPU is still awake and the next prompt would wait for it to load again. Remove it (Snooze sets "-1": loaded while the GPU is awake) or set it to at least "900".`;
  const format = matching(tf, /OLLAMA_KEEP_ALIVE must be a number of seconds/);
  const env = (v) => ({ OLLAMA_KEEP_ALIVE: v });
  await expect(tf, 'backend_env', [
    ['unset: Snooze sets -1', undefined, null],
    ['other variables only', { OLLAMA_NUM_PARALLEL: '4' }, null],
    ['-1, for good', env('-1'), null],
    ['a negative duration, for good', env('-5m'), null],
    ['the idle timeout in seconds', env('900'), null],
    ['15m, the idle timeout', env('15m'), null],
    ['1h30m', env('1h30m'), null],
    ['Ollama\'s default, 5m', env('5m'), short('5m', 300)],
    ['a second short', env('899'), short('899', 899)],
    ['0: unloaded at once', env('0'), short('0', 0)],
    ['14m59.5s', env('14m59.5s'), short('14m59.5s', 899.5)],
    ['a word', env('forever'), format],
    ['a unit Go does not know', env('1d'), format],
  ], REQUIRED);
  // The same value against a longer idle timeout.
  assert.deepEqual(await plan(tf, { ...REQUIRED, backend_env: env('30m'), idle_timeout_seconds: 3600 }), [short('30m', 1800).replace(/900/g, '3600')]);
});

test('module gpu_backend backend_env: the same OLLAMA_KEEP_ALIVE format', { skip }, async () => {
  const tf = variableBlock(path.join(ROOT, 'modules', 'gpu_backend', 'variables.tf'), 'backend_env');
  const format = matching(tf, /OLLAMA_KEEP_ALIVE must be a number of seconds/);
  await expect(tf, 'backend_env', [
    ['-1', { OLLAMA_KEEP_ALIVE: '-1' }, null],
    ['30m', { OLLAMA_KEEP_ALIVE: '30m' }, null],
    ['a word', { OLLAMA_KEEP_ALIVE: 'forever' }, format],
  ]);
});

test('expected_wake_seconds: null (a guess from the image and the sleep mode) or whole seconds below the wake timeout', { skip }, async () => {
  const tf = rootChecks();
  const range = matching(tf, /expected_wake_seconds must be null/);
  await expect(tf, 'expected_wake_seconds', [
    ['unset', undefined, null],
    ['120', 120, null],
    ['9', 9, range],
    ['90.5', 90.5, range],
    ['the wake timeout itself', 600, 'expected_wake_seconds (600) must be below wake_timeout_seconds (600), after which a wake counts as failed: lower it, or raise wake_timeout_seconds.'],
  ], REQUIRED);
  // The guess from an image that installs the driver at boot, against a short wake timeout.
  const slow = { ...REQUIRED, boot_image: 'projects/deeplearning-platform-release/global/images/family/common-cu124-debian-11-py310', wake_timeout_seconds: 240 };
  assert.deepEqual(await plan(tf, slow), ['expected_wake_seconds (270) must be below wake_timeout_seconds (240), after which a wake counts as failed: lower it, or raise wake_timeout_seconds.']);
  assert.deepEqual(await plan(tf, { ...slow, sleep_mode: 'stop' }), []);
});

test('backend_model and backend_warmup: an Ollama model name; POST with a body or GET without', { skip }, async () => {
  for (const file of [path.join(ROOT, 'variables.tf'), path.join(ROOT, 'modules', 'gpu_backend', 'variables.tf')]) {
    const model = variableBlock(file, 'backend_model');
    await expect(model, 'backend_model', [
      ['unset', undefined, null],
      ['llama3.2', 'llama3.2', null],
      ['a tag', 'qwen2.5:7b', null],
      ['a namespace', 'hf.co/org/model:Q4_K_M', null],
      ['a quote', "llama'3", matching(model, /backend_model must be an Ollama model name/)],
    ]);
    const warmup = variableBlock(file, 'backend_warmup');
    const method = matching(warmup, /method is POST/);
    await expect(warmup, 'backend_warmup', [
      ['a POST with a body', [{ path: '/api/generate', body: '{"model":"llama3.2"}' }], null],
      ['vLLM: a GET', [{ method: 'GET', path: '/v1/models' }], null],
      ['a GET with a body', [{ method: 'GET', path: '/v1/models', body: '{}' }], method],
      ['a PUT', [{ method: 'PUT', path: '/x' }], method],
      ['a path without /', [{ path: 'api/pull' }], matching(warmup, /paths must start with \//)],
    ]);
  }
});
