// Warm windows, the GPU budget, the Cloud Billing budget and scaling while awake, from the root's
// variables to what the functions get. The static half reads the HCL (what is wired to what); the
// evaluated half runs Terraform itself on the real variables and locals (lib/terraform.mjs,
// skipped without a terraform binary): the root's arguments of module "controller", then the
// controller's function_env from them, every instance count that billing_budget switches, and
// module gpu_backend's connection draining timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadModule } from '../lib/checker.mjs';
import { TERRAFORM, evaluate, expression, nestedText, planErrors, pureLocalsOf, variablesOf } from '../lib/terraform.mjs';

const ROOT = path.join(import.meta.dirname, '..', '..', 'terraform');
const CONTROLLER = path.join(ROOT, 'modules', 'controller');
const BILLING = path.join(ROOT, 'modules', 'billing_budget');
const GPU_BACKEND = path.join(ROOT, 'modules', 'gpu_backend');
const skip = TERRAFORM ? false : 'no terraform on PATH';

/** Values of the root variables that have no default. */
const REQUIRED = { project_id: 'my-gpu-project', frontend_image: 'snooze/frontend:1', iap_members: ['user:a@example.com'] };
const SPOT = { name: 'l4-spot', machine_type: 'g2-standard-4', gpu_type: 'nvidia-l4', provisioning_model: 'SPOT' };
const L4 = { name: 'gpu', machine_type: 'g2-standard-4', gpu_type: 'nvidia-l4' };
const BILLING_BUDGET = { billing_account: '012345-6789AB-CDEF01', amount: 150 };

/** The variables the functions read for these features, as the issue names them. */
const FEATURE_ENV = [
  'SNOOZE_WARM_WINDOWS', 'SNOOZE_CHECK_INTERVAL',
  'SNOOZE_BUDGET_GPU_HOURS_PER_DAY', 'SNOOZE_BUDGET_GPU_HOURS_PER_MONTH',
  'SNOOZE_BUDGET_MONEY_PER_DAY', 'SNOOZE_BUDGET_MONEY_PER_MONTH',
  'SNOOZE_GPU_PRICES', 'SNOOZE_BUDGET_ZONE', 'SNOOZE_BUDGET_GRACE',
];

/** The root's arguments of module "controller" (and the root's own switches), evaluated from the
 * root's variables: module gpu_backend's offers stood in for by its naming, "<name>-<offer name>". */
async function controllerArgs(vars) {
  const root = await loadModule(ROOT);
  const call = root.decl.module.get('controller').body;
  const exprs = {};
  for (const [arg, v] of Object.entries(call)) {
    if (['source', 'depends_on', 'count', 'for_each', 'providers'].includes(arg)) continue;
    exprs[arg] = expression(v).replace(/module\.gpu_backend\.offers/g, 'local.stub_gpu_backend_offers');
    assert.doesNotMatch(exprs[arg], /module\./, `controller's ${arg} names no other module than gpu_backend's offers`);
  }
  const billing = root.decl.module.get('billing_budget').body;
  exprs._billing_budget_count = expression(billing.count);
  exprs._services = 'local.services';
  const stub = `locals {\n  stub_gpu_backend_offers = [for o in var.gpu_offers : { name = o.name, mig_name = "\${var.name}-\${o.name}", provisioning_model = o.provisioning_model }]\n}\n`;
  return evaluate(`${variablesOf(ROOT)}\n${pureLocalsOf(ROOT)}\n${stub}`, exprs, { ...REQUIRED, ...vars });
}

/** The controller's locals (function_env, functions, the schedule) for the root's arguments. */
async function controller(args, exprs) {
  const vars = Object.fromEntries(Object.entries(args).filter(([k]) => !k.startsWith('_')));
  return evaluate(`${variablesOf(CONTROLLER)}\n${pureLocalsOf(CONTROLLER)}`, exprs, vars);
}

// --- Static: what is wired to what --------------------------------------------------------------

test('every function, BillingAlert included, gets local.function_env; the root passes warm_windows, budget, the offers\' prices and billing_alert to the controller', async () => {
  const ctl = await loadModule(CONTROLLER);
  const fn = ctl.decl.resource.get('google_cloudfunctions2_function.function');
  assert.equal(fn.body.for_each, '${local.functions}');
  assert.equal(fn.body.service_config[0].environment_variables, '${local.function_env}');
  const scheduler = ctl.decl.resource.get('google_cloud_scheduler_job.sleep');
  assert.equal(scheduler.body.schedule, '${local.sleep_schedule}', 'the scheduler runs on the schedule derived from check_interval_seconds');
  const root = await loadModule(ROOT);
  const call = root.decl.module.get('controller').body;
  assert.equal(call.warm_windows, '${var.warm_windows}');
  assert.equal(call.budget, '${var.budget}');
  assert.match(call.gpu_hourly_prices, /module\.gpu_backend\.offers.*o\.mig_name.*local\.offer_prices/);
  assert.equal(call.billing_alert, '${var.billing_budget != null}');
});

test('billing budget wiring: the budget publishes every update to the controller\'s billing topic, Cloud Billing may publish there, and BillingAlert is triggered by it', async () => {
  const root = await loadModule(ROOT);
  const call = root.decl.module.get('billing_budget').body;
  assert.equal(call.source, './modules/billing_budget');
  assert.equal(call.topic_id, '${module.controller.billing_topic_id}');
  assert.deepEqual(call.providers, { google: '${google.billing}' });
  const provider = root.files.flatMap((f) => (f.json.provider && f.json.provider.google) || []).find((p) => p.alias === 'billing');
  assert.ok(provider, 'versions.tf declares provider google.billing');
  assert.equal(provider.billing_project, '${var.project_id}');
  assert.equal(provider.user_project_override, true);

  const bb = await loadModule(BILLING);
  const budget = bb.decl.resource.get('google_billing_budget.budget').body;
  assert.deepEqual(budget.all_updates_rule, [{ pubsub_topic: '${var.topic_id}', schema_version: '1.0' }]);
  assert.deepEqual(budget.budget_filter[0].projects, ['projects/${data.google_project.project.number}']);
  assert.equal(budget.budget_filter[0].calendar_period, 'MONTH');
  assert.deepEqual(budget.depends_on, ['${google_pubsub_topic_iam_member.billing_publisher}'], 'the publisher grant comes first');
  assert.equal(budget.dynamic.threshold_rules[0].for_each, '${var.thresholds}');
  const grant = bb.decl.resource.get('google_pubsub_topic_iam_member.billing_publisher').body;
  assert.deepEqual({ topic: grant.topic, role: grant.role, member: grant.member }, {
    topic: '${var.topic_id}', role: 'roles/pubsub.publisher', member: 'serviceAccount:billing-budget-alert@system.gserviceaccount.com',
  });
  // Only that grant in the module: nothing else may publish, and no project-wide role.
  assert.deepEqual([...bb.decl.resource.keys()].filter((k) => /iam/.test(k)), ['google_pubsub_topic_iam_member.billing_publisher']);

  const ctl = await loadModule(CONTROLLER);
  assert.equal(ctl.decl.resource.get('google_pubsub_topic.billing').body.count, '${var.billing_alert ? 1 : 0}');
  const triggers = ctl.decl.local.get('event_triggers').value;
  assert.match(triggers, /billing = \{\s*topic\s*= one\(google_pubsub_topic\.billing\[\*\]\.id\)\s*service_account = one\(google_service_account\.billing_trigger\[\*\]\.email\)/);
  assert.match(triggers, /wake = \{\s*topic\s*= google_pubsub_topic\.activity\.id\s*service_account = google_service_account\.wake_trigger\.email/);
  const trigger = ctl.decl.resource.get('google_cloudfunctions2_function.function').body.dynamic.event_trigger[0];
  assert.equal(trigger.for_each, '${contains(keys(local.event_triggers), each.key) ? [local.event_triggers[each.key]] : []}');
  assert.deepEqual(trigger.content[0], {
    trigger_region: '${var.region}',
    event_type: 'google.cloud.pubsub.topic.v1.messagePublished',
    pubsub_topic: '${event_trigger.value.topic}',
    retry_policy: 'RETRY_POLICY_RETRY',
    service_account_email: '${event_trigger.value.service_account}',
  });
  // The trigger's identity may invoke BillingAlert and nothing else, as Wake's may Wake.
  const invoker = ctl.decl.resource.get('google_cloud_run_v2_service_iam_member.billing_trigger').body;
  assert.deepEqual({ name: invoker.name, role: invoker.role, member: invoker.member }, {
    name: '${google_cloudfunctions2_function.function["billing"].service_config[0].service}',
    role: 'roles/run.invoker',
    member: 'serviceAccount:${google_service_account.billing_trigger[0].email}',
  });
  // BillingAlert's runtime identity: Firestore only, no Compute role.
  assert.equal(ctl.decl.resource.get('google_project_iam_member.controller').body.for_each, '${toset(["wake", "sleep"])}');
  assert.match(ctl.decl.resource.get('google_project_iam_member.reader').body.member, /function\["status"\]/);
});

// --- Evaluated: what the functions get ----------------------------------------------------------

test('the windows, the check interval, the budget and the offers\' prices reach every function\'s environment under the names the functions read', { skip }, async () => {
  const args = await controllerArgs({
    warm_windows: ['Mon-Fri 09:00-17:30 Europe/Warsaw', 'Sat,Sun 10:00-14:00 UTC'],
    budget: { gpu_hours_per_day: 8, gpu_hours_per_month: 120.5, money_per_day: 20, money_per_month: 300, zone: 'Europe/Warsaw', grace_seconds: 300 },
    gpu_offers: [{ ...SPOT, hourly_price: 0.28 }, { ...L4, hourly_price: 0.71 }],
  });
  assert.deepEqual(args.gpu_hourly_prices, { 'snooze-l4-spot': 0.28, 'snooze-gpu': 0.71 });
  assert.equal(args.billing_alert, false);
  const { env, functions } = await controller(args, { env: 'local.function_env', functions: 'keys(local.functions)' });
  assert.deepEqual(functions, ['sleep', 'status', 'wake']);
  const features = Object.fromEntries(FEATURE_ENV.map((k) => [k, env[k]]));
  assert.deepEqual(features, {
    SNOOZE_WARM_WINDOWS: 'Mon-Fri 09:00-17:30 Europe/Warsaw; Sat,Sun 10:00-14:00 UTC',
    SNOOZE_CHECK_INTERVAL: '60',
    SNOOZE_BUDGET_GPU_HOURS_PER_DAY: '8',
    SNOOZE_BUDGET_GPU_HOURS_PER_MONTH: '120.5',
    SNOOZE_BUDGET_MONEY_PER_DAY: '20',
    SNOOZE_BUDGET_MONEY_PER_MONTH: '300',
    SNOOZE_GPU_PRICES: 'snooze-l4-spot=0.28,snooze-gpu=0.71',
    SNOOZE_BUDGET_ZONE: 'Europe/Warsaw',
    SNOOZE_BUDGET_GRACE: '300',
  });
  // The rest as before.
  assert.equal(env.SNOOZE_OFFERS, 'snooze-l4-spot@us-central1:SPOT,snooze-gpu@us-central1:STANDARD');
  assert.equal(env.SNOOZE_MIG, 'snooze-l4-spot');
});

test('unset, the features are off: no windows, no caps, no prices in the environment; the ledger\'s zone UTC and grace 600 s; one priced offer of two is priced alone', { skip }, async () => {
  const { env } = await controller(await controllerArgs({}), { env: 'local.function_env' });
  const present = FEATURE_ENV.filter((k) => k in env);
  assert.deepEqual(present, ['SNOOZE_CHECK_INTERVAL', 'SNOOZE_BUDGET_ZONE', 'SNOOZE_BUDGET_GRACE']);
  assert.deepEqual([env.SNOOZE_CHECK_INTERVAL, env.SNOOZE_BUDGET_ZONE, env.SNOOZE_BUDGET_GRACE], ['60', 'UTC', '600']);
  assert.ok(Object.values(env).every((v) => typeof v === 'string' && v !== ''), 'no empty value is set');
  // GPU hours need no price; an unpriced offer is left out of SNOOZE_GPU_PRICES.
  const hours = await controllerArgs({ budget: { gpu_hours_per_month: 40 }, gpu_offers: [SPOT, { ...L4, hourly_price: 0.71 }] });
  const priced = await controller(hours, { env: 'local.function_env' });
  assert.equal(priced.env.SNOOZE_GPU_PRICES, 'snooze-gpu=0.71');
  assert.equal(priced.env.SNOOZE_BUDGET_GPU_HOURS_PER_MONTH, '40');
  assert.ok(!('SNOOZE_BUDGET_MONEY_PER_DAY' in priced.env));
});

test('SNOOZE_CHECK_INTERVAL is the scheduler job\'s period: every minute by default, every 5 minutes at 300 s', { skip }, async () => {
  const args = await controllerArgs({});
  const exprs = { env: 'local.function_env', schedule: 'local.sleep_schedule' };
  const every = await controller(args, exprs);
  assert.deepEqual([every.schedule, every.env.SNOOZE_CHECK_INTERVAL], ['* * * * *', '60']);
  const five = await controller({ ...args, check_interval_seconds: 300 }, exprs);
  assert.deepEqual([five.schedule, five.env.SNOOZE_CHECK_INTERVAL], ['*/5 * * * *', '300']);
});

test('billing_budget set: the Budget API, the budget module, the billing topic, its trigger identity and invoker grant, and BillingAlert (Firestore only) exist; unset, none of them', { skip }, async () => {
  const ctl = await loadModule(CONTROLLER);
  const count = (type, name) => expression(ctl.decl.resource.get(`${type}.${name}`).body.count);
  const forEach = (type, name) => { const e = expression(ctl.decl.resource.get(`${type}.${name}`).body.for_each); return `try(keys(${e}), sort(tolist(${e})))`; };
  const exprs = {
    functions: 'keys(local.functions)',
    entry_points: '[for k, f in local.functions : f.entry_point]',
    topic: count('google_pubsub_topic', 'billing'),
    trigger_identity: count('google_service_account', 'billing_trigger'),
    invoker: count('google_cloud_run_v2_service_iam_member', 'billing_trigger'),
    datastore_user: forEach('google_project_iam_member', 'datastore_user'),
    controller_role: forEach('google_project_iam_member', 'controller'),
    runtime_identities: forEach('google_service_account', 'function'),
  };
  for (const [billing_budget, on] of [[null, false], [BILLING_BUDGET, true]]) {
    const args = await controllerArgs({ billing_budget });
    assert.equal(args._billing_budget_count, on ? 1 : 0, 'module billing_budget');
    assert.equal(args.billing_alert, on);
    assert.equal(args._services.includes('billingbudgets.googleapis.com'), on, 'the Budget API');
    const got = await controller(args, exprs);
    assert.deepEqual(got, {
      functions: on ? ['billing', 'sleep', 'status', 'wake'] : ['sleep', 'status', 'wake'],
      entry_points: ['dev.snooze.functions.BillingAlert', 'dev.snooze.functions.Sleep', 'dev.snooze.functions.Status', 'dev.snooze.functions.Wake'].slice(on ? 0 : 1),
      topic: on ? 1 : 0,
      trigger_identity: on ? 1 : 0,
      invoker: on ? 1 : 0,
      datastore_user: on ? ['billing', 'sleep', 'wake'] : ['sleep', 'wake'],
      controller_role: ['sleep', 'wake'],
      runtime_identities: on ? ['billing', 'sleep', 'status', 'wake'] : ['sleep', 'status', 'wake'],
    }, `billing_budget ${on ? 'set' : 'unset'}`);
  }
});

test('the billing budget\'s amount becomes units and nanos exactly', { skip }, async () => {
  const amount = nestedText(path.join(BILLING, 'main.tf'), ['resource', 'google_billing_budget', 'budget'], [['amount', 0], ['specified_amount', 0]]);
  const units = amount.match(/units\s*=\s*(.+)/)[1];
  const nanos = amount.match(/nanos\s*=\s*(.+)/)[1];
  const tf = `${variablesOf(BILLING)}\n`;
  const base = { project_id: 'my-gpu-project', name: 'snooze', billing_account: '012345-6789AB-CDEF01', topic_id: 'projects/my-gpu-project/topics/snooze-billing' };
  for (const [amountValue, want] of [[150, ['150', 0]], [12.34, ['12', 340000000]], [0.01, ['0', 10000000]], [99.999999999, ['99', 999999999]]]) {
    const got = await evaluate(tf, { units, nanos }, { ...base, amount: amountValue });
    assert.deepEqual([got.units, got.nanos], want, `amount ${amountValue}`);
  }
});

test('the controller refuses a money cap while an offer has no price, and a price for a MIG that is no offer\'s (its function\'s preconditions)', { skip }, async () => {
  const lifecycle = nestedText(path.join(CONTROLLER, 'functions.tf'), ['resource', 'google_cloudfunctions2_function', 'function'], [['lifecycle', 0]]);
  const tf = `${variablesOf(CONTROLLER)}\nresource "terraform_data" "checks" {\n  input = 1\n${lifecycle}\n}\n`;
  const offers = [{ mig_name: 'snooze-l4-spot', provisioning_model: 'SPOT' }, { mig_name: 'snooze-gpu', provisioning_model: 'STANDARD' }];
  const base = { project_id: 'my-gpu-project', region: 'us-central1', name: 'snooze', offers, idle_timeout_seconds: 900, wake_timeout_seconds: 600, expected_wake_seconds: 150, desired_size: 1, sleep_mode: 'delete', functions_jar: 'f.jar' };
  assert.deepEqual(await planErrors(tf, base), []);
  assert.deepEqual(await planErrors(tf, { ...base, budget: { gpu_hours_per_day: 8 } }), []);
  assert.deepEqual(await planErrors(tf, { ...base, budget: { money_per_month: 100 }, gpu_hourly_prices: { 'snooze-l4-spot': 0.28, 'snooze-gpu': 0.71 } }), []);
  assert.deepEqual(await planErrors(tf, { ...base, budget: { money_per_day: 10 }, gpu_hourly_prices: { 'snooze-gpu': 0.71 } }),
    ['budget money_per_day and money_per_month need an hourly price for every offer: gpu_hourly_prices has none for snooze-l4-spot.']);
  assert.deepEqual(await planErrors(tf, { ...base, gpu_hourly_prices: { 'snooze-t4': 0.54 } }),
    ['gpu_hourly_prices prices snooze-t4, which is not an offer\'s MIG: key it by the offers\' mig_name.']);
});

// --- Scaling while awake: SNOOZE_MAX_SIZE, SNOOZE_TARGET_IN_FLIGHT, SNOOZE_SCALE_IN_DELAY, draining -

const SCALING_ENV = ['SNOOZE_DESIRED_SIZE', 'SNOOZE_MAX_SIZE', 'SNOOZE_TARGET_IN_FLIGHT', 'SNOOZE_SCALE_IN_DELAY'];

test('scaling wiring: the root passes max_size, target_in_flight and scale_in_delay_seconds to the controller and draining_timeout_seconds to gpu_backend, whose backend service drains for it', async () => {
  const root = await loadModule(ROOT);
  const controllerCall = root.decl.module.get('controller').body;
  assert.deepEqual([controllerCall.desired_size, controllerCall.max_size, controllerCall.target_in_flight, controllerCall.scale_in_delay_seconds],
    ['${var.desired_size}', '${var.max_size}', '${var.target_in_flight}', '${var.scale_in_delay_seconds}']);
  const backendCall = root.decl.module.get('gpu_backend').body;
  assert.deepEqual([backendCall.request_timeout_seconds, backendCall.draining_timeout_seconds], ['${var.request_timeout_seconds}', '${var.draining_timeout_seconds}']);
  assert.equal(backendCall.scales_in, '${coalesce(var.max_size, var.desired_size) > var.desired_size}');
  const gpu = await loadModule(GPU_BACKEND);
  const service = gpu.decl.resource.get('google_compute_region_backend_service.gpu').body;
  assert.equal(service.load_balancing_scheme, 'INTERNAL_MANAGED');
  assert.equal(service.connection_draining_timeout_sec, '${local.draining_timeout_seconds}');
});

test('every function gets SNOOZE_MAX_SIZE (desired_size when unset), SNOOZE_TARGET_IN_FLIGHT (4) and SNOOZE_SCALE_IN_DELAY (300, in seconds as SNOOZE_IDLE_TIMEOUT)', { skip }, async () => {
  const scaling = async (vars) => {
    const { env } = await controller(await controllerArgs(vars), { env: 'local.function_env' });
    return Object.fromEntries(SCALING_ENV.map((k) => [k, env[k]]));
  };
  assert.deepEqual(await scaling({}), { SNOOZE_DESIRED_SIZE: '1', SNOOZE_MAX_SIZE: '1', SNOOZE_TARGET_IN_FLIGHT: '4', SNOOZE_SCALE_IN_DELAY: '300' });
  assert.deepEqual(await scaling({ desired_size: 2 }), { SNOOZE_DESIRED_SIZE: '2', SNOOZE_MAX_SIZE: '2', SNOOZE_TARGET_IN_FLIGHT: '4', SNOOZE_SCALE_IN_DELAY: '300' });
  assert.deepEqual(await scaling({ desired_size: 2, max_size: 8, target_in_flight: 6, scale_in_delay_seconds: 900 }),
    { SNOOZE_DESIRED_SIZE: '2', SNOOZE_MAX_SIZE: '8', SNOOZE_TARGET_IN_FLIGHT: '6', SNOOZE_SCALE_IN_DELAY: '900' });
  // The same format as the other durations: whole seconds, the idle timeout's.
  const { env } = await controller(await controllerArgs({ idle_timeout_seconds: 600, scale_in_delay_seconds: 600 }), { env: 'local.function_env' });
  assert.equal(env.SNOOZE_SCALE_IN_DELAY, env.SNOOZE_IDLE_TIMEOUT);
});

test('the controller refuses max_size below desired_size (its function\'s precondition)', { skip }, async () => {
  const lifecycle = nestedText(path.join(CONTROLLER, 'functions.tf'), ['resource', 'google_cloudfunctions2_function', 'function'], [['lifecycle', 0]]);
  const tf = `${variablesOf(CONTROLLER)}\nresource "terraform_data" "checks" {\n  input = 1\n${lifecycle}\n}\n`;
  const offers = [{ mig_name: 'snooze-gpu', provisioning_model: 'STANDARD' }];
  const base = { project_id: 'my-gpu-project', region: 'us-central1', name: 'snooze', offers, idle_timeout_seconds: 900, wake_timeout_seconds: 600, expected_wake_seconds: 150, desired_size: 2, sleep_mode: 'delete', functions_jar: 'f.jar' };
  assert.deepEqual(await planErrors(tf, base), []);
  assert.deepEqual(await planErrors(tf, { ...base, max_size: 2 }), []);
  assert.deepEqual(await planErrors(tf, { ...base, max_size: 1 }),
    ['max_size (1) must be at least desired_size (2): the functions refuse a SNOOZE_MAX_SIZE below SNOOZE_DESIRED_SIZE.']);
});

test('connection draining: off by default without scale-in (every sleep would wait it out, billed); with scale-in request_timeout_seconds capped at the API\'s 3600; draining_timeout_seconds overrides it, 0 included', { skip }, async () => {
  const tf = `${variablesOf(GPU_BACKEND)}\n${pureLocalsOf(GPU_BACKEND)}`;
  const base = {
    project_id: 'my-gpu-project', region: 'us-central1', zones: ['us-central1-a'], name: 'snooze',
    network_id: 'projects/p/global/networks/snooze', subnet_id: 'projects/p/regions/us-central1/subnetworks/snooze',
    proxy_subnet_id: 'projects/p/regions/us-central1/subnetworks/snooze-proxy', network_tag: 'snooze-gpu',
    gpu_offers: [L4], backend_image: 'ollama/ollama', backend_port: 11434,
  };
  for (const [vars, want] of [
    [{ request_timeout_seconds: 900 }, 0],
    [{ request_timeout_seconds: 900, scales_in: false }, 0],
    [{ request_timeout_seconds: 900, scales_in: true }, 900],
    [{ request_timeout_seconds: 3600, scales_in: true }, 3600],
    [{ request_timeout_seconds: 7200, scales_in: true }, 3600],
    [{ request_timeout_seconds: 86400, scales_in: true }, 3600],
    [{ request_timeout_seconds: 900, draining_timeout_seconds: 120 }, 120],
    [{ request_timeout_seconds: 7200, draining_timeout_seconds: 3600 }, 3600],
    [{ request_timeout_seconds: 900, draining_timeout_seconds: 0 }, 0],
  ]) {
    const got = await evaluate(tf, { draining: 'local.draining_timeout_seconds' }, { ...base, ...vars });
    assert.equal(got.draining, want, JSON.stringify(vars));
  }
});
