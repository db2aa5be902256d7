// The classroom page. Everything it shows comes from the clickday library
// compiled to WebAssembly (web/src/lib.rs): the bundled days, their keys,
// the verdicts and their wording, the interval tables. This file only turns
// the levers into scenario keys (a "try": a scenario file that extends the
// chosen day), runs the try in a worker, and draws what comes back.
'use strict';

const WASM_BASE64 = '__CLICKDAY_WASM_BASE64__';
const CLASSROOM_SCALE = 0.02;

// ---------------------------------------------------------------- engine

function wasmBytes() {
  const text = atob(WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

// The module's imports: `env.progress`, and the few functions of
// wasm-bindgen that a dependency of the library's chart code (plotters)
// links on this target. The page never draws with plotters, so those are
// never called; they throw if they ever are.
function engineImports(module, progress) {
  const imports = { env: { progress } };
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module === 'env' && imp.name === 'progress') continue;
    imports[imp.module] = imports[imp.module] || {};
    imports[imp.module][imp.name] = () => { throw new Error('the page\'s engine called ' + imp.module + '.' + imp.name); };
  }
  return imports;
}

// Runs in the worker: instantiates the module it is sent, runs one request,
// posts progress at each interval end of the day and then the answer.
function workerMain() {
  self.onmessage = async (event) => {
    const { module, request } = event.data;
    try {
      const imports = engineImports(module, (at, duration) => self.postMessage({ progress: duration > 0 ? at / duration : 0 }));
      const instance = await WebAssembly.instantiate(module, imports);
      const ex = instance.exports;
      const bytes = new TextEncoder().encode(JSON.stringify(request));
      const ptr = ex.alloc(bytes.length);
      new Uint8Array(ex.memory.buffer, ptr, bytes.length).set(bytes);
      const started = performance.now();
      const out = ex.run(ptr, bytes.length);
      const text = new TextDecoder().decode(new Uint8Array(ex.memory.buffer, out, ex.result_len()));
      self.postMessage({ done: text, ms: performance.now() - started });
    } catch (e) {
      self.postMessage({ done: JSON.stringify({ error: 'the engine stopped: ' + e }) });
    }
  };
}

const WORKER_URL = URL.createObjectURL(new Blob([engineImports.toString() + '\n(' + workerMain.toString() + ')()'], { type: 'text/javascript' }));

const state = {
  module: null,
  catalog: null,
  chosen: null,     // the chosen scenario of the catalog
  worker: null,
  running: false,
  tries: [],        // { label, file, result, toml, scale, seed }
};

function callCatalog(module) {
  return WebAssembly.instantiate(module, engineImports(module, () => {})).then((instance) => {
    const ex = instance.exports;
    const ptr = ex.catalog();
    return JSON.parse(new TextDecoder().decode(new Uint8Array(ex.memory.buffer, ptr, ex.result_len())));
  });
}

// ---------------------------------------------------------------- helpers

const $ = (id) => document.getElementById(id);
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}
function esc(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
}

// A TOML value from the JSON the catalog gives of the scenario's keys.
function tomlValue(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '0';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return '[' + v.map(tomlValue).join(', ') + ']';
  if (v && typeof v === 'object') {
    return '{ ' + Object.entries(v).map(([k, x]) => tomlKey(k) + ' = ' + tomlValue(x)).join(', ') + ' }';
  }
  return '""';
}
function tomlKey(k) { return /^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k); }

// Minutes since the start day's midnight of a clock time as scenarios write
// it ("11:00", "2020-04-02 01:00"), for ordering interventions.
function clockMinutes(text, startDate) {
  const t = String(text).trim();
  let m = /^(\d{1,2}):(\d{2})$/.exec(t);
  if (m) return (+m[1]) * 60 + (+m[2]);
  m = /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})$/.exec(t);
  if (m && startDate) {
    const days = Math.round((Date.parse(m[1] + 'T00:00:00Z') - Date.parse(startDate + 'T00:00:00Z')) / 86400000);
    return days * 1440 + (+m[2]) * 60 + (+m[3]);
  }
  return Infinity;
}
// "HH:MM" on the start day, or on the next day when it is not after `after`.
function clockAfter(text, afterText, startDate) {
  const t = String(text).trim();
  if (!startDate || !/^\d{1,2}:\d{2}$/.test(t)) return t;
  if (clockMinutes(t, startDate) > clockMinutes(afterText, startDate)) return t;
  const next = new Date(Date.parse(startDate + 'T00:00:00Z') + 86400000).toISOString().slice(0, 10);
  return next + ' ' + t.padStart(5, '0');
}
function clockShort(text, startDate) {
  const t = String(text);
  if (startDate && t.startsWith(startDate + ' ')) return t.slice(startDate.length + 1);
  return t;
}

// ---------------------------------------------------------------- levers

// Each lever group knows its inputs' starting values and writes its keys
// into the try only when one of them changed.
function input(attrs) {
  const e = el('input', attrs);
  e.dataset.start = attrs.type === 'checkbox' ? String(!!attrs.checked) : String(attrs.value ?? '');
  return e;
}
function select(options, value, attrs) {
  const s = el('select', attrs || {});
  for (const [v, label, disabled] of options) s.append(el('option', { value: v, text: label, selected: v === value, disabled }));
  s.dataset.start = value;
  return s;
}
function current(e) { return e.type === 'checkbox' ? String(e.checked) : String(e.value); }
function changed(...inputs) { return inputs.some((e) => e && current(e) !== e.dataset.start); }

function buildLevers(s) {
  const form = $('lever-form');
  form.textContent = '';
  const keys = s.keys || {};
  const startDate = keys.start_date || null;
  const groups = [];

  // Waiting room.
  {
    const room = keys.waiting_room;
    const mode = room ? (room.max_sessions !== undefined ? 'sessions' : 'rate') : 'none';
    const kind = select([
      ['none', 'no waiting room', !!room],
      ['rate', 'let people in at a rate', room && mode !== 'rate'],
      ['sessions', 'let people in while fewer sessions than', room && mode !== 'sessions'],
    ], mode, { id: 'room-mode' });
    const rate = input({ type: 'text', id: 'room-rate', value: room && room.admission_rate ? room.admission_rate : '45/s', size: 8 });
    const sessions = input({ type: 'number', id: 'room-sessions', min: 1, value: room && room.max_sessions ? room.max_sessions : 20000 });
    groups.push({
      node: el('fieldset', {}, el('legend', { text: 'Waiting room' }),
        el('p', { class: 'hint', text: room ? 'This day has a waiting room; change how it lets people in.' : 'A queue in front of the portal that lets people in at a pace the portal can take.' }),
        el('label', {}, kind), el('label', {}, 'rate ', rate), el('label', {}, 'sessions ', sessions)),
      toml() {
        if (!changed(kind, rate, sessions) || kind.value === 'none') return '';
        let out = '[waiting_room]\n';
        out += kind.value === 'rate' ? 'admission_rate = ' + tomlValue(rate.value.trim()) + '\n' : 'max_sessions = ' + (parseInt(sessions.value, 10) || 0) + '\n';
        if (!room) out += 'opens_at = "00:00"\n';
        return out;
      },
    });
  }

  // Workers per tier and autoscaling.
  {
    const rows = [];
    for (const tier of keys.tier || []) {
      const counts = tier.instances !== undefined ? 'instances' : 'workers';
      const n = input({ type: 'number', min: 1, value: tier[counts] ?? 1, 'aria-label': tier.name + ' ' + counts });
      const auto = input({ type: 'checkbox', checked: !!tier.autoscale, disabled: !!tier.autoscale, 'aria-label': 'autoscale ' + tier.name });
      const max = input({ type: 'number', min: 1, value: tier.autoscale ? tier.autoscale.max : (tier[counts] ?? 1) * 4, 'aria-label': 'autoscale ' + tier.name + ' up to' });
      rows.push({ tier, counts, n, auto, max });
    }
    groups.push({
      node: el('fieldset', {}, el('legend', { text: 'Servers: workers per tier, and autoscaling' }),
        el('div', { class: 'lever-grid' }, ...rows.map((r) => el('div', {},
          el('label', {}, el('strong', { text: r.tier.name }), r.n, r.counts),
          el('label', {}, r.auto, 'autoscale up to', r.max))))),
      toml() {
        let out = '';
        for (const r of rows) {
          if (!changed(r.n, r.auto, r.max)) continue;
          const count = Math.max(1, parseInt(r.n.value, 10) || 1);
          out += '[change.tier.' + tomlKey(r.tier.name) + ']\n' + r.counts + ' = ' + count + '\n';
          if (r.auto.checked) {
            const base = r.tier.autoscale || { target: 0.7, period: '1m', delay: '5m', step: Math.max(1, Math.round(count / 10)), min: count };
            const a = Object.assign({}, base, { max: Math.max(parseInt(r.max.value, 10) || count, base.min || 1) });
            out += 'autoscale = ' + tomlValue(a) + '\n';
          }
        }
        return out;
      },
    });
  }

  // Retry behaviour.
  {
    const rows = [];
    for (const b of keys.behaviour || []) {
      const retries = input({ type: 'number', min: 0, max: 255, value: b.retries ?? 0, 'aria-label': b.name + ' retries' });
      const mode = select([['reload', 'reload after a pause'], ['backoff', 'capped backoff']], b.backoff ? 'backoff' : 'reload', { 'aria-label': b.name + ' retry delay' });
      const mean = input({ type: 'text', size: 6, value: b.retry_delay && b.retry_delay.mean ? b.retry_delay.mean : '15s', 'aria-label': b.name + ' mean pause' });
      const base = input({ type: 'text', size: 5, value: b.backoff ? b.backoff.base : '2s', 'aria-label': b.name + ' backoff base' });
      const cap = input({ type: 'text', size: 5, value: b.backoff ? b.backoff.cap : '5m', 'aria-label': b.name + ' backoff cap' });
      const tabs = input({ type: 'number', min: 1, max: 31, value: b.tabs ?? 1, 'aria-label': b.name + ' tabs' });
      rows.push({ b, retries, mode, mean, base, cap, tabs });
    }
    groups.push({
      node: el('fieldset', {}, el('legend', { text: 'How people retry' }),
        el('div', { class: 'lever-grid' }, ...rows.map((r) => el('div', {},
          el('strong', { text: r.b.name }), el('br'),
          el('label', {}, r.retries, 'retries,'), el('label', {}, r.mode),
          el('label', {}, 'mean pause', r.mean), el('label', {}, 'backoff from', r.base, 'to at most', r.cap),
          el('label', {}, r.tabs, 'tabs on a retry'))))),
      toml() {
        if (!rows.some((r) => changed(r.retries, r.mode, r.mean, r.base, r.cap, r.tabs))) return '';
        let out = '';
        for (const r of rows) {
          const b = Object.assign({}, r.b);
          delete b.retry_delay; delete b.backoff;
          b.retries = parseInt(r.retries.value, 10) || 0;
          b.tabs = Math.min(31, Math.max(1, parseInt(r.tabs.value, 10) || 1));
          if (r.mode.value === 'backoff') {
            b.backoff = r.b.backoff && !changed(r.base, r.cap) ? r.b.backoff : { base: r.base.value.trim(), cap: r.cap.value.trim(), jitter: true };
          } else {
            b.retry_delay = r.b.retry_delay && !changed(r.mean) ? r.b.retry_delay : { dist: 'exponential', mean: r.mean.value.trim() };
          }
          out += '[[behaviour]]\n' + Object.entries(b).map(([k, v]) => tomlKey(k) + ' = ' + tomlValue(v)).join('\n') + '\n';
        }
        return out;
      },
    });
  }

  // The cache rule, the closing and reopening: interventions.
  const interventions = keys.intervention || [];
  const find = (action) => interventions.find((iv) => iv.action === action);
  const personal = (keys.step || []).filter((st) => st.class === 'personal').map((st) => st.name);
  const cacheOn = find('cache_personal_pages');
  const cacheOff = find('bypass_personal_pages');
  const close = find('close_portal');
  const open = find('open_portal');
  const cacheBox = input({ type: 'checkbox', checked: !!cacheOn, 'aria-label': 'a cache rule caches personal pages' });
  const cacheFrom = input({ type: 'text', size: 6, value: cacheOn ? clockShort(cacheOn.at, startDate) : '11:00', 'aria-label': 'cache rule from' });
  const cacheTo = input({ type: 'text', size: 6, value: cacheOff ? clockShort(cacheOff.at, startDate) : '11:30', 'aria-label': 'cache rule until' });
  const cacheSteps = (cacheOn && cacheOn.steps) || (personal.includes('drafts') ? ['drafts'] : personal.slice(0, 1));
  const closeBox = input({ type: 'checkbox', checked: !!close, 'aria-label': 'close the portal' });
  const closeAt = input({ type: 'text', size: 6, value: close ? clockShort(close.at, startDate) : '12:00', 'aria-label': 'close at' });
  const openAt = input({ type: 'text', size: 6, value: open ? clockShort(open.at, startDate) : '17:50', 'aria-label': 'reopen at' });
  if (personal.length) {
    groups.push({
      node: el('fieldset', {}, el('legend', { text: 'The cache rule' }),
        el('label', {}, cacheBox, 'a CDN rule caches the ' + cacheSteps.join(', ') + ' pages by address, from'), cacheFrom,
        el('label', {}, 'until', cacheTo),
        el('p', { class: 'hint', text: 'While it is on, the first person\'s page is shown to everyone asking for the same address.' })),
      intervention: true,
    });
  }
  groups.push({
    node: el('fieldset', {}, el('legend', { text: 'Closing and reopening the portal' }),
      el('label', {}, closeBox, 'close the portal at'), closeAt, el('label', {}, 'reopen at', openAt),
      el('p', { class: 'hint', text: 'Leave "reopen at" empty to keep it closed. Times are HH:MM, or a date and time for the next day.' })),
    intervention: true,
  });
  groups.push({
    toml() {
      if (!changed(cacheBox, cacheFrom, cacheTo, closeBox, closeAt, openAt)) return '';
      const cacheChanged = changed(cacheBox, cacheFrom, cacheTo);
      const closeChanged = changed(closeBox, closeAt, openAt);
      const drop = new Set();
      if (cacheChanged) { drop.add('cache_personal_pages'); drop.add('bypass_personal_pages'); }
      if (closeChanged) { drop.add('close_portal'); drop.add('open_portal'); }
      const list = interventions.filter((iv) => !drop.has(iv.action)).map((iv) => Object.assign({}, iv));
      if (cacheChanged && cacheBox.checked) {
        list.push({ at: cacheFrom.value.trim(), action: 'cache_personal_pages', steps: cacheSteps, label: 'CDN rule caches ' + cacheSteps.join(', ') + ' pages' });
        if (cacheTo.value.trim()) list.push({ at: clockAfter(cacheTo.value, cacheFrom.value, startDate), action: 'bypass_personal_pages', steps: cacheSteps, label: 'cache rule fixed' });
      }
      if (closeChanged && closeBox.checked) {
        list.push({ at: closeAt.value.trim(), action: 'close_portal', label: 'portal closed' });
        if (openAt.value.trim()) list.push({ at: clockAfter(openAt.value, closeAt.value, startDate), action: 'open_portal', label: 'portal reopened' });
      }
      list.forEach((iv, i) => { iv._order = i; });
      list.sort((a, b) => (clockMinutes(a.at, startDate) - clockMinutes(b.at, startDate)) || (a._order - b._order));
      if (!list.length) return 'intervention = []\n';
      return list.map((iv) => { delete iv._order; return '[[intervention]]\n' + Object.entries(iv).map(([k, v]) => tomlKey(k) + ' = ' + tomlValue(v)).join('\n') + '\n'; }).join('');
    },
    top: true,
  });

  // Staggered windows per category.
  {
    const rows = [];
    for (const c of keys.category || []) {
      const w = c.windows && c.windows[0];
      const box = input({ type: 'checkbox', checked: !!w, disabled: !!w, 'aria-label': c.name + ' only in a window' });
      const from = input({ type: 'text', size: 6, value: w ? clockShort(w.from, startDate) : '08:00', 'aria-label': c.name + ' window from' });
      const to = input({ type: 'text', size: 6, value: w ? clockShort(w.to, startDate) : '16:00', 'aria-label': c.name + ' window to' });
      rows.push({ c, box, from, to });
    }
    groups.push({
      node: el('fieldset', {}, el('legend', { text: 'Staggered windows' }),
        el('p', { class: 'hint', text: 'Serve a group only between two times; the others see a "not open to you yet" page.' }),
        ...rows.map((r) => el('div', {}, el('label', {}, r.box, el('strong', { text: r.c.name }), 'only from'), r.from, el('label', {}, 'to', r.to)))),
      toml() {
        let out = '';
        for (const r of rows) {
          if (!changed(r.box, r.from, r.to) || !r.box.checked) continue;
          const from = r.from.value.trim();
          out += '[change.category.' + tomlKey(r.c.name) + ']\nwindows = ' + tomlValue([{ from, to: clockAfter(r.to.value, from, startDate) }]) + '\n';
        }
        return out;
      },
    });
  }

  // Phone agents.
  const phone = keys.contact && keys.contact.phone;
  if (phone) {
    const shifts = phone.shift || [];
    const first = shifts.length ? shifts.reduce((a, b) => (clockMinutes(b.start) < clockMinutes(a.start) ? b : a)) : null;
    const onAtStart = first ? shifts.filter((x) => x.start === first.start).reduce((n, x) => n + (x.count || 0), 0) : (phone.agents ?? 0);
    const agents = input({ type: 'number', min: 0, value: onAtStart, 'aria-label': 'phone agents' });
    const from = input({ type: 'text', size: 6, value: first ? first.start : '08:00', 'aria-label': 'phone agents from' });
    const length = input({ type: 'text', size: 5, value: '12h', 'aria-label': 'phone agents for' });
    groups.push({
      node: el('fieldset', {}, el('legend', { text: 'Phone agents' }),
        el('p', { class: 'hint', text: shifts.length ? 'The day has ' + shifts.length + ' shifts; changing this replaces them with one.' : 'Agents on the phone all day.' }),
        el('label', {}, agents, 'agents from'), from, el('label', {}, 'for', length)),
      toml() {
        if (!changed(agents, from, length)) return '';
        const n = Math.max(0, parseInt(agents.value, 10) || 0);
        if (!shifts.length) return '[contact.phone]\nagents = ' + n + '\n';
        return '[[contact.phone.shift]]\nstart = ' + tomlValue(from.value.trim()) + '\nlength = ' + tomlValue(length.value.trim()) + '\ncount = ' + n + '\n';
      },
    });
  }

  for (const g of groups) if (g.node) form.append(g.node);
  state.levers = groups;
}

// The try: a scenario file that extends the chosen day and sets what the
// levers changed. Arrays of tables replace the day's whole list, tables
// merge key by key (see scenarios/README.md, "extends").
function tryToml(label) {
  const s = state.chosen;
  const body = state.levers.map((g) => (g.toml ? g.toml() : ''));
  const changedAny = body.some((b) => b);
  let head = 'extends = ' + tomlValue(s.file) + '\n';
  if (changedAny) {
    const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'try';
    head += 'name = ' + tomlValue(s.name + '-' + slug) + '\n';
  }
  // `intervention = []` is a top-level key: it must come before tables.
  const top = body.filter((b) => b.startsWith('intervention = '));
  const rest = body.filter((b) => b && !b.startsWith('intervention = '));
  return head + top.join('') + (rest.length ? '\n' + rest.join('\n') : '');
}

// ---------------------------------------------------------------- scenarios

function showCatalog() {
  const list = $('scenario-list');
  list.textContent = '';
  for (const s of state.catalog.scenarios) {
    const radio = el('input', { type: 'radio', name: 'day', value: s.file, checked: s === state.chosen });
    const card = el('label', { class: 'card' + (s === state.chosen ? ' chosen' : '') },
      el('h3', {}, radio, s.name), el('p', { text: s.description }));
    radio.addEventListener('change', () => choose(s));
    list.append(card);
  }
}

function choose(s) {
  state.chosen = s;
  showCatalog();
  buildLevers(s);
  $('seed').value = s.seed;
}

// ---------------------------------------------------------------- running

function scaleValue() {
  if ($('scale-mode').value === 'full') return 1;
  const v = parseFloat($('scale').value);
  return Number.isFinite(v) ? v : CLASSROOM_SCALE;
}

function updateScaleNote() {
  const full = $('scale-mode').value === 'full';
  $('scale').disabled = full;
  const v = scaleValue();
  $('scale-note').textContent = full
    ? 'The whole day: every person and every server. Expect minutes, not seconds.'
    : 'Classroom scale ' + v + ': ' + +(v * 100).toFixed(3) + '% of the people, and the same share of every capacity that serves them (workers, queues, edge, waiting room, phone lines and agents); per person nothing changes.';
}

function setRunning(running, text) {
  state.running = running;
  $('run').disabled = running || !state.module;
  $('cancel').disabled = !running;
  if (text !== undefined) $('status').textContent = text;
  document.body.dataset.state = running ? 'running' : (document.body.dataset.state || 'ready');
}

function freshWorker() {
  if (state.worker) state.worker.terminate();
  state.worker = new Worker(WORKER_URL);
}

function runTry() {
  if (state.running || !state.module) return;
  const label = $('try-label').value.trim() || 'try ' + (state.tries.length + 1);
  const toml = tryToml(label);
  const scale = scaleValue();
  const seed = Math.max(0, Math.floor(+$('seed').value || 0));
  const request = { toml, scale, seed };
  freshWorker();
  const started = performance.now();
  $('progress').value = 0;
  document.body.dataset.state = 'running';
  setRunning(true, 'running ' + label + '…');
  state.worker.onmessage = (event) => {
    const m = event.data;
    if (m.progress !== undefined) { $('progress').value = Math.min(1, m.progress); return; }
    if (m.done === undefined) return;
    const result = JSON.parse(m.done);
    const seconds = (performance.now() - started) / 1000;
    document.body.dataset.runMs = String(Math.round(performance.now() - started));
    if (result.error) {
      document.body.dataset.state = 'error';
      setRunning(false, '');
      $('status').textContent = '';
      $('status').append(el('span', { class: 'error', text: 'The day could not run: ' + result.error }));
      return;
    }
    $('progress').value = 1;
    state.tries.push({ label, file: state.chosen.file, result, toml, scale, seed });
    document.body.dataset.state = 'done';
    setRunning(false, label + ' done in ' + seconds.toFixed(1) + ' s');
    $('try-label').value = '';
    $('try-label').placeholder = 'try ' + (state.tries.length + 1);
    showResults();
  };
  state.worker.onerror = (e) => {
    document.body.dataset.state = 'error';
    setRunning(false, 'the engine failed: ' + (e.message || e));
  };
  state.worker.postMessage({ module: state.module, request });
}

function cancel() {
  if (!state.running) return;
  freshWorker();
  $('progress').value = 0;
  document.body.dataset.state = 'cancelled';
  setRunning(false, 'cancelled; the levers are as you left them');
}

// ---------------------------------------------------------------- results

const COLORS = ['#0b5cad', '#d1495b', '#2e933c', '#8d5a97', '#e09f3e', '#222222', '#1b998b', '#9c6644'];
const DASHES = ['', '8 4', '3 3', '10 3 3 3', '1 3', '12 6', '6 2 2 2', '4 6'];

function parseCsv(text) {
  if (!text) return [];
  const lines = text.trim().split('\n');
  const head = lines[0].split(',');
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    const row = {};
    head.forEach((h, i) => { row[h] = cells[i]; });
    return row;
  });
}

const CHARTS = [
  { id: 'availability', title: 'Availability: share of requests answered ok', table: 'intervals', column: 'availability', share: true },
  { id: 'applications', title: 'Applications completed so far', table: 'intervals', column: 'applications_cumulative' },
  { id: 'latency', title: 'Personal pages: 95th percentile time to answer, seconds', table: 'intervals', column: 'personal_p95_s' },
  { id: 'phone', title: 'Phone: callers waiting for an agent (mean)', table: 'phone', column: 'queue_mean' },
];

// An axis label: the clock time, and at a later midnight only the date.
function axisLabel(seconds, startDate) {
  const text = clockLabel(seconds, startDate);
  return seconds >= 86400 && text.endsWith(' 00:00') ? text.slice(0, -6) : text;
}

function clockLabel(seconds, startDate) {
  const day = Math.floor(seconds / 86400);
  const rest = seconds - day * 86400;
  const h = Math.floor(rest / 3600), m = Math.floor((rest % 3600) / 60);
  const hm = String(h).padStart(2, '0') + ':' + String(m).padStart(2, '0');
  if (day === 0) return hm;
  if (startDate) {
    const d = new Date(Date.parse(startDate + 'T00:00:00Z') + day * 86400000);
    return d.getUTCDate() + ' ' + d.toLocaleString('en', { month: 'short', timeZone: 'UTC' }) + ' ' + hm;
  }
  return '+' + day + 'd ' + hm;
}

function niceStep(span, target) {
  const raw = span / Math.max(1, target);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const k of [1, 2, 2.5, 5, 10]) if (k * p >= raw) return k * p;
  return 10 * p;
}

function formatTick(v, share) {
  if (share) return Math.round(v * 100) + '%';
  if (Math.abs(v) >= 1e6) return +(v / 1e6).toFixed(1) + 'M';
  if (Math.abs(v) >= 1e3) return +(v / 1e3).toFixed(1) + 'k';
  return String(+v.toFixed(2));
}

function drawChart(spec, tries, width) {
  const narrow = width < 420;
  const font = narrow ? 12 : 15;
  const height = Math.round(Math.max(220, Math.min(340, width * 0.55)));
  const left = narrow ? 44 : 60, right = 12, top = 10, bottom = font * 2 + 10;
  const series = [];
  let tMax = 0, yMax = 0;
  tries.forEach((t, i) => {
    const rows = parseCsv(t.result[spec.table]);
    const pts = [];
    for (const r of rows) {
      const x = (+r.start_s + +r.end_s) / 2;
      const y = r[spec.column] === '' || r[spec.column] === undefined ? NaN : +r[spec.column];
      pts.push([x, y]);
      if (+r.end_s > tMax) tMax = +r.end_s;
      if (Number.isFinite(y) && y > yMax) yMax = y;
    }
    series.push({ pts, i, label: t.label });
  });
  if (spec.share) yMax = 1;
  if (yMax <= 0) yMax = 1;
  const step = niceStep(yMax, narrow ? 4 : 5);
  yMax = Math.ceil(yMax / step) * step;
  const W = width - left - right, H = height - top - bottom;
  const X = (x) => left + (x / (tMax || 1)) * W;
  const Y = (y) => top + H - (y / yMax) * H;
  const start = tries[0] && tries[0].result.start_date;
  let svg = '<svg viewBox="0 0 ' + width + ' ' + height + '" width="' + width + '" height="' + height + '" role="img" aria-label="' + esc(spec.title) + '">';
  svg += '<g font-size="' + font + '" fill="#333">';
  for (let y = 0; y <= yMax + 1e-9; y += step) {
    svg += '<line x1="' + left + '" x2="' + (left + W) + '" y1="' + Y(y) + '" y2="' + Y(y) + '" stroke="#e3e3e3"/>';
    svg += '<text x="' + (left - 6) + '" y="' + (Y(y) + font / 3) + '" text-anchor="end">' + esc(formatTick(y, spec.share)) + '</text>';
  }
  const hours = tMax / 3600;
  // As many clock labels as fit, about one per 80 px, on whole hours.
  const labels = Math.max(2, Math.floor(W / (narrow ? 75 : 85)));
  const every = [1, 2, 3, 4, 6, 8, 12, 24, 48].find((h) => hours / h <= labels) || 48;
  for (let t = 0; t <= tMax + 1; t += every * 3600) {
    svg += '<line x1="' + X(t) + '" x2="' + X(t) + '" y1="' + top + '" y2="' + (top + H) + '" stroke="#eeeeee"/>';
    const anchor = t === 0 ? 'start' : (X(t) > left + W - 30 ? 'end' : 'middle');
    svg += '<text x="' + X(t) + '" y="' + (top + H + font + 4) + '" text-anchor="' + anchor + '">' + esc(axisLabel(t, start)) + '</text>';
  }
  svg += '<line x1="' + left + '" x2="' + (left + W) + '" y1="' + (top + H) + '" y2="' + (top + H) + '" stroke="#888"/>';
  svg += '</g>';
  for (const s of series) {
    let d = '', pen = false;
    for (const [x, y] of s.pts) {
      if (!Number.isFinite(y)) { pen = false; continue; }
      d += (pen ? 'L' : 'M') + X(x).toFixed(1) + ' ' + Y(y).toFixed(1);
      pen = true;
    }
    const last = s.i === series.length - 1;
    svg += '<path d="' + d + '" fill="none" stroke="' + COLORS[s.i % COLORS.length] + '" stroke-width="' + (last ? 2.6 : 1.8) + '" stroke-dasharray="' + DASHES[s.i % DASHES.length] + '"><title>' + esc(s.label) + '</title></path>';
  }
  svg += '</svg>';
  return svg;
}

function legend(tries) {
  return '<div class="legend">' + tries.map((t, i) =>
    '<span><i style="border-top-color:' + COLORS[i % COLORS.length] + ';border-top-style:' + (DASHES[i % DASHES.length] ? 'dashed' : 'solid') + '"></i>' + esc(t.label) + '</span>').join('') + '</div>';
}

function drawCharts() {
  const box = $('charts');
  const tries = state.tries.filter((t) => t.file === (state.tries.at(-1) || {}).file);
  box.textContent = '';
  if (!tries.length) return;
  for (const spec of CHARTS) {
    if (!tries.some((t) => t.result[spec.table])) continue;
    const fig = el('figure', { class: 'chart', id: 'chart-' + spec.id });
    fig.append(el('h3', { text: spec.title }));
    box.append(fig);
    const width = Math.max(280, Math.floor(fig.clientWidth - 18));
    fig.insertAdjacentHTML('beforeend', drawChart(spec, tries, width) + legend(tries));
  }
}

function showResults() {
  const last = state.tries.at(-1);
  if (!last) return;
  const r = last.result;
  const words = $('verdict-words');
  words.textContent = '';
  words.append(el('h3', { text: last.label + ': ' + r.name + ', seed ' + r.seed + (r.scale < 1 ? ', classroom scale ' + r.scale : ', full scale') }));
  const ul = el('ul', { id: 'verdicts' });
  for (const v of r.verdicts) {
    if (!v.scorecard) continue;
    ul.append(el('li', { 'data-metric': v.metric }, v.label + ': ', el('strong', { text: v.value })));
  }
  words.append(ul);
  if (r.interventions.length) {
    words.append(el('p', { class: 'hint', text: 'Interventions: ' + r.interventions.map(([at, label]) => clockLabel(at, r.start_date) + ' ' + label).join('; ') }));
  }
  if (r.warnings.length) words.append(el('p', { class: 'hint', text: 'Note: ' + r.warnings.join(' ') }));
  drawCharts();
  // Every try of this day, side by side.
  const tries = state.tries.filter((t) => t.file === last.file);
  const labels = [];
  for (const t of tries) for (const v of t.result.verdicts) if (!labels.includes(v.label)) labels.push(v.label);
  let html = '<h3>Every try of this day</h3><div class="table-wrap scroll"><table id="tries"><thead><tr><th>verdict</th>' +
    tries.map((t) => '<th>' + esc(t.label) + '<br><small>' + (t.scale < 1 ? 'scale ' + t.scale : 'full') + ', seed ' + t.seed + '</small></th>').join('') + '</tr></thead><tbody>';
  for (const label of labels) {
    html += '<tr><td>' + esc(label) + '</td>' + tries.map((t) => {
      const v = t.result.verdicts.find((x) => x.label === label);
      return '<td>' + (v ? esc(v.value) : '—') + '</td>';
    }).join('') + '</tr>';
  }
  html += '</tbody></table></div>';
  $('compare').innerHTML = html;
  $('try-toml').textContent = last.toml;
  $('summary').textContent = r.summary;
  $('cli-command').textContent = 'clickday run scenarios/try.toml' + (last.scale < 1 ? ' --scale ' + last.scale : '') + ' --seed ' + last.seed + ' -r 1';
}

// ---------------------------------------------------------------- start

async function boot() {
  $('run').addEventListener('click', runTry);
  $('cancel').addEventListener('click', cancel);
  $('scale-mode').addEventListener('change', updateScaleNote);
  $('scale').addEventListener('input', updateScaleNote);
  $('scale').value = CLASSROOM_SCALE;
  let resizeTimer = null;
  window.addEventListener('resize', () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(drawCharts, 150); });
  try {
    state.module = await WebAssembly.compile(wasmBytes());
    state.catalog = await callCatalog(state.module);
    // The template is a starting point for writing a scenario, not a day.
    state.catalog.scenarios = state.catalog.scenarios.filter((s) => !s.file.startsWith('template'));
  } catch (e) {
    document.body.dataset.state = 'error';
    $('status').textContent = 'the engine could not start in this browser: ' + e;
    return;
  }
  const params = new URLSearchParams(location.search);
  const wanted = params.get('scenario') || state.catalog.default;
  choose(state.catalog.scenarios.find((s) => s.file === wanted || s.name === wanted) || state.catalog.scenarios[0]);
  if (params.has('scale')) { const v = +params.get('scale'); if (v >= 1) $('scale-mode').value = 'full'; else $('scale').value = v; }
  if (params.has('seed')) $('seed').value = params.get('seed');
  updateScaleNote();
  document.body.dataset.state = 'ready';
  setRunning(false, 'ready: choose a day, change a lever, and run it');
  if (params.get('autorun') === '1') runTry();
}

boot();
