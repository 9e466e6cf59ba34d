// The GPU VMs' startup script (modules/gpu_backend/templates/startup.sh.tftpl), rendered by
// Terraform and run by bash against stand-ins for curl, docker, nvidia-smi, iptables and the
// metadata server: what a woken VM reports and when. Skipped when no terraform binary is on PATH.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TEMPLATE = path.join(import.meta.dirname, '..', '..', 'terraform', 'modules', 'gpu_backend', 'templates', 'startup.sh.tftpl');
const ENV = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
const TERRAFORM = spawnSync('terraform', ['version'], { env: ENV }).status === 0;
const skip = TERRAFORM ? false : 'no terraform on PATH';
const STAGES = ['booting', 'driver', 'pulling-image', 'starting-container', 'loading-model', 'ready'];

/** The script as Terraform renders it for these template variables. */
function render(vars) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfrender-'));
  try {
    const args = { image: 'ollama/ollama', port: 11434, env: { OLLAMA_KEEP_ALIVE: '-1' }, health: '/', model: null, warmup: [], warmup_seconds: 600, ...vars };
    fs.writeFileSync(path.join(dir, 'main.tf'), `output "script" {\n  value = templatefile(${JSON.stringify(TEMPLATE)}, jsondecode(${JSON.stringify(JSON.stringify(args))}))\n}\n`);
    execFileSync('terraform', ['apply', '-auto-approve', '-input=false', '-lock=false'], { cwd: dir, env: ENV, stdio: 'pipe' });
    return execFileSync('terraform', ['output', '-raw', 'script'], { cwd: dir, env: ENV, encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Stand-ins. Each call is logged as one line of $LOG; curl answers as the scenario's variables say.
const STUBS = {
  curl: String.raw`#!/bin/bash
method=GET; url=; data=; fmt=
while [ $# -gt 0 ]; do
  case "$1" in
    -X) method=$2; shift ;;
    --data|-d) data=$2; [ "$method" = GET ] && method=POST; shift ;;
    -w) fmt=$2; shift ;;
    -o|-H|--max-time|-m|--connect-timeout) shift ;;
    http*) url=$1 ;;
  esac
  shift
done
case "$url" in
  */guest-attributes/*)
    [ -n "$METADATA_DOWN" ] && exit 7
    echo "stage $(basename "$url") $data $(date +%s%3N)" >> "$LOG"; exit 0 ;;
esac
echo "curl $method $(echo "$url" | sed 's#^http://127.0.0.1:11434##') $data" >> "$LOG"
if [ -n "$fmt" ]; then echo -n 200; exit 0; fi
case "$url" in
  */api/show) [ -n "$MODEL_ON_DISK" ] && exit 0; exit 22 ;;
  */api/generate)
    n=$(cat "$LOG.generate" 2>/dev/null || echo 0); echo $((n + 1)) > "$LOG.generate"
    fails=$GENERATE_FAILS; [ -z "$fails" ] && fails=0
    [ "$n" -lt "$fails" ] && exit 22; exit 0 ;;
esac
exit 0
`,
  docker: '#!/bin/bash\necho "docker $*" >> "$LOG"\n[ "$1" = inspect ] && exit 1\nexit 0\n',
  iptables: '#!/bin/bash\necho "iptables $*" >> "$LOG"\n',
  // Short sleeps (the stage reports' spacing) are real; retry waits are skipped.
  sleep: '#!/bin/bash\ncase "$1" in 0.*) exec /bin/sleep "$1" ;; esac\necho "sleep $1" >> "$LOG"\n',
  'nvidia-smi': '#!/bin/bash\nexit 0\n',
  'nvidia-ctk': '#!/bin/bash\necho "nvidia-ctk $*" >> "$LOG"\n',
  systemctl: '#!/bin/bash\nexit 0\n',
  gcloud: '#!/bin/bash\nexit 0\n',
  'systemd-cat': '#!/bin/bash\ncat >/dev/null\n',
};

/** Runs the script with the stand-ins; returns its exit status and the log's lines. */
function run(script, scenario = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'startup-'));
  try {
    fs.mkdirSync(path.join(dir, 'bin'));
    for (const [name, body] of Object.entries(STUBS)) fs.writeFileSync(path.join(dir, 'bin', name), body, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'startup.sh'), script);
    const log = path.join(dir, 'log');
    fs.writeFileSync(log, '');
    const r = spawnSync('bash', [path.join(dir, 'startup.sh')], {
      env: { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`, LOG: log, ...scenario },
      encoding: 'utf8',
      timeout: 60000,
    });
    return { status: r.status, stderr: r.stderr, lines: fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const stages = (lines) => lines.filter((l) => l.startsWith('stage ')).map((l) => l.split(' '));
const index = (lines, re) => lines.findIndex((l) => re.test(l));

test('every stage is reported once, in order, with its start time, at least 0.4 s apart (the guest attributes\' burst limit)', { skip }, () => {
  const { status, lines, stderr } = run(render({ model: 'llama3.2' }));
  assert.equal(status, 0, stderr);
  const got = stages(lines);
  assert.deepEqual(got.map(([, s]) => s), STAGES);
  for (const [, s, began] of got) assert.match(began, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, s);
  for (let i = 1; i < got.length; i++) assert.ok(Number(got[i][3]) - Number(got[i - 1][3]) >= 400, `${got[i][1]} after ${got[i - 1][1]}`);
});

test('Ollama: the model is pulled when the disk lacks it, loaded, and only then is the container opened and ready reported', { skip }, () => {
  const { lines } = run(render({ model: 'llama3.2' }), { GENERATE_FAILS: '2' });
  const pull = index(lines, /^curl POST \/api\/pull \{"model":"llama3.2","stream":false\}$/);
  const loads = lines.filter((l) => /^curl POST \/api\/generate \{"model":"llama3.2"\}$/.test(l));
  const open = index(lines, /^iptables -D DOCKER-USER -p tcp --dport 11434 -j DROP$/);
  const ready = index(lines, /^stage ready /);
  assert.ok(index(lines, /^iptables -I DOCKER-USER/) < index(lines, /^docker run/), 'closed before the container starts');
  assert.ok(index(lines, /^stage loading-model /) < pull, 'the pull is part of loading the model');
  assert.equal(loads.length, 3, 'the load is retried until it answers 2xx');
  assert.ok(pull < open && index(lines, /generate/) < open && open < ready, lines.join('\n'));
  assert.ok(lines.some((l) => /^docker run .* -e OLLAMA_KEEP_ALIVE=-1 /.test(l)), 'keep-alive in the container');
});

test('a model already on the disk (a VM restarted from sleep_mode stop) is loaded, not pulled', { skip }, () => {
  const { status, lines } = run(render({ model: 'llama3.2' }), { MODEL_ON_DISK: '1' });
  assert.equal(status, 0);
  assert.equal(index(lines, /api\/pull/), -1);
  assert.ok(index(lines, /api\/generate/) < index(lines, /^stage ready /));
});

test('backend_warmup runs in order, GET or POST, before ready; without any warm-up ready follows the health check', { skip }, () => {
  const warm = run(render({ warmup: [{ method: 'GET', path: '/v1/models', body: null }, { method: 'POST', path: '/x', body: '{"a":1}' }] }));
  const get = index(warm.lines, /^curl GET \/v1\/models $/);
  const post = index(warm.lines, /^curl POST \/x \{"a":1\}$/);
  assert.ok(get >= 0 && get < post && post < index(warm.lines, /^stage ready /), warm.lines.join('\n'));
  const none = run(render({}));
  assert.equal(none.status, 0);
  assert.deepEqual(stages(none.lines).map(([, s]) => s), STAGES);
  assert.equal(index(none.lines, /^iptables/), -1, 'nothing to keep the load balancer out for');
});

test('a metadata server that refuses every report does not stop the boot', { skip }, () => {
  const { status, lines, stderr } = run(render({ model: 'llama3.2' }), { METADATA_DOWN: '1' });
  assert.equal(status, 0, stderr);
  assert.deepEqual(stages(lines), []);
  assert.ok(index(lines, /^iptables -D/) > index(lines, /api\/generate/), 'still serves once the model is loaded');
});

test('a warm-up that never answers 2xx gives up at the deadline: no ready, the container stays closed', { skip }, () => {
  const { status, lines } = run(render({ model: 'llama3.2', warmup_seconds: 2 }), { MODEL_ON_DISK: '1', GENERATE_FAILS: '1000000' });
  assert.equal(status, 1);
  assert.equal(index(lines, /^stage ready /), -1);
  assert.equal(index(lines, /^iptables -D/), -1);
});
