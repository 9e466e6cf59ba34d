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
const REQUIRED = { project_id: 'my-gpu-project', frontend_image: 'snooze/frontend:1', iap_members: ['user:a@example.com'] };

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

const WINDOW_SHAPE = /^Each warm_windows entry must read DAYS HH:MM-HH:MM ZONE/;

test('warm_windows (root and module controller): the grammar\'s days, times and zones pass; a malformed window, or one without length, is refused', { skip }, async () => {
  for (const file of [path.join(ROOT, 'variables.tf'), path.join(ROOT, 'modules', 'controller', 'variables.tf')]) {
    const tf = variableBlock(file, 'warm_windows');
    const shape = matching(tf, WINDOW_SHAPE);
    const length = matching(tf, /starts and ends at the same time/);
    await expect(tf, 'warm_windows', [
      ['none, the default', undefined, null],
      ['office hours', ['Mon-Fri 09:00-17:30 Europe/Warsaw'], null],
      ['a weekend list, across midnight, daily, a one-digit hour, a three-part zone, a wrapping range, lowercase days', [
        'Sat,Sun 10:00-14:00 UTC', 'Fri 22:00-02:00 Europe/Warsaw', 'Daily 8:30 - 12:00 America/New_York',
        'Mon-Wed,Fri 07:00-09:00 America/Argentina/Buenos_Aires', 'Fri-Mon 00:00-23:59 Etc/GMT+3', 'mon-fri 09:00-17:00 Asia/Kolkata',
      ], null],
      ['hours without minutes', ['Mon-Fri 9-17 Europe/Warsaw'], shape],
      ['no zone', ['Mon-Fri 09:00-17:30'], shape],
      ['an unknown day', ['Weekdays 09:00-17:00 UTC'], shape],
      ['a space in the days', ['Sat, Sun 10:00-14:00 UTC'], shape],
      ['24:00', ['Mon-Fri 09:00-24:00 UTC'], shape],
      ['a zone in lowercase', ['Mon-Fri 09:00-17:30 europe/warsaw'], shape],
      ['an offset for a zone', ['Mon-Fri 09:00-17:30 +02:00'], shape],
      ['two windows in one entry', ['Mon-Fri 09:00-17:30 Europe/Warsaw; Sat 10:00-12:00 UTC'], shape],
      ['an empty entry', [''], shape],
      ['no length', ['Daily 09:00-9:00 UTC'], length],
    ]);
  }
});

test('budget (root and module controller): caps of 0 or more, an IANA zone, whole seconds of grace; unset is no cap', { skip }, async () => {
  for (const file of [path.join(ROOT, 'variables.tf'), path.join(ROOT, 'modules', 'controller', 'variables.tf')]) {
    const tf = variableBlock(file, 'budget');
    const caps = 'budget caps (gpu_hours_per_day, gpu_hours_per_month, money_per_day, money_per_month) must be 0 or more, or unset for no cap.';
    const zone = 'budget zone must be an IANA time zone such as Europe/Warsaw, America/New_York or UTC.';
    const grace = 'budget grace_seconds must be a whole number of seconds from 0 to 86400.';
    await expect(tf, 'budget', [
      ['unset: no cap', undefined, null],
      ['null, as unset', null, null],
      ['GPU hours a day', { gpu_hours_per_day: 8 }, null],
      ['every cap, a zone, no grace', { gpu_hours_per_day: 8, gpu_hours_per_month: 120.5, money_per_day: 0, money_per_month: 300, zone: 'Europe/Warsaw', grace_seconds: 0 }, null],
      ['a negative GPU-hours cap', { gpu_hours_per_day: -1 }, caps],
      ['a negative money cap', { money_per_month: -0.01 }, caps],
      ['a zone in lowercase', { zone: 'europe/warsaw' }, zone],
      ['an offset for a zone', { zone: '+02:00' }, zone],
      ['negative grace', { grace_seconds: -1 }, grace],
      ['fractional grace', { grace_seconds: 90.5 }, grace],
      ['grace of two days', { grace_seconds: 172800 }, grace],
    ]);
  }
});

test('a money cap needs an hourly_price on every GPU offer (main.tf\'s cross-variable check); GPU-hour caps need none; a negative price is refused', { skip }, async () => {
  const tf = rootChecks();
  const SPOT_L4 = { name: 'l4-spot', machine_type: 'g2-standard-8', gpu_type: 'nvidia-l4', provisioning_model: 'SPOT' };
  const unpriced = (names) => `budget money_per_day and money_per_month count money from each offer's hourly_price: set hourly_price on every gpu_offers entry (${names} has none), or cap GPU hours only.`;
  await expect(tf, 'budget', [
    ['GPU hours, no prices', { gpu_hours_per_day: 8, gpu_hours_per_month: 100 }, null],
    ['money, the default offer unpriced', { money_per_day: 20 }, unpriced('gpu')],
  ], REQUIRED);
  await expect(tf, 'gpu_offers', [
    ['money, every offer priced', [{ ...SPOT_L4, hourly_price: 0.28 }, { ...L4, hourly_price: 0.71 }], null],
    ['money, one offer unpriced', [{ ...SPOT_L4, hourly_price: 0.28 }, L4, { ...T4, hourly_price: 0 }], unpriced('gpu')],
    ['money, none priced', [SPOT_L4, L4], unpriced('l4-spot, gpu')],
  ], { ...REQUIRED, budget: { money_per_month: 300 } });
  const gpuOffers = variableBlock(path.join(ROOT, 'variables.tf'), 'gpu_offers');
  await expect(gpuOffers, 'gpu_offers', [
    ['a free offer', [{ ...L4, hourly_price: 0 }], null],
    ['a negative price', [{ ...L4, hourly_price: -0.71 }], matching(gpuOffers, /hourly_price, when set, must be 0 or more/)],
  ]);
});

test('scaling (root and module controller): max_size null or 1 to 100, target_in_flight 1 to 1000, scale_in_delay_seconds 60 to 3600, whole numbers', { skip }, async () => {
  for (const file of [path.join(ROOT, 'variables.tf'), path.join(ROOT, 'modules', 'controller', 'variables.tf')]) {
    const max = variableBlock(file, 'max_size');
    const range = 'max_size must be null (desired_size) or an integer from 1 to 100, at least desired_size.';
    await expect(max, 'max_size', [
      ['unset: desired_size', undefined, null],
      ['null, as unset', null, null],
      ['1', 1, null],
      ['100', 100, null],
      ['0', 0, range],
      ['negative', -2, range],
      ['101', 101, range],
      ['2.5', 2.5, range],
    ]);
    const target = variableBlock(file, 'target_in_flight');
    const targetRange = 'target_in_flight must be an integer from 1 to 1000.';
    await expect(target, 'target_in_flight', [
      ['the default, 4', undefined, null],
      ['1', 1, null],
      ['1000', 1000, null],
      ['0', 0, targetRange],
      ['negative', -4, targetRange],
      ['1001', 1001, targetRange],
      ['1.5', 1.5, targetRange],
    ]);
    const delay = variableBlock(file, 'scale_in_delay_seconds');
    const delayRange = 'scale_in_delay_seconds must be an integer from 60 to 3600.';
    await expect(delay, 'scale_in_delay_seconds', [
      ['the default, 5 minutes', undefined, null],
      ['60', 60, null],
      ['an hour', 3600, null],
      ['10 s', 10, delayRange],
      ['59', 59, delayRange],
      ['two hours', 7200, delayRange],
      ['90.5', 90.5, delayRange],
    ]);
  }
});

test('max_size below desired_size is refused (main.tf\'s cross-variable check); null and equal pass', { skip }, async () => {
  const tf = rootChecks();
  const below = (max, desired) => `max_size (${max}) must be at least desired_size (${desired}), the GPU VMs of every wake: raise max_size, or leave it null for desired_size.`;
  await expect(tf, 'max_size', [
    ['unset, desired_size 3', undefined, null],
    ['equal', 3, null],
    ['above', 10, null],
    ['below', 2, below(2, 3)],
    ['0: its own range, not also this check', 0, 'max_size must be null (desired_size) or an integer from 1 to 100, at least desired_size.'],
  ], { ...REQUIRED, desired_size: 3 });
});

test('draining_timeout_seconds (root and module gpu_backend): null (the default) or 0 to 3600 whole seconds', { skip }, async () => {
  for (const file of [path.join(ROOT, 'variables.tf'), path.join(ROOT, 'modules', 'gpu_backend', 'variables.tf')]) {
    const tf = variableBlock(file, 'draining_timeout_seconds');
    const range = 'draining_timeout_seconds must be null (the default) or an integer from 0 to 3600.';
    await expect(tf, 'draining_timeout_seconds', [
      ['unset: the request timeout', undefined, null],
      ['0: off', 0, null],
      ['an hour, the API\'s maximum', 3600, null],
      ['4000', 4000, range],
      ['negative', -1, range],
      ['300.5', 300.5, range],
    ]);
  }
});

const BILLING_BUDGET = { billing_account: '012345-6789AB-CDEF01', amount: 150 };

test('billing_budget: null (none) or a billing account ID, an amount above 0, an ISO currency and thresholds; module billing_budget alike', { skip }, async () => {
  const tf = variableBlock(path.join(ROOT, 'variables.tf'), 'billing_budget');
  await expect(tf, 'billing_budget', [
    ['none, the default', undefined, null],
    ['an account and an amount', BILLING_BUDGET, null],
    ['in euros, one threshold', { ...BILLING_BUDGET, amount: 99.5, currency_code: 'EUR', thresholds: [1.0] }, null],
    ['an account ID in lowercase', { ...BILLING_BUDGET, billing_account: '012345-6789ab-cdef01' }, matching(tf, /billing_account must be a billing account ID/)],
    ['a project for an account', { ...BILLING_BUDGET, billing_account: 'my-gpu-project' }, matching(tf, /billing_account must be a billing account ID/)],
    ['no amount', { ...BILLING_BUDGET, amount: 0 }, 'billing_budget amount must be more than 0.'],
    ['a currency in lowercase', { ...BILLING_BUDGET, currency_code: 'usd' }, matching(tf, /currency_code must be an ISO 4217 code/)],
    ['no threshold', { ...BILLING_BUDGET, thresholds: [] }, matching(tf, /thresholds must list at least one fraction/)],
    ['a threshold of 0', { ...BILLING_BUDGET, thresholds: [0, 1] }, matching(tf, /thresholds must list at least one fraction/)],
  ]);
  const dir = path.join(ROOT, 'modules', 'billing_budget', 'variables.tf');
  const one = async (name, cases) => { const block = variableBlock(dir, name); await expect(block, name, resolveCases(block, cases)); };
  await one('billing_account', [['an ID', '012345-6789AB-CDEF01', null], ['a name', 'my account', /billing_account must be a billing account ID/]]);
  await one('amount', [['150', 150, null], ['0', 0, /amount must be more than 0/]]);
  await one('currency_code', [['the default', undefined, null], ['euro', 'eur', /currency_code must be an ISO 4217 code/]]);
  await one('thresholds', [['the default', undefined, null], ['none', [], /thresholds must list at least one fraction/]]);
  await one('topic_id', [['a topic ID', 'projects/p/topics/snooze-billing', null], ['a topic name', 'snooze-billing', /topic_id must be a topic ID/]]);
});

test('module controller: check_interval_seconds divides an hour in whole minutes; gpu_hourly_prices are 0 or more, by MIG', { skip }, async () => {
  const file = path.join(ROOT, 'modules', 'controller', 'variables.tf');
  const interval = variableBlock(file, 'check_interval_seconds');
  const every = matching(interval, /check_interval_seconds must be a whole number of minutes/);
  await expect(interval, 'check_interval_seconds', [
    ['a minute, the default', undefined, null],
    ['5 minutes', 300, null],
    ['half an hour', 1800, null],
    ['90 s', 90, every],
    ['7 minutes: uneven across the hour', 420, every],
    ['an hour', 3600, every],
  ]);
  const prices = variableBlock(file, 'gpu_hourly_prices');
  const price = matching(prices, /gpu_hourly_prices must map offers' MIG names/);
  await expect(prices, 'gpu_hourly_prices', [
    ['none', undefined, null],
    ['two MIGs', { 'snooze-gpu': 0.71, 'snooze-l4-spot': 0.28 }, null],
    ['a negative price', { 'snooze-gpu': -1 }, price],
    ['an offer name with a capital', { GPU: 0.71 }, price],
  ]);
});
