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
    const fix = path.join(import.meta.dirname, 'fixtures');
    return (await check(dir, { envSource: path.join(fix, 'snooze-env.txt'), callSource: path.join(fix, 'mig-calls.txt'), ...opts }))
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
  assert.deepEqual(await run(tf), [
    // computeCalls: what the functions' calls need (the test after next)
    "main.tf:4: google_project_iam_custom_role.controller: lacks compute.instanceGroupManagers.list, which the functions' listErrors, listManagedInstances need",
    "main.tf:4: google_project_iam_custom_role.controller: lacks compute.instanceGroupManagers.update, which the functions' resize, startInstances, stopInstances need",
    "main.tf:4: google_project_iam_custom_role.controller: lacks compute.instances.getGuestAttributes, which the functions' instances.getGuestAttributes needs",
    "main.tf:4: google_project_iam_custom_role.controller: lacks compute.regionOperations.get, which the functions' resize, startInstances, stopInstances need",
    "main.tf:4: google_project_iam_custom_role.controller: lacks compute.zoneOperations.get, which the functions' resize, startInstances, stopInstances need",
    'main.tf:4: google_project_iam_custom_role.controller: permissions differ from policy.json: missing compute.instanceGroupManagers.list, compute.instanceGroupManagers.update, compute.instances.getGuestAttributes, compute.regionOperations.get, compute.zoneOperations.get; not allowed compute.instances.delete',
  ]);
});

test('function env: required variables and region/zone exclusivity', async () => {
  const tf = 'resource "google_cloudfunctions2_function" "f" {\n  name = "f"\n  location = "l"\n  service_config {\n    environment_variables = {\n      SNOOZE_ZONE = "z"\n      SNOOZE_REGION = "r"\n    }\n  }\n}\n';
  assert.deepEqual(await run(tf), [
    'main.tf:5: google_cloudfunctions2_function.f: service_config.environment_variables must set SNOOZE_MIG',
    'main.tf:5: google_cloudfunctions2_function.f: service_config.environment_variables must set SNOOZE_OFFERS',
    'main.tf:5: google_cloudfunctions2_function.f: service_config.environment_variables must set SNOOZE_PROJECT',
    'main.tf:5: google_cloudfunctions2_function.f: set only one of SNOOZE_REGION, SNOOZE_ZONE',
  ]);
});

test('function env: a variable the functions read is accepted, a misspelt one is not', async () => {
  const fn = (extra) => `resource "google_cloudfunctions2_function" "f" {\n  name = "f"\n  location = "l"\n  service_config {\n    environment_variables = {\n      SNOOZE_PROJECT = "p"\n      SNOOZE_REGION = "r"\n      SNOOZE_MIG = "m"\n      SNOOZE_OFFERS = "m@r:STANDARD"\n      ${extra} = "120"\n    }\n  }\n}\n`;
  assert.deepEqual(await run(fn('SNOOZE_CAPACITY_TIMEOUT')), []);
  assert.deepEqual(await run(fn('SNOOZE_CAPACITY_TIMOUT')), ['main.tf:10: google_cloudfunctions2_function.f: SNOOZE_CAPACITY_TIMOUT is set but the functions do not read it']);
});

const ROLE = (perms, grant = '') => `resource "google_project_iam_custom_role" "controller" {
  role_id     = "snooze_mig_controller"
  title       = "t"
  permissions = [${perms.map((p) => `"${p}"`).join(', ')}]
}

resource "google_project_iam_member" "wake" {
  project = "p"
  role    = google_project_iam_custom_role.controller.id
  member  = "serviceAccount:w@p.iam.gserviceaccount.com"
${grant}}
`;
const ALL = ['compute.instanceGroupManagers.get', 'compute.instanceGroupManagers.list', 'compute.instanceGroupManagers.update', 'compute.instances.getGuestAttributes', 'compute.regionOperations.get', 'compute.zoneOperations.get'];

test('custom roles cover every Compute call the functions make (computeCalls), granted without a condition', async () => {
  assert.deepEqual(await run(ROLE(ALL)), []);
  const noUpdate = ALL.filter((p) => !p.endsWith('.update') && !p.endsWith('zoneOperations.get'));
  assert.deepEqual(await run(ROLE(noUpdate)), [
    'main.tf:4: google_project_iam_custom_role.controller: lacks compute.instanceGroupManagers.update, which the functions\' resize, startInstances, stopInstances need',
    'main.tf:4: google_project_iam_custom_role.controller: lacks compute.zoneOperations.get, which the functions\' resize, startInstances, stopInstances need',
    'main.tf:4: google_project_iam_custom_role.controller: permissions differ from policy.json: missing compute.instanceGroupManagers.update, compute.zoneOperations.get',
  ]);
  assert.deepEqual(await run(ROLE(ALL, '  condition {\n    title      = "gpu only"\n    expression = "resource.name.endsWith(\'-gpu\')"\n  }\n')), [
    'main.tf:11: google_project_iam_member.wake: grants google_project_iam_custom_role.controller under a condition, which can leave an offer\'s MIG out: grant it on the project without one',
  ]);
});

test('a Compute call the policy does not map to permissions is reported', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfcheck-calls-'));
  const java = path.join(dir, 'MigApi.java');
  fs.writeFileSync(java, 'class A { void f() { client.get(p, r, n); client.resizeAsync(b.build()); client.deleteInstancesAsync(b.build()); client.close(); } }\n');
  try {
    assert.deepEqual(await run(ROLE(ALL), { callSource: java }), [
      'main.tf:4: google_project_iam_custom_role.controller: the functions call compute method "deleteInstances" (MigApi.java), which policy.json computeCalls.permissions does not map to permissions: add it',
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('Compute calls in Java: the MIG client as client, an InstancesClient by its declared type (instances.m), never one client\'s method for the other\'s', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfcheck-calls-'));
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'MigApi.java'), [
    'record Regional(RegionInstanceGroupManagersClient client, InstancesClient instances, MigLocation.Region at) {',
    '  Object get() { return client.get(at.project(), at.region(), at.name()); }',
    '  Object stages(String zone, String vm) { return instances.getGuestAttributes(req(zone, vm)); }',
    '  public void close() { client.close(); instances.close(); }',
    '}',
  ].join('\n'));
  // A directory is read whole (every .java file below it): a call in another file counts too.
  fs.writeFileSync(path.join(dir, 'sub', 'Vm.java'), 'class Vm { void f(InstancesClient c) { c.get(p, z, n); } }\n');
  const reader = `resource "google_project_iam_custom_role" "reader" {\n  role_id     = "snooze_mig_reader"\n  title       = "t"\n  permissions = ["compute.instanceGroupManagers.get", "compute.instanceGroupManagers.list"]\n}\n`;
  try {
    assert.deepEqual(await run(reader, { callSource: dir }), [
      // instances.get is Compute's instances.get, not the MIG's get: the policy must say its permission.
      'main.tf:4: google_project_iam_custom_role.reader: lacks compute.instances.getGuestAttributes, which the functions\' instances.getGuestAttributes needs',
      'main.tf:4: google_project_iam_custom_role.reader: permissions differ from policy.json: missing compute.instances.getGuestAttributes',
      'main.tf:4: google_project_iam_custom_role.reader: the functions call compute method "instances.get" (Vm.java), which policy.json computeCalls.permissions does not map to permissions: add it',
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('offers variables: each validation policy.json asks for is there (variableValidations)', async () => {
  const v = (conds) => `variable "gpu_offers" {\n  description = "d"\n  type = list(object({ name = string, provisioning_model = string, termination_action = string }))\n${conds.map((c) => `  validation {\n    condition = ${c}\n    error_message = "e"\n  }\n`).join('')}}\n`;
  assert.deepEqual(await run(v(['length(var.gpu_offers) > 0'])), [
    'main.tf:1: variable "gpu_offers" has no validation that checks provisioning_model SPOT or STANDARD (policy.json variableValidations)',
    'main.tf:1: variable "gpu_offers" has no validation that checks termination_action STOP or DELETE, for SPOT only (policy.json variableValidations)',
    'main.tf:1: variable "gpu_offers" has no validation that checks unique names (policy.json variableValidations)',
  ]);
  assert.deepEqual(await run(v([
    'length(var.gpu_offers) >= 1',
    'length(distinct([for x in var.gpu_offers : x.name])) == length(var.gpu_offers)',
    'alltrue([for x in var.gpu_offers : contains(["SPOT", "STANDARD"], x.provisioning_model)])',
    'alltrue([for x in var.gpu_offers : x.termination_action == null ? true : (x.provisioning_model == "SPOT" && contains(["STOP", "DELETE"], x.termination_action))])',
  ])), []);
});

test('GPU MIGs with for_each: a dynamic backend over the same collection must take each by its key', async () => {
  const tf = (group) => `locals {\n  offers = { a = 1, b = 2 }\n}\n
resource "google_compute_instance_template" "gpu" {\n  for_each = local.offers\n  machine_type = "g2-standard-8"\n  disk {\n    source_image = "cos"\n  }\n  network_interface {\n    network = "default"\n  }\n  scheduling {\n    on_host_maintenance = "TERMINATE"\n  }\n}\n
resource "google_compute_region_instance_group_manager" "gpu" {\n  for_each = local.offers\n  name = each.key\n  base_instance_name = each.key\n  version {\n    instance_template = google_compute_instance_template.gpu[each.key].id\n  }\n}\n
resource "google_compute_region_backend_service" "in" {\n  name = "in"\n  load_balancing_scheme = "INTERNAL_MANAGED"\n  timeout_sec = 900\n  dynamic "backend" {\n    for_each = local.offers\n    content {\n      group = ${group}\n    }\n  }\n}\n`;
  assert.deepEqual(await run(tf('google_compute_region_instance_group_manager.gpu[backend.key].instance_group')), []);
  assert.equal((await run(tf('google_compute_region_instance_group_manager.gpu["a"].instance_group'))).length, 1);
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
