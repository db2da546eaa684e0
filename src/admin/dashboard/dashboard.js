// The dashboard reads the admin API a script would (README, "Admin API") once a tick and redraws a section only
// when what it shows has changed, so that an open row or a scroll position survives the next read. Everything
// shown comes from the server as data and is put into the page as text, never as HTML.

const TICK_MS = 700;
const JOURNAL_LIMIT = 200;
const TOKEN_KEY = 'sagebox-admin-token';
const ORIGIN = window.location.origin;

const TYPES = [
  { type: 'Model', title: 'Models', noun: 'models', create: createModelCommand },
  { type: 'EndpointConfig', title: 'Endpoint configurations', noun: 'endpoint configurations', create: createConfigCommand },
  { type: 'Endpoint', title: 'Endpoints', noun: 'endpoints', create: createEndpointCommand },
];

const view = {
  place: null,        // "account region" chosen in "Accounts and regions", or null for all
  selected: null,     // key of the resource whose document is open
  expanded: new Set(),  // keys of the journal rows that show their bodies
  filter: '',
  failedOnly: false,
  paused: false,      // waiting for the admin token
};
const data = { resources: null, requests: null, journalSize: null, faults: null, lifecycle: null };
const drawn = new Map();  // section → the fingerprint of what it shows now

// ---- the admin API ----

class ApiFailure extends Error {
  constructor(what, status, code, message) {
    super(`${what}: ${status ? `${status} ` : ''}${code ? `${code}: ` : ''}${message}`);
    this.status = status;
    this.code = code;
  }
}

async function api(method, path) {
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers['X-Sagebox-Admin-Token'] = token;
  const what = `${method} ${path}`;
  let response;
  try {
    response = await fetch(path, { method, headers, cache: 'no-store' });
  } catch (failure) {
    throw new ApiFailure(what, 0, '', `sagebox does not answer (${failure.message}). Is it still running?`);
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiFailure(what, response.status, '', `the answer is not JSON: ${text.slice(0, 200)}`);
  }
  if (!response.ok) {
    const code = body && body.__type ? body.__type : '';
    const message = body ? body.message ?? body.Message ?? text : text;
    throw new ApiFailure(what, response.status, code, message);
  }
  return body;
}

// ---- errors: each source's last failure stays shown until that source works again ----

const errors = new Map();

function report(source, failure) {
  if (failure) errors.set(source, failure.message);
  else errors.delete(source);
  const box = document.getElementById('errors');
  box.replaceChildren(...[...errors.values()].map((message) => el('div', { class: 'error' }, message)));
}

// ---- DOM helpers ----

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function table(headings, rows) {
  return el('div', { class: 'scroll' },
    el('table', {},
      el('thead', {}, el('tr', {}, headings.map(([text, cls]) => el('th', { class: cls }, text)))),
      el('tbody', {}, rows)));
}

function empty(text, command) {
  return el('div', { class: 'empty' }, el('p', {}, text), command ? el('pre', {}, command) : null);
}

// Redraws `id` with what `make()` returns when `fingerprint` differs from what it shows now.
function draw(id, fingerprint, make) {
  if (drawn.get(id) === fingerprint) return;
  drawn.set(id, fingerprint);
  document.getElementById(id).replaceChildren(...[make()].flat(Infinity));
}

function utc(date) {
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

// SageMaker's timestamps are epoch seconds.
function fromEpochSeconds(seconds) {
  return typeof seconds === 'number' ? utc(new Date(seconds * 1000)) : '';
}

// Pretty JSON with its tokens in spans the stylesheet colours.
function jsonBlock(value, attributes = {}) {
  const text = JSON.stringify(value, null, 2) ?? 'null';
  const block = el('pre', { class: 'json', ...attributes });
  const token = /("(?:\\.|[^\\"])*")(\s*:)?|\b(?:true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
  let at = 0;
  for (const match of text.matchAll(token)) {
    block.append(text.slice(at, match.index));
    const kind = match[2] ? 'key' : match[1] ? 'string' : /^[tfn]/.test(match[0]) ? 'literal' : 'number';
    block.append(el('span', { class: kind }, match[1] ?? match[0]), match[2] ?? '');
    at = match.index + match[0].length;
  }
  block.append(text.slice(at));
  return block;
}

// ---- CLI commands that the empty states suggest ----

function cli(command, lines) {
  return [`aws sagemaker ${command} --endpoint-url ${ORIGIN} \\`, ...lines].join('\n    ');
}
function createModelCommand() {
  return cli('create-model', ['--model-name my-model \\',
    '--primary-container Image=123456789012.dkr.ecr.us-east-1.amazonaws.com/img:latest \\',
    '--execution-role-arn arn:aws:iam::123456789012:role/sagemaker']);
}
function createConfigCommand() {
  return cli('create-endpoint-config', ['--endpoint-config-name my-config \\',
    '--production-variants VariantName=v1,ModelName=my-model,InitialInstanceCount=1,InstanceType=ml.m5.large']);
}
function createEndpointCommand() {
  return cli('create-endpoint', ['--endpoint-name my-endpoint --endpoint-config-name my-config']);
}

// ---- sections ----

const placeOf = (resource) => `${resource.account} ${resource.region}`;
const keyOf = (resource) => `${resource.account}/${resource.region}/${resource.type}/${resource.name}`;

function drawPlaces() {
  const counts = new Map();
  for (const resource of data.resources) counts.set(placeOf(resource), (counts.get(placeOf(resource)) ?? 0) + 1);
  if (view.place && !counts.has(view.place)) view.place = null;
  draw('places', JSON.stringify([...counts, view.place]), () => {
    if (counts.size === 0) return empty('Nothing is stored in any account or region yet.');
    const chip = (place, label, count) =>
      el('button', {
        type: 'button', class: 'place', 'aria-pressed': String(view.place === place),
        onclick: () => { view.place = place; render(); },
      }, label, ' ', el('span', { class: 'muted' }, `(${count})`));
    return [chip(null, 'All', data.resources.length),
      ...[...counts].map(([place, count]) => chip(place, `account ${place.replace(' ', ' · ')}`, count))];
  });
}

function drawResources() {
  const shown = data.resources.filter((r) => !view.place || placeOf(r) === view.place);
  const filter = view.filter.trim().toLowerCase();
  const fingerprint = JSON.stringify([shown, filter, view.selected]);
  draw('resources', fingerprint, () => {
    if (data.resources.length === 0) {
      return empty('No resources yet. Create a first model with the AWS CLI (any credentials do in lenient mode):',
        createModelCommand());
    }
    return TYPES.map(({ type, title, noun, create }) => {
      const ofType = shown.filter((r) => r.type === type);
      const matching = ofType.filter((r) => r.name.toLowerCase().includes(filter));
      const heading = el('h3', {}, `${title} `, el('span', { class: 'muted' }, `(${ofType.length})`));
      if (ofType.length === 0) {
        return [heading, empty(`No ${noun}${view.place ? ' in this account and region' : ''}. Create one:`, create())];
      }
      if (matching.length === 0) return [heading, empty(`No ${noun} match “${view.filter.trim()}”.`)];
      const columns = [['Name'], ['ARN', 'arn'], ...(type === 'Endpoint' ? [['Status']] : []),
        ['Created (UTC)'], ['Tags', 'num']];
      return [heading, table(columns, matching.map((r) => resourceRow(r, type)))];
    });
  });
}

function resourceRow(resource, type) {
  const open = () => { view.selected = keyOf(resource); render(); document.getElementById('detail-section').scrollIntoView({ block: 'nearest' }); };
  return el('tr', {
    class: `resource${view.selected === keyOf(resource) ? ' selected' : ''}`, tabindex: 0,
    'data-name': resource.name, onclick: open,
    onkeydown: (event) => { if (event.key === 'Enter') open(); },
  },
  el('td', {}, el('button', { type: 'button', class: 'link', onclick: (e) => { e.stopPropagation(); open(); } }, resource.name)),
  el('td', { class: 'arn mono' }, resource.arn),
  type === 'Endpoint' ? el('td', { class: `status ${resource.document.EndpointStatus}` }, resource.document.EndpointStatus) : null,
  el('td', { class: 'mono' }, fromEpochSeconds(resource.document.CreationTime)),
  el('td', { class: 'num' }, resource.tags.length));
}

function drawDetail() {
  const section = document.getElementById('detail-section');
  const resource = data.resources.find((r) => keyOf(r) === view.selected);
  if (!resource) {
    view.selected = null;
    section.hidden = true;
    drawn.delete('detail-document');
    return;
  }
  section.hidden = false;
  document.getElementById('detail-title').textContent = `${resource.type} ${resource.name}`;
  document.getElementById('detail-where').textContent = `account ${resource.account} · ${resource.region} · ${resource.arn}`;
  draw('detail-tags', JSON.stringify(resource.tags), () => (resource.tags.length === 0
    ? empty('No tags.')
    : table([['Key'], ['Value']], resource.tags.map((t) => el('tr', {}, el('td', { class: 'mono' }, t.Key), el('td', { class: 'mono' }, t.Value))))));
  const documentBlock = document.getElementById('detail-document');
  const text = JSON.stringify(resource.document);
  if (drawn.get('detail-document') !== text) {
    drawn.set('detail-document', text);
    documentBlock.replaceChildren(...jsonBlock(resource.document).childNodes);
  }
}

// A journal entry's identity across reads: its request id, or for a dropped connection (which has none) its
// arrival time and operation.
const callKey = (call) => call.request_id ?? `${call.time} ${call.operation} ${call.duration_ms}`;
const failed = (call) => call.status === null || call.status >= 400;

function drawJournal() {
  const calls = data.requests.filter((call) => !view.failedOnly || failed(call)).reverse();
  draw('journal', JSON.stringify([calls, [...view.expanded], data.journalSize]), () => {
    if (data.journalSize === 0) {
      return empty('The journal is off (--journal-size 0). Start sagebox with --journal-size 1000 to record calls.');
    }
    if (calls.length === 0) {
      return data.requests.length === 0
        ? empty(`No SageMaker calls recorded yet. Point your client at ${ORIGIN}, for instance:`,
          cli('list-endpoints', []).replace(/ \\$/, ''))
        : empty('No failed calls among the recorded ones.');
    }
    const rows = calls.flatMap((call) => {
      const key = callKey(call);
      const toggle = () => { if (!view.expanded.delete(key)) view.expanded.add(key); render(); };
      const row = el('tr', {
        class: `call${failed(call) ? ' failed' : ''}`, tabindex: 0, 'aria-expanded': String(view.expanded.has(key)),
        'data-operation': call.operation ?? '', onclick: toggle,
        onkeydown: (event) => { if (event.key === 'Enter') toggle(); },
      },
      el('td', { class: 'mono' }, (call.time ?? '').replace('T', ' ').replace(/^\d{4}-\d\d-\d\d /, '')),
      el('td', {}, call.operation ?? '(no operation)'),
      el('td', { class: `status ${failed(call) ? 'bad' : 'ok'}` }, call.status ?? call.connection ?? 'dropped'),
      el('td', { class: 'code', title: call.error_message ?? undefined }, call.error_code ?? ''),
      el('td', { class: 'num' }, `${Number(call.duration_ms ?? 0).toFixed(1)} ms`));
      if (!view.expanded.has(key)) return [row];
      const where = call.account ? `account ${call.account} · ${call.region}` : 'caller not identified';
      return [row, el('tr', { class: 'bodies' }, el('td', { colspan: 5 },
        el('p', { class: 'muted' }, `${where} · request id ${call.request_id ?? '(none: connection dropped)'}`),
        call.error_message ? el('p', { class: 'error' }, `${call.error_code}: ${call.error_message}`) : null,
        el('div', { class: 'bodies-grid' },
          el('div', {}, el('h3', {}, 'Request'), jsonBlock(call.request)),
          el('div', {}, el('h3', {}, 'Response'), jsonBlock(call.response)))))];
    });
    return el('div', { class: 'journal' },
      table([['Time (UTC)', 'time'], ['Operation'], ['Status', 'code'], ['Error'], ['Duration', 'num duration']], rows));
  });
}

function ruleText(rule, skip) {
  return Object.entries(rule).filter(([name]) => !skip.includes(name))
    .map(([name, value]) => `${name}: ${typeof value === 'object' ? JSON.stringify(value) : value}`).join(' · ');
}

function drawRules(id, rules, path, noun, example) {
  draw(id, JSON.stringify(rules), () => {
    if (rules.length === 0) return empty(`No ${noun} rules. Add one:`, example);
    return table([['Id'], ['Rule'], ['Fired', 'num'], ['']], rules.map((rule) => el('tr', { 'data-id': rule.id },
      el('td', { class: 'mono id' }, rule.id),
      el('td', { class: 'mono rule' }, ruleText(rule, ['id', 'fired'])),
      el('td', { class: 'num' }, rule.fired),
      el('td', {}, el('button', {
        type: 'button', class: 'danger',
        onclick: () => act(`Remove ${noun} rule ${rule.id}?`, 'DELETE', `${path}/${encodeURIComponent(rule.id)}`),
      }, 'Remove')))));
  });
}

function render() {
  if (data.resources) {
    drawPlaces();
    drawResources();
    drawDetail();
  }
  if (data.requests) drawJournal();
  if (data.faults) {
    drawRules('faults', data.faults, '/_sagebox/faults', 'fault',
      `curl -X POST ${ORIGIN}/_sagebox/faults -d '{"operation": "CreateEndpoint", "error": {"code": "ThrottlingException", "message": "Rate exceeded", "status": 400}, "times": 1}'`);
  }
  if (data.lifecycle) {
    drawRules('lifecycle', data.lifecycle, '/_sagebox/lifecycle', 'lifecycle',
      `curl -X POST ${ORIGIN}/_sagebox/lifecycle -d '{"resource": "endpoint", "name": "my-endpoint", "on": "create", "outcome": "fail", "reason": "CapacityError: Unable to provision requested ML compute capacity."}'`);
  }
}

// ---- reading ----

const sources = {
  resources: async () => { data.resources = (await api('GET', '/_sagebox/resources')).resources; },
  journal: async () => {
    const answer = await api('GET', `/_sagebox/requests?limit=${JOURNAL_LIMIT}`);
    data.requests = answer.requests;
    data.journalSize = answer.journal_size ?? null;
  },
  faults: async () => { data.faults = (await api('GET', '/_sagebox/faults')).faults; },
  lifecycle: async () => { data.lifecycle = (await api('GET', '/_sagebox/lifecycle')).rules; },
};

let reading = false;
async function read() {
  if (reading || view.paused) return;
  reading = true;
  try {
    const results = await Promise.allSettled(Object.entries(sources).map(async ([name, load]) => {
      try {
        await load();
        report(name, null);
      } catch (failure) {
        report(name, failure);
        throw failure;
      }
    }));
    const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    if (failures.some((f) => f.status === 403 && f.code === 'AccessDeniedException')) askForToken();
    const live = document.getElementById('live');
    live.className = `live ${failures.length === results.length ? 'off' : 'on'}`;
    live.textContent = failures.length === results.length ? 'not answering' : `live · ${utc(new Date())}`;
    render();
  } finally {
    reading = false;
  }
}

function askForToken() {
  view.paused = true;
  const form = document.getElementById('token-form');
  form.hidden = false;
  document.getElementById('token').focus();
}

// Runs an action after the user confirms it, then reads everything again.
async function act(question, method, path) {
  if (!window.confirm(question)) return;
  try {
    await api(method, path);
    report('action', null);
  } catch (failure) {
    report('action', failure);
  }
  await read();
}

function start() {
  document.getElementById('reset').addEventListener('click', () =>
    act('Delete every resource of every account and region? Fault and lifecycle rules and the journal stay.', 'POST', '/_sagebox/reset'));
  document.getElementById('clear-journal').addEventListener('click', () =>
    act('Clear the request journal?', 'DELETE', '/_sagebox/requests'));
  document.getElementById('filter').addEventListener('input', (event) => { view.filter = event.target.value; render(); });
  document.getElementById('failed-only').addEventListener('change', (event) => { view.failedOnly = event.target.checked; render(); });
  document.getElementById('detail-close').addEventListener('click', () => { view.selected = null; render(); });
  document.getElementById('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, document.getElementById('token').value);
    event.target.hidden = true;
    view.paused = false;
    read();
  });
  api('GET', '/_sagebox/health').then(
    (health) => { document.getElementById('version').textContent = `v${health.version}`; report('health', null); },
    (failure) => report('health', failure));
  read();
  setInterval(read, TICK_MS);
}

start();
