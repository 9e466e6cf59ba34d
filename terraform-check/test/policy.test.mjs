import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { check } from '../lib/checker.mjs';

// Policy rules that have no fixture directory of their own: written to a temp dir per case.
async function run(tf, opts = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfcheck-'));
  fs.writeFileSync(path.join(dir, 'main.tf'), tf);
  try {
    return (await check(dir, { envSource: path.join(import.meta.dirname, 'fixtures', 'snooze-env.txt'), ...opts }))
      .map((p) => `${p.file}:${p.line}: ${p.message}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('external backend service without IAP', async () => {
  assert.deepEqual(await run('resource "google_compute_backend_service" "fe" {\n  name = "fe"\n}\n'),
    ['main.tf:1: google_compute_backend_service.fe: external backend service must have iap { enabled = true }']);
});

test('internal backend service timeout: literal too low, unvalidated variable, validated variable', async () => {
  const be = (t) => `resource "google_compute_region_backend_service" "in" {\n  name = "in"\n  region = "r"\n  load_balancing_scheme = "INTERNAL_MANAGED"\n  timeout_sec = ${t}\n}\n`;
  const msg = 'main.tf:5: google_compute_region_backend_service.in: internal backend service timeout_sec must be >= 600 (a literal, or a variable whose validation requires it)';
  assert.deepEqual(await run(be('30')), [msg]);
  assert.deepEqual(await run(`variable "t" {\n  description = "t"\n  type = number\n}\n${be('var.t')}`), [msg.replace(':5:', ':9:')]);
  assert.deepEqual(await run(`variable "t" {\n  description = "t"\n  type = number\n  validation {\n    condition = var.t >= 600\n    error_message = "x"\n  }\n}\n${be('var.t')}`), []);
});

test('custom role permissions must equal the set in policy.json', async () => {
  const tf = 'resource "google_project_iam_custom_role" "controller" {\n  role_id = "snoozeMigController"\n  title = "t"\n  permissions = ["compute.instanceGroupManagers.get", "compute.instances.delete"]\n}\n';
  assert.deepEqual(await run(tf), ['main.tf:4: google_project_iam_custom_role.controller: permissions differ from policy.json: missing compute.instanceGroupManagers.list, compute.instanceGroupManagers.update, compute.regionOperations.get, compute.zoneOperations.get; not allowed compute.instances.delete']);
});

test('function env: required variables and region/zone exclusivity', async () => {
  const tf = 'resource "google_cloudfunctions2_function" "f" {\n  name = "f"\n  location = "l"\n  service_config {\n    environment_variables = {\n      SNOOZE_ZONE = "z"\n      SNOOZE_REGION = "r"\n    }\n  }\n}\n';
  assert.deepEqual(await run(tf), [
    'main.tf:5: google_cloudfunctions2_function.f: service_config.environment_variables must set SNOOZE_MIG',
    'main.tf:5: google_cloudfunctions2_function.f: service_config.environment_variables must set SNOOZE_PROJECT',
    'main.tf:5: google_cloudfunctions2_function.f: set only one of SNOOZE_REGION, SNOOZE_ZONE',
  ]);
});

// Rule 3 only (references): the module tree's conventions (rule 5) have tests of their own.
test('module call: unknown argument, missing variable, missing output', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfcheck-'));
  fs.mkdirSync(path.join(dir, 'm'));
  fs.writeFileSync(path.join(dir, 'm', 'main.tf'), 'variable "a" {\n  type = string\n}\noutput "x" {\n  value = var.a\n}\n');
  fs.writeFileSync(path.join(dir, 'main.tf'), 'module "m" {\n  source = "./m"\n  b = 1\n}\noutput "y" {\n  value = module.m.z\n}\n');
  try {
    assert.deepEqual((await check(dir, { policy: false })).map((p) => `${p.file}:${p.line}: ${p.message}`), [
      'main.tf:1: module "m": missing required variable "a"',
      'main.tf:3: module "m": ./m declares no variable "b"',
      'main.tf:6: module "m" (./m) has no output "z"',
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
