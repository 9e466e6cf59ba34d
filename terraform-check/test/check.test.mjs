import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { DEFAULT_ENV_SOURCE, check, readEnvSource } from '../lib/checker.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIX = path.join(HERE, 'fixtures');
const ENV = path.join(FIX, 'snooze-env.txt');
const CALLS = path.join(FIX, 'mig-calls.txt');

async function lines(name) {
  const problems = await check(path.join(FIX, name), { envSource: ENV, callSource: CALLS });
  return problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
}

test('good fixture (resources, nested and dynamic blocks, variable, local, module, data; a module tree with its versions.tf and README.md) is clean', async () => {
  assert.deepEqual(await lines('good'), []);
});

test('good fixture is clean against the functions\' real SnoozeConfig.java and compute package too', async () => {
  assert.deepEqual(await check(path.join(FIX, 'good')), []);
});

const cases = {
  'misspelt-argument': ['main.tf:4: google_compute_instance_template.gpu.disk: unknown argument "source_imag" (did you mean "source_image"?)'],
  'unknown-block': ['main.tf:8: google_compute_instance_template.gpu.network_interface: unknown nested block "floating_ip"'],
  'unknown-resource': ['main.tf:1: unknown resource type "google_compute_instance_templat" (not in the google provider schema)'],
  'missing-required': ['main.tf:3: google_cloud_scheduler_job.sleep.http_target: missing required argument "uri"'],
  'dangling-refs': [
    'main.tf:7: reference to undeclared variable "var.zone"',
    'main.tf:11: reference to undeclared local "local.nam"',
    'main.tf:15: reference to undeclared resource "google_compute_health_check.gpu"',
    'main.tf:20: reference to undeclared data source "data.google_compute_image.cos"',
    'main.tf:25: reference to undeclared module "module.naming"',
  ],
  unparsable: ['main.tf:3: parse error: Invalid expression; Expected the start of an expression, but found an invalid expression token.'],
  'access-config': ['main.tf:12: google_compute_instance_template.gpu: GPU instance template has an access_config (external IP); remove it'],
  'all-users': ['main.tf:5: "allUsers" grants public access; remove it'],
  'scheduler-no-oidc': ['main.tf:3: google_cloud_scheduler_job.sleep: http_target must use oidc_token'],
  // GPU templates: TERMINATE on host maintenance; a Spot scheduling block is whole; the model a
  // literal (a dynamic block's content is checked like a block's).
  'spot-scheduling': [
    'main.tf:15: google_compute_instance_template.spot: scheduling with provisioning_model = "SPOT" must set automatic_restart = false',
    'main.tf:15: google_compute_instance_template.spot: scheduling with provisioning_model = "SPOT" must set instance_termination_action (STOP or DELETE: what preemption does)',
    'main.tf:15: google_compute_instance_template.spot: scheduling with provisioning_model = "SPOT" must set preemptible = true',
    'main.tf:16: google_compute_instance_template.spot: scheduling must set on_host_maintenance = "TERMINATE" (GPU VMs cannot live-migrate)',
    'main.tf:33: google_compute_instance_template.legacy: scheduling has preemptible = true without provisioning_model = "SPOT": use Spot VMs (no 24-hour limit, a termination action)',
    'main.tf:38: google_compute_instance_template.none: GPU instance template has no scheduling block: GPU VMs cannot live-migrate, set scheduling { on_host_maintenance = "TERMINATE" }',
    'main.tf:59: google_compute_instance_template.dynamic: scheduling provisioning_model must be the literal "SPOT" or "STANDARD" to be checked: write one scheduling block per model (dynamic ones, chosen by for_each)',
    'main.tf:70: google_compute_instance_template.dynamic: scheduling instance_termination_action must be STOP or DELETE, not "HIBERNATE"',
  ],
  // Every GPU MIG (every instance of a for_each) is a backend of an internal backend service.
  'gpu-mig-backend': [
    'main.tf:34: google_compute_region_instance_group_manager.gpu: GPU MIG is not a backend of an internal backend service (every offer\'s MIG must be, or the frontend cannot reach its VMs); with for_each, write dynamic "backend" { for_each = google_compute_region_instance_group_manager.gpu content { group = backend.value.instance_group } }',
    'main.tf:44: google_compute_instance_group_manager.outside: GPU MIG is not a backend of an internal backend service (every offer\'s MIG must be, or the frontend cannot reach its VMs)',
  ],
  // GPU templates' boot: guest attributes on, every stage reported in order by a best-effort
  // reporter, OLLAMA_KEEP_ALIVE in the container's environment; a script it cannot read is said.
  'boot-stages': [
    'main.tf:44: google_compute_instance_template.bad: GPU instance template must set metadata enable-guest-attributes = "TRUE": its startup script reports the boot stages as guest attributes (snooze/<stage>), which Status reads',
    'main.tf:45: google_compute_instance_template.bad: the container\'s environment does not set OLLAMA_KEEP_ALIVE: Ollama unloads a model 5 minutes after its last request while Snooze keeps the GPU awake for idle_timeout_seconds: pass merge({ OLLAMA_KEEP_ALIVE = "-1" }, var.backend_env) as the container\'s environment',
    'main.tf:61: google_compute_instance_template.opaque: GPU instance template has no startup-script that terraform-check can read (a literal, or templatefile/file of a file in the module) to check its boot stages',
    'main.tf:63: google_compute_instance_template.opaque: the container\'s environment does not set OLLAMA_KEEP_ALIVE: Ollama unloads a model 5 minutes after its last request while Snooze keeps the GPU awake for idle_timeout_seconds: pass merge({ OLLAMA_KEEP_ALIVE = "-1" }, var.backend_env) as the container\'s environment',
    'templates/bad.sh.tftpl:3: google_compute_instance_template.bad: startup script report_stage() must be best effort: a curl with a short --max-time whose failure is caught (|| ...), so that a lost report never stops the boot',
    'templates/bad.sh.tftpl:7: google_compute_instance_template.bad: startup script never reports the stage "driver" (a line `report_stage driver`): Status would skip it',
    'templates/bad.sh.tftpl:9: google_compute_instance_template.bad: startup script reports "loading-model" before "starting-container": the stages are reported in the order booting, driver, pulling-image, starting-container, loading-model, ready',
  ],
  'unknown-env': ['main.tf:9: google_cloudfunctions2_function.wake: SNOOZE_IDLE_TIMOUT is set but the functions do not read it'],
  // Rule 5: conventions.
  undocumented: [
    'main.tf:1: variable "region" has no type',
    'main.tf:5: variable "name" has no description',
    'main.tf:9: variable "zone" has no description',
    'main.tf:14: output "topic" has no description',
  ],
  // backend_timeout_sec, a rename guard (default null, validation var.X == null), is exempt.
  'duration-names': [
    'main.tf:1: variable "wake_timeout_sec": one unit for every duration: name it "wake_timeout_seconds"',
    'main.tf:6: variable "idle_timeout": a duration says its unit: name it "idle_timeout_seconds" (a number)',
    'main.tf:11: variable "retry_delay_minutes": one unit for every duration: name it "retry_delay_seconds"',
    'main.tf:16: variable "request_timeout_seconds": a duration in seconds has type number (nothing to decode)',
    'main.tf:36: output "poll_interval": a duration says its unit: name it "poll_interval_seconds" (a number)',
  ],
  'setting-names': [
    'main.tf:9: module "frontend": pending_cap = var.max_pending gives one setting two names; use one (the module\'s may only drop a qualifying prefix, as image = var.frontend_image)',
    'main.tf:10: module "frontend": hold_seconds = var.wake_timeout_seconds gives one setting two names; use one (the module\'s may only drop a qualifying prefix, as image = var.frontend_image)',
    'modules/frontend/main.tf:18: SNOOZE_WAKE_TIMEOUT is set from var.hold_seconds here but from var.wake_timeout_seconds in modules/functions/main.tf: one setting, one name',
    'modules/functions/main.tf:9: SNOOZE_WAKE_TIMEOUT is set from var.wake_timeout_seconds here but from var.hold_seconds in modules/frontend/main.tf: one setting, one name',
  ],
  'module-layout': [
    'modules/m/main.tf:5: data.archive_file.functions uses provider "archive", which versions.tf does not require',
    'modules/m/README.md:1: module has no README.md',
    'modules/m/versions.tf:2: required_version ">= 1.3" differs from the root\'s ">= 1.5"',
    'modules/m/versions.tf:5: provider "google" is hashicorp/google ~> 5.0; the root\'s is hashicorp/google ~> 6.50',
    'modules/m/versions.tf:9: provider "random" is not required by the root',
  ],
  'stale-readme': [
    'modules/m/README.md:5: variables and outputs tables are out of date: run node terraform-check/tfdoc.mjs on the root',
    'README.md:1: variables and outputs tables are missing: run node terraform-check/tfdoc.mjs on the root',
  ],
};

for (const [name, want] of Object.entries(cases)) {
  test(`bad fixture ${name}`, async () => {
    assert.deepEqual(await lines(name), want);
  });
}

test('functionEnv.pending: a variable the functions do not read yet may be set, no other', async () => {
  const policy = JSON.parse(fs.readFileSync(path.join(HERE, '..', 'policy.json'), 'utf8'));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'policy-')), 'policy.json');
  fs.writeFileSync(file, JSON.stringify({ ...policy, functionEnv: { ...policy.functionEnv, pending: ['SNOOZE_IDLE_TIMOUT'] } }));
  const problems = await check(path.join(FIX, 'unknown-env'), { envSource: ENV, callSource: CALLS, policy: file });
  assert.deepEqual(problems, []);
});

// Names Terraform sets ahead of the functions (policy.json functionEnv.pending) stay exempt only
// until the functions read them: then this fails, to take them out of the list.
test('policy.json functionEnv.pending names only variables the functions do not read yet (SnoozeConfig.java)', () => {
  const policy = JSON.parse(fs.readFileSync(path.join(HERE, '..', 'policy.json'), 'utf8'));
  const read = readEnvSource(DEFAULT_ENV_SOURCE);
  const stale = (policy.functionEnv.pending || []).filter((k) => read.includes(k));
  assert.deepEqual(stale, [], `SnoozeConfig.java reads ${stale.join(', ')} now: remove them from policy.json functionEnv.pending`);
});

test('conventions are policy: --no-policy skips them', async () => {
  assert.deepEqual(await check(path.join(FIX, 'module-layout'), { envSource: ENV, policy: false }), []);
});

test('CLI: exit 0 and no output when clean; exit 1 with file:line lines otherwise', () => {
  const cli = path.join(HERE, '..', 'check.mjs');
  const ok = spawnSync(process.execPath, [cli, '--env-source', ENV, path.join(FIX, 'good')], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, '');
  const bad = spawnSync(process.execPath, [cli, 'test/fixtures/all-users'], { encoding: 'utf8', cwd: path.join(HERE, '..') });
  assert.equal(bad.status, 1);
  assert.equal(bad.stdout, 'test/fixtures/all-users/main.tf:5: "allUsers" grants public access; remove it\n');
  const usage = spawnSync(process.execPath, [cli], { encoding: 'utf8' });
  assert.equal(usage.status, 2);
});

test('policy.json bootStages lists the stages BootStage.java says a VM reports, in its order', () => {
  const policy = JSON.parse(fs.readFileSync(path.join(HERE, '..', 'policy.json'), 'utf8'));
  const java = fs.readFileSync(path.join(HERE, '..', '..', 'common/src/main/java/dev/snooze/boot/BootStage.java'), 'utf8');
  const wire = [...java.matchAll(/^\s*([A-Z_]+)\("([a-z-]+)"\)[,;]/gm)].map((m) => m[2]);
  // Every stage but provisioning (known from the instance's status, never reported by the VM).
  assert.deepEqual(policy.bootStages.stages, wire.filter((w) => w !== 'provisioning'));
  assert.match(java, new RegExp(`NAMESPACE = "${policy.bootStages.namespace}"`));
});
