// Snooze demo page: chat with the model and show whether its GPU is asleep, waking or awake.
// Plain ES module, no framework: the page is served under a strict CSP (no inline code, no eval).
// Model output is only ever written with textContent / Text nodes, never as HTML.

const $ = (id) => document.getElementById(id);
const el = {
  status: $('status'), phase: $('phase'), detail: $('phase-detail'), progress: $('wake-progress'),
  boot: $('boot'), bootBar: $('boot-bar'), eta: $('eta'), stages: $('boot-stages'),
  offers: $('offers'), instances: $('instances'), warmWindow: $('warm-window'), gpuToday: $('gpu-today'),
  scale: $('gpu-scale'), scaleMarks: $('gpu-marks'), scaleCount: $('gpu-count'), scaleLimit: $('gpu-limit'),
  conversation: $('conversation'), empty: $('empty'),
  error: $('error'), errorText: $('error-text'), retry: $('retry'),
  form: $('composer'), model: $('model'), modelList: $('model-list'), prompt: $('prompt'),
  send: $('send'), stop: $('stop'), clear: $('clear'),
};

const MODEL_KEY = 'snooze.model';
const ERROR_TEXT = {
  // GCE error codes the Status function reports in lastError.code, in words a demo user understands.
  ZONE_RESOURCE_POOL_EXHAUSTED: 'No GPU capacity in this zone right now; the group keeps trying.',
  ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS: 'No GPU capacity in this zone right now; the group keeps trying.',
  QUOTA_EXCEEDED: 'The project is out of GPU quota; an administrator has to raise it.',
};

// Why an offer (a GPU MIG) failed, in a few words: the failover line is one line.
const FAILURE_WORDS = {
  ZONE_RESOURCE_POOL_EXHAUSTED: 'no capacity',
  ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS: 'no capacity',
  QUOTA_EXCEEDED: 'out of quota',
  PREEMPTED: 'preempted',
};
const MODEL_WORDS = { SPOT: 'spot', STANDARD: 'on-demand' };

// The phase badge's words: the phase, its underscores as spaces (a phase this page does not know
// yet reads as Status names it).
const PHASE_WORDS = { OVER_BUDGET: 'OVER BUDGET' };
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']; // as warm windows are written
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// The GPU's boot stages in order, as the Status function names them (BootStage), in words.
const STAGES = ['provisioning', 'booting', 'driver', 'pulling-image', 'starting-container', 'loading-model', 'ready'];
const STAGE_WORDS = {
  provisioning: 'Getting a GPU machine',
  booting: 'Booting the machine',
  driver: 'Setting up the GPU driver',
  'pulling-image': "Pulling the model server's image",
  'starting-container': 'Starting the model server',
  'loading-model': 'Loading the model into the GPU',
  ready: 'Ready',
};
const STATE_MARKS = { done: '✓', current: '●', pending: '○' }; // beside the words, never instead of them

// What the page says to the empty conversation, by what wakes the GPU (SNOOZE_WAKE_ON).
const EMPTY_TEXT = {
  open: 'Ask the model something. If the GPU was asleep, opening this page started waking it: it boots while you type, then answers are quick.',
  typing: 'Ask the model something. If the GPU is asleep, it starts waking as soon as you type: it boots while you write, then answers are quick.',
};
const EMPTY_DEFAULT = el.empty.textContent; // SNOOZE_WAKE_ON=send: the page's own words
const EMPTY_OVER_BUDGET = 'The GPU stays asleep until its budget resets (see above): messages sent before then are refused.';

// --- state ------------------------------------------------------------------------------------

const conversation = [];   // committed turns, sent as `messages` with every request
let inflight = null;        // { controller, startedAt } while a /api/chat request is running
let failedTurn = null;      // { text, node } a user turn whose request failed; Retry resends it
let status = null;          // last /snooze/status body
let statusAt = 0;           // Date.now() when it arrived, to count down between polls
let clockSkew = 0;          // server clock minus ours (from the Date header), for "since" timestamps
let statusProblem = null;   // why the last poll failed, if it did
let modelsLoaded = false;
let pollTimer = 0;
let intentSent = false;     // this page has said once that a person is about to prompt

// --- status bar -------------------------------------------------------------------------------

function derivePhase() {
  const fn = status?.function;
  const ready = status?.backend?.ready === true;
  const ours = inflight !== null;
  // Whatever the phase: an awake GPU over its budget drains, and new requests are refused.
  if (budgetUsedUp(fn)) return 'OVER_BUDGET';
  if (fn?.phase) {
    // The Status function learns about a wake a moment after our request is held; don't
    // claim "asleep" while we are visibly waiting for the GPU.
    if (fn.phase === 'ASLEEP' && ours && !ready) return 'WAKING';
    // A GPU whose model still loads does not answer yet: to a person it is still waking.
    if (fn.phase === 'AWAKE' && bootUnderway(fn) && !ready) return 'WAKING';
    return fn.phase;
  }
  if (!status) return ours ? 'WAKING' : 'UNKNOWN';
  if (ready) return 'AWAKE';
  return ours || status.pending > 0 ? 'WAKING' : 'ASLEEP';
}

function renderStatus() {
  const phase = derivePhase();
  const fn = status?.function;
  const now = Date.now();
  const offers = offersWorthNaming(fn);
  const current = offerLabel(fn, offers); // "snooze-gpu-spot (spot)", or null: say "the GPU" as before
  let detail = '';
  let offerLines = [];
  let showProgress = false;
  let showBoot = false;

  switch (phase) {
    case 'ASLEEP':
      detail = status?.wakeOn === 'typing' && !intentSent ? 'GPU asleep — it starts waking as you type.'
        : 'GPU asleep — your first request wakes it.';
      break;
    case 'WAKING': {
      const boot = bootUnderway(fn);
      if (boot) {
        // The VM's own stages: what it is doing, for how long, and when it should be done.
        const later = Math.max(0, (now - statusAt) / 1000); // the numbers move between polls
        detail = `Waking ${current ?? 'the GPU'} — ${stageWords(boot.stage)}, ${clock(seconds(boot.stageSeconds) + later)} in this step.`;
        renderBoot(boot, later);
        showBoot = true;
      } else {
        // Elapsed since the wake began (server time) or, lacking that, since we sent our request.
        const since = fn?.phase === 'WAKING' && fn.since ? Date.parse(fn.since) - clockSkew : inflight?.startedAt ?? now;
        const elapsed = Math.max(0, (now - since) / 1000);
        // Status's own expectation (learned from past wakes) when it has one, else the frontend's guess.
        const expected = fn?.expectedWakeSeconds || status?.expectedWakeSeconds || 90;
        detail = `Waking ${current ?? 'the GPU'} — ${clock(elapsed)} elapsed, usually about ${clock(expected)}.`;
        if (elapsed > expected * 1.5) detail += ' Taking longer than usual.';
        // Capped below 100 %: the estimate is only an estimate, "done" is when the backend is ready.
        el.progress.value = Math.min(95, (elapsed / expected) * 100);
        showProgress = true;
      }
      // The offers tried before this one in this wake, each with why it was given up (none yet
      // when the function has not seen the wake our request started).
      if (fn?.phase === 'WAKING') offerLines = offers.filter((o) => failedThisWake(o, fn))
        .map((o) => `${failureText(o)} — ${o.mig === fn.offer ? 'retrying' : `trying ${fn.offer ?? 'the next offer'}`}`);
      break;
    }
    case 'AWAKE': {
      const left = fn?.secondsUntilSleep;
      const on = current ? ` on ${current}` : '';
      if (inflight) detail = `GPU awake${on} — answering.`;
      else if (typeof left === 'number') {
        const remaining = Math.max(0, left - (now - statusAt) / 1000);
        detail = remaining > 0 ? `GPU awake${on} — sleeps in ${clock(remaining)} if idle.` : `GPU awake${on} — going to sleep shortly.`;
      } else detail = `GPU awake${on} and ready.`;
      break;
    }
    case 'SLEEPING':
      detail = 'GPU going to sleep — a new request will wake it again.';
      break;
    case 'ERROR': {
      const e = fn?.lastError;
      detail = e ? ERROR_TEXT[e.code] || e.message || e.code : 'The GPU group reported an error.';
      offerLines = offers.filter((o) => o.lastFailure || o.state === 'FAILED').map(failureText);
      break;
    }
    case 'OVER_BUDGET':
      // No wake progress: no wake will come before the reset.
      // (Status may still say OVER_BUDGET for a moment after the reset: then without figures.)
      detail = overBudgetText(budgetUsedUp(fn) ?? {}, now);
      break;
    case 'UNKNOWN':
      detail = statusProblem || 'Checking the GPU…';
      break;
    default:
      // A phase newer than this page: named as Status names it rather than "checking" for ever.
      detail = `GPU ${phaseWords(phase).toLowerCase()}.`;
  }

  el.status.dataset.phase = phase;
  setText(el.phase, phaseWords(phase));
  setText(el.detail, detail);
  el.progress.hidden = !showProgress;
  el.boot.hidden = !showBoot;
  el.offers.hidden = offerLines.length === 0;
  setText(el.offers, offerLines.join('\n'));
  renderInstances(phase, fn);
  renderScale(phase, fn);
  // While over budget no window keeps the GPU warm: the line would promise what the cap forbids.
  const warm = phase === 'OVER_BUDGET' ? null : warmWindowText(fn?.warmWindow, now);
  el.warmWindow.hidden = warm === null;
  if (warm !== null) setText(el.warmWindow, warm);
  const today = gpuTodayText(fn);
  el.gpuToday.hidden = today === null;
  if (today !== null) setText(el.gpuToday, today);
}

function phaseWords(phase) {
  return PHASE_WORDS[phase] ?? String(phase).replaceAll('_', ' ');
}

// --- budget and warm windows --------------------------------------------------------------------

// Status's budget object when it says the budget is used up and its reset is still ahead; an
// empty object for a function that says OVER_BUDGET with no budget object; else null.
function budgetUsedUp(fn) {
  const budget = fn?.budget;
  if (budget && typeof budget === 'object') {
    if (budget.exhausted !== true) return null;
    const resets = Date.parse(budget.resetsAt ?? '');
    return Number.isNaN(resets) || resets - clockSkew > Date.now() ? budget : null;
  }
  return fn?.phase === 'OVER_BUDGET' ? {} : null;
}

// "The GPU budget for today is used up: 8.02 of 8 GPU hours. It resets at 00:00 (in 3 h 12 min)."
// The reset in the viewer's own time; the cap that is used up from Status's caps.
function overBudgetText(budget, now) {
  const cap = usedUpCap(budget);
  const period = { day: ' for today', month: ' for this month' }[cap?.period] ?? '';
  const usage = cap ? capUsage(cap) : null;
  // Status's own reason names the reset in the budget's zone: this line names it in the viewer's.
  const reason = typeof budget.reason === 'string' ? budget.reason.replace(/;\s*it resets.*$/i, '') : null;
  let text = `The GPU budget${period} is used up${usage || reason ? `: ${usage ?? reason}` : ''}.`;
  const resets = Date.parse(budget.resetsAt ?? '');
  if (!Number.isNaN(resets)) {
    const at = resets - clockSkew;
    text += ` It resets ${at - now < 86400e3 ? `at ${hhmm(at)}` : `on ${dayAndTime(at, true)}`} (in ${countdown((at - now) / 1000)}).`;
  }
  return text;
}

// The cap that is used up: the one whose reset is the budget's (the last to lift), else any.
function usedUpCap(budget) {
  const caps = Array.isArray(budget.caps) ? budget.caps.filter((c) => typeof c?.used === 'number'
    && typeof c?.limit === 'number' && c.used >= c.limit) : [];
  return caps.find((c) => c.resetsAt === budget.resetsAt) ?? caps[0] ?? null;
}

function capUsage(cap) {
  if (cap.unit === 'gpu-hours') return `${figure(cap.used)} of ${figure(cap.limit)} GPU hours`;
  if (cap.unit === 'money') return `${cap.used.toFixed(2)} of ${cap.limit.toFixed(2)} spent`;
  return null;
}

// 8 → "8", 8.02 → "8.02", 0.345 → "0.35".
function figure(n) {
  return String(Math.round(n * 100) / 100);
}

// "3 h 12 min", "45 min", "2 d 3 h", "less than a minute": whole units left, never more than there is.
function countdown(secs) {
  const m = Math.floor(Math.max(0, secs) / 60);
  if (m < 1) return 'less than a minute';
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return h % 24 ? `${Math.floor(h / 24)} d ${h % 24} h` : `${Math.floor(h / 24)} d`;
}

// A moment in the viewer's time zone: "09:00".
function hhmm(ms) {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

// "Mon 09:00"; with the date too when a weekday alone would not say which ("Mon 7 Dec 09:00").
function dayAndTime(ms, withDate) {
  const d = new Date(ms);
  const date = withDate || ms - Date.now() >= 6 * 86400e3 ? ` ${d.getDate()} ${MONTHS[d.getMonth()]}` : '';
  return `${WEEKDAYS[d.getDay()]}${date} ${hhmm(ms)}`;
}

function sameDay(a, b) {
  return new Date(a).toDateString() === new Date(b).toDateString();
}

// Status's warm window, in the viewer's time, with the operator's own words after it:
// "Kept warm until 17:30 (Mon-Fri 09:00-17:30 Europe/Warsaw)", "Next warm window: Mon 09:00 (…)".
function warmWindowText(window, now) {
  if (!window || typeof window.window !== 'string') return null;
  const edge = Date.parse((window.active ? window.to : window.from) ?? '');
  if (Number.isNaN(edge)) return null;
  const at = edge - clockSkew;
  if (window.active) return `Kept warm until ${sameDay(at, now) ? hhmm(at) : dayAndTime(at, false)} (${window.window})`;
  return `Next warm window: ${dayAndTime(at, false)} (${window.window})`;
}

// "GPU time today: 2.3 h (cost 0.24)": the budget's day (in its zone), else Status's older figure.
function gpuTodayText(fn) {
  const budget = fn?.budget;
  const gpu = typeof budget?.gpuSecondsToday === 'number' ? budget.gpuSecondsToday : fn?.gpuSecondsToday;
  if (typeof gpu !== 'number') return null;
  const cost = typeof budget?.costToday === 'number' ? ` (cost ${budget.costToday.toFixed(2)})` : '';
  return `GPU time today: ${duration(gpu)}${cost}`;
}

// --- boot stages --------------------------------------------------------------------------------

// Status's boot report while the GPU boots (not yet ready), else null. Older functions send none.
function bootUnderway(fn) {
  const boot = fn?.boot;
  return boot && typeof boot.stage === 'string' && boot.stage !== 'ready' ? boot : null;
}

function stageWords(name) {
  return STAGE_WORDS[name] ?? name;
}

function seconds(value) {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

// The seven stages with their state and seconds: Status's list, or, lacking one, the current
// stage's place in the known order.
function stageList(boot) {
  if (Array.isArray(boot.stages) && boot.stages.length) {
    return boot.stages.filter((st) => typeof st?.name === 'string')
      .map((st) => ({ name: st.name, state: st.state, seconds: st.seconds, expected: st.expectedSeconds }));
  }
  const at = STAGES.indexOf(boot.stage);
  return STAGES.map((name, i) => ({ name, state: i < at ? 'done' : i === at ? 'current' : 'pending',
    seconds: i === at ? boot.stageSeconds : null, expected: null }));
}

function renderBoot(boot, later) {
  const list = stageList(boot);
  const left = typeof boot.etaSeconds === 'number' ? Math.max(0, boot.etaSeconds - later) : null;
  setText(el.eta, etaText(boot, left));

  // The bar: one segment per stage, as wide as the stage takes (or is expected to), filled as done.
  let spent = 0;
  const segments = list.map((st) => {
    const expected = seconds(st.expected);
    if (st.state === 'done') {
      spent += seconds(st.seconds);
      return { weight: seconds(st.seconds) || expected || 1, fill: 100 };
    }
    if (st.state === 'current') {
      const so = seconds(st.seconds) + later;
      spent += so;
      const weight = Math.max(so, expected, 1);
      return { weight, fill: Math.min(95, (so / weight) * 100) };
    }
    return { weight: expected || 1, fill: 0 };
  });
  syncChildren(el.bootBar, segments.length, () => {
    const seg = document.createElement('span');
    seg.className = 'seg';
    seg.append(document.createElement('span'));
    seg.firstChild.className = 'seg-fill';
    return seg;
  });
  segments.forEach((seg, i) => {
    const node = el.bootBar.children[i];
    node.dataset.state = list[i].state;
    node.style.flexGrow = String(seg.weight); // CSSOM, which the CSP allows (no inline style attribute)
    node.firstChild.style.width = `${seg.fill}%`;
  });
  const at = list.findIndex((st) => st.name === boot.stage);
  const percent = left !== null && spent + left > 0 ? (spent / (spent + left)) * 100
    : (Math.max(0, at) / Math.max(1, list.length - 1)) * 100;
  el.bootBar.setAttribute('aria-valuenow', String(Math.round(Math.min(95, percent))));
  el.bootBar.setAttribute('aria-valuetext', `Step ${at + 1} of ${list.length}: ${stageWords(boot.stage)}`);

  // The list: each stage in words, its state in words, and its seconds.
  syncChildren(el.stages, list.length, () => {
    const item = document.createElement('li');
    item.className = 'stage';
    for (const part of ['stage-mark', 'stage-name', 'stage-time']) {
      const span = document.createElement('span');
      span.className = part;
      item.append(span);
    }
    item.firstChild.setAttribute('aria-hidden', 'true');
    return item;
  });
  list.forEach((st, i) => {
    const item = el.stages.children[i];
    const state = STATE_MARKS[st.state] ? st.state : 'pending';
    item.dataset.state = state;
    if (state === 'current') item.setAttribute('aria-current', 'step');
    else item.removeAttribute('aria-current');
    setText(item.children[0], STATE_MARKS[state]);
    setText(item.children[1], stageWords(st.name));
    setText(item.children[2], stageTime(st, state, later));
  });
}

function stageTime(st, state, later) {
  const expected = seconds(st.expected);
  if (state === 'done') return typeof st.seconds === 'number' ? `done in ${about(st.seconds)}` : 'done';
  if (state === 'current') {
    const so = about(seconds(st.seconds) + later);
    return expected ? `now: ${so} of about ${about(expected)}` : `now: ${so}`;
  }
  if (st.name === 'ready') return ''; // the end, not a step that takes time
  return expected ? `next: about ${about(expected)}` : 'next';
}

// "Ready in about 1 min 35 s (learned from 3 past wakes)."; "estimate" before any wake was seen.
function etaText(boot, left) {
  if (left === null) return '';
  const n = boot.learnedFrom;
  const source = boot.etaSource === 'learned' && typeof n === 'number' && n > 0
    ? `learned from ${n} past wake${n === 1 ? '' : 's'}` : 'estimate';
  const when = left >= 1 ? `Ready in about ${about(left)}` : 'Taking a little longer than expected';
  return `${when} (${source}).`;
}

// Keeps exactly n children, made by make(), so nodes (and what assistive technology holds) persist.
function syncChildren(parent, n, make) {
  while (parent.children.length > n) parent.lastElementChild.remove();
  while (parent.children.length < n) parent.append(make());
}

function renderInstances(phase, fn) {
  // Instance details matter while waking or failing (e.g. STAGING, RUNNING); otherwise they are noise.
  const list = fn?.mig?.instances ?? [];
  const show = (phase === 'WAKING' || phase === 'ERROR' || phase === 'SLEEPING') && list.length > 0;
  el.instances.hidden = !show;
  if (!show) return;
  setText(el.instances, 'Instance: ' + list.map((i) => {
    const bits = [i.status, i.health && i.health !== 'UNKNOWN' ? i.health.toLowerCase() : null,
      i.action && i.action !== 'NONE' ? i.action.toLowerCase() : null].filter(Boolean);
    return `${i.name}${i.zone ? ` (${i.zone})` : ''} ${bits.join(', ')}`;
  }).join('; '));
}

// --- GPUs serving -------------------------------------------------------------------------------

// Status's scale while its group may serve with more than one GPU and some are wanted, else
// null: a deployment of one GPU at most (max 1), or a function without scale, reads as before.
// A first GPU waking is the wake's own line above; more than one asked for while waking is news.
function scaleShown(phase, fn) {
  const scale = fn?.scale;
  if (!scale || typeof scale !== 'object' || count(scale.max) < 2) return null;
  const size = count(scale.size);
  if (size === 0 && count(scale.wanted) === 0) return null;
  return phase === 'AWAKE' || (phase === 'WAKING' && size > 1) ? scale : null;
}

function renderScale(phase, fn) {
  const scale = scaleShown(phase, fn);
  el.scale.hidden = scale === null;
  if (scale === null) return;
  setText(el.scaleMarks, scaleMarks(scale));
  setText(el.scaleCount, scaleText(scale));
  const limit = typeof scale.limit === 'string' && scale.limit.trim() ? `No more GPUs: ${scale.limit.trim()}` : null;
  el.scaleLimit.hidden = limit === null;
  setText(el.scaleLimit, limit ?? '');
}

// "2 of 3 GPUs serving · 9 requests in flight · Adding a GPU…"; "3 GPUs serving · 12 requests in flight".
function scaleText(scale) {
  const size = count(scale.size);
  const serving = count(scale.serving);
  const parts = [serving < size ? `${serving} of ${gpus(size)} serving` : `${gpus(serving)} serving`];
  if (Number.isInteger(scale.inFlight) && scale.inFlight >= 0) {
    parts.push(`${scale.inFlight} request${scale.inFlight === 1 ? '' : 's'} in flight`);
  }
  if (serving < size) parts.push(size - serving === 1 ? 'Adding a GPU…' : `Adding ${size - serving} GPUs…`);
  return parts.join(' · ');
}

// One mark per GPU the group may have: "●●○" (2 serving, 1 coming), "●··" (1 serving, up to 3).
// None for a group too large to draw: the words say it all.
function scaleMarks(scale) {
  const max = count(scale.max);
  if (max > 12) return '';
  const size = Math.min(count(scale.size), max);
  const serving = Math.min(count(scale.serving), size);
  return '●'.repeat(serving) + '○'.repeat(size - serving) + '·'.repeat(max - size);
}

function gpus(n) {
  return `${n} GPU${n === 1 ? '' : 's'}`;
}

// A count from Status, or 0 for anything that is not one.
function count(n) {
  return Number.isInteger(n) && n > 0 ? n : 0;
}

// The GPU offers (MIGs, in the operator's order of preference, e.g. spot then on-demand) the
// Status function may list. One offer that never failed leaves nothing to tell: the page then
// reads exactly as without offers. Older functions send none.
function offersWorthNaming(fn) {
  const offers = Array.isArray(fn?.offers) ? fn.offers.filter((o) => typeof o?.mig === 'string') : [];
  return offers.length > 1 || offers.some((o) => o.lastFailure) ? offers : [];
}

function offerLabel(fn, offers) {
  const offer = offers.find((o) => o.mig === fn?.offer);
  if (!offer) return null;
  const model = MODEL_WORDS[offer.model] ?? (typeof offer.model === 'string' ? offer.model.toLowerCase() : null);
  return model ? `${offer.mig} (${model})` : offer.mig;
}

// Failed in this wake: the controller marks it FAILED, or its failure came after the wake began
// (the offer being woken now may have failed earlier in the same wake, and be tried again).
function failedThisWake(offer, fn) {
  if (offer.state === 'FAILED' && offer.mig !== fn.offer) return true;
  const at = Date.parse(offer.lastFailure?.at ?? '');
  const since = Date.parse(fn.since ?? '');
  return !Number.isNaN(at) && !Number.isNaN(since) && at >= since;
}

function failureText(offer) {
  const f = offer.lastFailure;
  if (!f) return `${offer.mig}: failed`;
  const words = FAILURE_WORDS[f.code] || f.message || 'failed';
  return `${offer.mig}: ${words}${f.code ? ` (${f.code})` : ''}`;
}

// Only touch the DOM when text changes, so the polite live region isn't re-announced needlessly.
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function clock(seconds) {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// "45 s", "1 min 35 s", "2 min".
function about(secs) {
  const s = Math.round(secs);
  if (s < 60) return `${s} s`;
  const rest = s % 60;
  return rest ? `${Math.floor(s / 60)} min ${rest} s` : `${Math.floor(s / 60)} min`;
}

function duration(seconds) {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

async function poll() {
  clearTimeout(pollTimer);
  try {
    const res = await fetch('/snooze/status', { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`Status unavailable (HTTP ${res.status}).`);
    status = await res.json();
    statusAt = Date.now();
    const serverDate = Date.parse(res.headers.get('Date') || '');
    clockSkew = Number.isNaN(serverDate) ? 0 : serverDate - statusAt;
    statusProblem = null;
  } catch (e) {
    status = null;
    statusProblem = e instanceof SyntaxError || e instanceof TypeError ? 'Status unavailable.' : e.message;
  }
  if (status) showWakeOn();
  renderStatus();
  // Ask for the model list only once the GPU is awake: /api/tags goes to the GPU and would wake it.
  if (!modelsLoaded && derivePhase() === 'AWAKE' && !inflight) loadModels().catch(() => {});
  schedulePoll();
}

// --- wake on intent --------------------------------------------------------------------------------

// Tells the frontend, once per page, that a person is about to prompt, so a sleeping GPU boots
// while they write. The frontend says which trigger wakes it (SNOOZE_WAKE_ON: open, typing or
// send, i.e. none); it also rate-limits, and an awake GPU ignores intents, so an idle open tab
// never keeps it awake. Errors don't matter: the prompt itself wakes the GPU anyway.
function sendIntent(trigger) {
  // Over budget no wake would come: said once the budget allows one again.
  if (intentSent || status?.wakeOn !== trigger || derivePhase() === 'OVER_BUDGET') return;
  intentSent = true;
  fetch('/snooze/intent', {
    method: 'POST', cache: 'no-store',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ trigger }),
  }).catch(() => {});
}

function showWakeOn() {
  setText(el.empty, derivePhase() === 'OVER_BUDGET' ? EMPTY_OVER_BUDGET : EMPTY_TEXT[status.wakeOn] ?? EMPTY_DEFAULT);
  sendIntent('open');
}

el.prompt.addEventListener('input', () => sendIntent('typing'));

function schedulePoll() {
  clearTimeout(pollTimer);
  if (document.hidden) return; // a background tab needs no status; we poll again when it's shown
  pollTimer = setTimeout(poll, derivePhase() === 'WAKING' ? 1000 : 2000);
}

document.addEventListener('visibilitychange', () => {
  if (document.hidden) clearTimeout(pollTimer);
  else poll();
});

// Count down / up locally between polls so the numbers move every second.
setInterval(() => { if (!document.hidden && status) renderStatus(); }, 1000);

// --- models -----------------------------------------------------------------------------------

async function loadModels(signal) {
  const res = await fetch('/api/tags', { signal, headers: { Accept: 'application/json' } });
  if (!res.ok) throw httpError(res.status, await readError(res));
  const names = ((await res.json()).models ?? []).map((m) => m.name).filter(Boolean);
  modelsLoaded = true;
  el.modelList.replaceChildren(...names.map((n) => Object.assign(document.createElement('option'), { value: n })));
  if (!el.model.value.trim() && names.length) el.model.value = names[0];
  return { names, cold: res.headers.get('X-Snooze-Cold-Start') === 'true' };
}

el.model.value = localStorage.getItem(MODEL_KEY) || '';
el.model.addEventListener('change', () => localStorage.setItem(MODEL_KEY, el.model.value.trim()));

// --- conversation -----------------------------------------------------------------------------

function addTurn(role, text, label) {
  el.empty.hidden = true;
  const turn = document.createElement('article');
  turn.className = `turn turn-${role}`;
  const who = document.createElement('p');
  who.className = 'who';
  who.textContent = label;
  const body = document.createElement('div');
  body.className = `msg ${role}`; // .user / .assistant: textContent is exactly the message
  body.textContent = text;
  turn.append(who, body);
  el.conversation.append(turn);
  scrollToEnd(true);
  return { turn, body };
}

function addNote(turn, text, className = 'note') {
  const note = document.createElement('p');
  note.className = className;
  note.textContent = text;
  turn.append(note);
  scrollToEnd();
  return note;
}

// Follow the stream only if the reader is already at the bottom; don't yank them back up/down.
function scrollToEnd(force = false) {
  const doc = document.scrollingElement;
  const nearBottom = doc.scrollHeight - doc.scrollTop - doc.clientHeight < 160;
  if (force || nearBottom) doc.scrollTop = doc.scrollHeight;
}

function setBusy(busy) {
  el.send.disabled = busy;
  el.stop.disabled = !busy;
  el.clear.disabled = busy;
  el.conversation.setAttribute('aria-busy', String(busy));
}

function showError(text, retryable) {
  el.errorText.textContent = text;
  el.retry.hidden = !retryable;
  el.error.hidden = false;
}

function hideError() {
  el.error.hidden = true;
}

el.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = el.prompt.value.trim();
  if (!text || inflight) return;
  // A new message replaces a failed one (its text was put back in the prompt, so nothing is lost).
  if (failedTurn) { failedTurn.node.remove(); failedTurn = null; }
  el.prompt.value = '';
  send(text, addTurn('user', text, 'You').turn);
});

el.prompt.addEventListener('keydown', (event) => {
  // isComposing: Enter also confirms IME input (Japanese, Chinese…), which must not send.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    el.form.requestSubmit();
  }
});

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && inflight) inflight.controller.abort();
});

el.stop.addEventListener('click', () => inflight?.controller.abort());

el.retry.addEventListener('click', () => {
  if (!failedTurn || inflight) return;
  const { text, node } = failedTurn;
  failedTurn = null;
  node.classList.remove('failed');
  node.querySelector('.note-failed')?.remove();
  if (el.prompt.value.trim() === text) el.prompt.value = '';
  send(text, node);
});

el.clear.addEventListener('click', () => {
  if (inflight) return;
  conversation.length = 0;
  failedTurn = null;
  el.conversation.replaceChildren(el.empty);
  el.empty.hidden = false;
  hideError();
  el.prompt.focus();
});

async function send(text, userNode) {
  hideError();
  const controller = new AbortController();
  inflight = { controller, startedAt: Date.now() };
  setBusy(true);
  renderStatus();
  schedulePoll(); // poll faster right away if this request is waking the GPU

  const userTurn = { role: 'user', content: text };
  let reply = null;
  let content = '';
  try {
    let model = el.model.value.trim();
    let cold = false;
    reply = addTurn('assistant', '', model || 'Model');
    reply.body.classList.add('pending');
    if (!model) {
      // No model known yet (first visit, GPU asleep): ask the server; this request wakes the GPU anyway.
      const tags = await loadModels(controller.signal);
      [model] = tags.names;
      cold = tags.cold;
      if (!model) throw new Error('The server has no models. Enter a model name.');
      reply.turn.querySelector('.who').textContent = model;
    }
    localStorage.setItem(MODEL_KEY, model);

    const res = await fetch('/api/chat', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/x-ndjson' },
      body: JSON.stringify({ model, messages: [...conversation, userTurn], stream: true }),
      signal: controller.signal,
    });
    if (!res.ok) throw httpError(res.status, await readError(res), res.headers.get('Retry-After'));
    if (cold || res.headers.get('X-Snooze-Cold-Start') === 'true') {
      addNote(reply.turn, `Woke the GPU for this request (${clock((Date.now() - inflight.startedAt) / 1000)}).`, 'note cold-start');
    }

    // Append tokens to one Text node: cheap, and model output never becomes markup.
    const tokens = document.createTextNode('');
    reply.body.append(tokens);
    let final = null;
    await readNdjson(res, (obj) => {
      if (obj.error) throw new Error(`The model reported an error: ${obj.error}`);
      const piece = obj.message?.content;
      if (piece) {
        if (!content) reply.body.classList.remove('pending');
        content += piece;
        tokens.appendData(piece);
        scrollToEnd();
      }
      if (obj.done) final = obj;
    });
    reply.body.classList.remove('pending');
    conversation.push(userTurn, { role: 'assistant', content });
    if (final?.eval_count && final?.eval_duration) {
      const rate = final.eval_count / (final.eval_duration / 1e9);
      addNote(reply.turn, `${final.eval_count} tokens · ${rate.toFixed(1)} tokens/s`, 'note meta');
    } else if (!final) {
      addNote(reply.turn, 'The answer ended early (connection closed).', 'note meta');
    }
  } catch (e) {
    reply?.body.classList.remove('pending');
    if (e.name === 'AbortError') {
      if (content) {
        // Keep what was said: it is part of the conversation the model will see next time.
        conversation.push(userTurn, { role: 'assistant', content });
        addNote(reply.turn, 'Stopped.', 'note meta');
      } else {
        reply?.turn.remove();
        fail(text, userNode, 'Stopped before the model answered.');
      }
    } else {
      if (content) {
        conversation.push(userTurn, { role: 'assistant', content });
        addNote(reply.turn, 'Interrupted.', 'note meta');
      } else reply?.turn.remove();
      const { message, retryable } = describeError(e);
      if (!content) fail(text, userNode, 'Not sent.');
      showError(message, retryable && !content);
    }
  } finally {
    inflight = null;
    // Stop/Send were just disabled under the user's focus; give keyboard users a sensible place to be.
    const focusLost = document.activeElement === el.stop || document.activeElement === document.body;
    setBusy(false);
    if (focusLost) el.prompt.focus({ preventScroll: true });
    renderStatus();
    schedulePoll();
  }
}

// A turn that got no answer stays visible, marked, and its text goes back into the prompt.
function fail(text, node, why) {
  node.classList.add('failed');
  addNote(node, why, 'note note-failed');
  failedTurn = { text, node };
  if (!el.prompt.value.trim()) el.prompt.value = text;
}

// NDJSON: one JSON object per line; a network chunk may end mid-line, so keep the tail for later.
async function readNdjson(res, onObject) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const flush = (line) => { if (line.trim()) onObject(JSON.parse(line)); };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      flush(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
    }
  }
  flush(buffer + decoder.decode());
}

// --- errors -----------------------------------------------------------------------------------

async function readError(res) {
  const text = await res.text().catch(() => '');
  try { return JSON.parse(text); } catch { return { error: text.slice(0, 300) }; }
}

function httpError(code, body, retryAfter) {
  const e = new Error(body?.error || `HTTP ${code}`);
  e.status = code;
  e.body = body;
  e.retryAfter = Number(body?.retryAfterSeconds ?? retryAfter) || null;
  return e;
}

function describeError(e) {
  const detail = e.body?.error ? ` (${e.body.error})` : '';
  switch (e.status) {
    case undefined:
      if (e instanceof TypeError) return { message: 'Network error: could not reach the server. Check your connection.', retryable: true };
      return { message: e.message, retryable: true };
    case 401:
      return { message: 'Your sign-in has expired. Reload the page to sign in again.', retryable: false };
    case 403:
      return { message: 'Your account does not have access to this demo.', retryable: false };
    case 413:
      return { message: 'The conversation is too large to send. Start a new chat.', retryable: false };
    case 429:
      return { message: `Too many requests are waiting for the GPU. Try again in a moment${detail}.`, retryable: true };
    case 502:
      return { message: `The model server did not answer properly (502). Try again${detail}.`, retryable: true };
    case 503: {
      if (e.body?.code === 'over_budget' || e.body?.phase === 'OVER_BUDGET') {
        const known = budgetUsedUp(status?.function);
        return { message: known ? overBudgetText(known, Date.now()) : `The GPU budget is used up${detail}.`, retryable: false };
      }
      const wait = e.retryAfter ? ` Try again in about ${e.retryAfter} s.` : ' Try again shortly.';
      const waking = e.body?.phase === 'WAKING' || derivePhase() === 'WAKING';
      return {
        message: (waking ? 'The GPU is still waking up and the request timed out.' : `The service is unavailable${detail}.`) + wait,
        retryable: true,
      };
    }
    case 504:
      return { message: 'The model took too long to answer (504). Try again.', retryable: true };
    default:
      return { message: `The request failed (HTTP ${e.status})${detail}.`, retryable: e.status >= 500 };
  }
}

// --- start ------------------------------------------------------------------------------------

setBusy(false);
poll();
