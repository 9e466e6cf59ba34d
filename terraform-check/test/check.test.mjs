import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { check } from '../lib/checker.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIX = path.join(HERE, 'fixtures');
const ENV = path.join(FIX, 'snooze-env.txt');

async function lines(name) {
  const problems = await check(path.join(FIX, name), { envSource: ENV });
  return problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
}

test('good fixture (resources, nested and dynamic blocks, variable, local, module, data) is clean', async () => {
  assert.deepEqual(await lines('good'), []);
});

test('good fixture is clean against the functions\' real SnoozeConfig.java too', async () => {
  assert.deepEqual(await check(path.join(FIX, 'good')), []);
});

const cases = {
  'misspelt-argument': ['main.tf:4: google_compute_instance_template.gpu.disk: unknown argument "source_imag" (did you mean "source_image"?)'],
  'unknown-block': ['main.tf:8: google_compute_instance_template.gpu.network_interface: unknown nested block "floating_ip"'],
  'unknown-resource': ['main.tf:1: unknown resource type "google_compute_instance_templat" (not in the google provider schema)'],
  'missing-required': ['main.tf:3: google_cloud_scheduler_job.sleep.http_target: missing required argument "uri"'],
  'dangling-refs': [
    'main.tf:6: reference to undeclared variable "var.zone"',
    'main.tf:10: reference to undeclared local "local.nam"',
    'main.tf:14: reference to undeclared resource "google_compute_health_check.gpu"',
    'main.tf:18: reference to undeclared data source "data.google_compute_image.cos"',
    'main.tf:22: reference to undeclared module "module.naming"',
  ],
  unparsable: ['main.tf:3: parse error: Invalid expression; Expected the start of an expression, but found an invalid expression token.'],
  'access-config': ['main.tf:12: google_compute_instance_template.gpu: GPU instance template has an access_config (external IP); remove it'],
  'all-users': ['main.tf:5: "allUsers" grants public access; remove it'],
  'scheduler-no-oidc': ['main.tf:3: google_cloud_scheduler_job.sleep: http_target must use oidc_token'],
  'unknown-env': ['main.tf:9: google_cloudfunctions2_function.wake: SNOOZE_IDLE_TIMOUT is set but the functions do not read it'],
};

for (const [name, want] of Object.entries(cases)) {
  test(`bad fixture ${name}`, async () => {
    assert.deepEqual(await lines(name), want);
  });
}

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
