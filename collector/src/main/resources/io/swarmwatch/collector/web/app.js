// swarmwatch web page: plain JavaScript, no build step. Reads the collector's /api/v1, refetches
// when /api/v1/watch says the cluster changed, tails logs over server-sent events. All text from
// the API goes into the page through textContent, never as HTML.
'use strict';

const $ = (sel) => document.querySelector(sel);
const state = { token: localStorage.getItem('swarmwatch.token') || '', details: new Map(), logAbort: null };

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k === 'title') e.title = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}
const pill = (text, cls) => el('span', { class: 'pill ' + (cls || text || 'unknown') }, text || 'unknown');

function headers() {
  return state.token ? { Authorization: 'Bearer ' + state.token } : {};
}

class Unauthorized extends Error {}

// GET a JSON route; null when the collector has no such route (an older or smaller collector).
async function api(path) {
  const r = await fetch(path, { headers: headers(), cache: 'no-store' });
  if (r.status === 401 || r.status === 403) throw new Unauthorized(path);
  if (r.status === 404) return null;
  if (!r.ok) {
    let msg = r.status + ' ' + r.statusText;
    try { msg = (await r.json()).error || msg; } catch (e) { /* not JSON */ }
    throw new Error(path + ': ' + msg);
  }
  return r.json();
}

function ago(iso) {
  if (!iso) return '';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (Number.isNaN(s)) return iso;
  if (s < 60) return s + 's ago';
  if (s < 3600) return Math.round(s / 60) + 'm ago';
  if (s < 86400) return Math.round(s / 3600) + 'h ago';
  return Math.round(s / 86400) + 'd ago';
}

function replicaName(r) {
  const where = r.slot !== null && r.slot !== undefined ? '.' + r.slot : '';
  return (r.service || r.containerName || r.containerId || '?') + where + (r.nodeHostname ? ' @ ' + r.nodeHostname : '');
}

// A replica needs attention when a rule flagged it or its own facts say so.
function problems(r) {
  const out = (r.flags || []).map((f) => ({ rule: f.rule, severity: f.severity, reason: f.reason, since: f.since }));
  if (out.length === 0) {
    if (r.health === 'unhealthy') out.push({ rule: 'unhealthy', severity: 'critical', reason: 'health check failing' });
    if (r.oomKilled) out.push({ rule: 'oom-killed', severity: 'critical', reason: 'killed by the kernel for memory' });
    if (r.task && r.task.error) out.push({ rule: 'task-error', severity: 'warning', reason: r.task.error });
  }
  return out;
}

async function probeOutput(r) {
  if (!r.containerId) return null;
  const key = r.containerId + '|' + r.health + '|' + (r.flags || []).map((f) => f.since).join();
  if (!state.details.has(key)) {
    state.details.set(key, api('/api/v1/containers/' + encodeURIComponent(r.containerId)).catch(() => null));
  }
  const c = await state.details.get(key);
  const log = c && c.health && c.health.log;
  if (!log || log.length === 0) return null;
  const last = log[log.length - 1];
  return 'exit ' + last.exitCode + ': ' + (last.output || '').trim();
}

async function renderFlagged(replicas) {
  const box = $('#flagged');
  const flagged = replicas.filter((r) => problems(r).length > 0);
  const cards = await Promise.all(flagged.map(async (r) => {
    const ps = problems(r);
    const worst = ps.some((p) => p.severity === 'critical') ? 'critical' : ps[0].severity;
    const card = el('div', { class: 'card ' + worst, 'data-replica': r.taskId || r.containerId || '' },
      el('div', { class: 'title' }, replicaName(r), ' ', pill(r.health || r.state, r.health || 'unknown')));
    for (const p of ps) {
      card.append(el('div', {}, pill(p.rule, p.severity), ' ', el('span', { class: 'reason' }, p.reason),
        p.since ? el('span', { class: 'muted' }, ' · since ' + ago(p.since)) : null));
    }
    const out = r.health === 'unhealthy' || ps.some((p) => p.rule === 'unhealthy') ? await probeOutput(r) : null;
    if (out) card.append(el('pre', { class: 'probe' }, out));
    return card;
  }));
  box.replaceChildren(...(cards.length ? cards : [el('p', { class: 'muted' }, 'All replicas are running and healthy.')]));
  return flagged.length;
}

function renderServices(services) {
  const body = $('#services tbody');
  body.replaceChildren(...services.map((s) => el('tr', { 'data-service': s.name },
    el('td', {}, s.name), el('td', {}, s.stack || ''), el('td', {}, s.mode || ''),
    el('td', {}, s.desired ?? ''), el('td', {}, s.running ?? ''), el('td', {}, s.healthy ?? ''),
    el('td', {}, pill(s.status)))));
  const sel = $('#log-service');
  const current = sel.value;
  const names = services.map((s) => s.name).sort();
  sel.replaceChildren(el('option', { value: '' }, 'choose a service'), ...names.map((n) => el('option', { value: n }, n)));
  sel.value = names.includes(current) ? current : '';
}

function renderNodes(nodes) {
  $('#nodes tbody').replaceChildren(...nodes.map((n) => {
    const a = n.agent || {};
    return el('tr', { 'data-node': n.hostname },
      el('td', {}, n.hostname || n.id), el('td', {}, n.role || ''), el('td', {}, pill(n.status || 'unknown', n.status)),
      el('td', {}, n.availability || ''),
      el('td', {}, a.connected ? pill('connected', 'ok') : pill('missing', 'down'), a.version ? ' ' + a.version : ''),
      el('td', {}, ago(a.lastSeen)));
  }));
}

function renderEvents(events) {
  $('#events').replaceChildren(...events.slice(0, 50).map((e) => el('li', {},
    el('span', { class: 'muted' }, new Date(e.time).toLocaleTimeString() + ' '),
    (e.service || e.containerName || e.scope || '') + (e.slot ? '.' + e.slot : '') + ' ',
    el('strong', {}, e.action || e.type),
    e.exitCode !== null && e.exitCode !== undefined ? ' (exit ' + e.exitCode + ')' : '')));
}

function renderAlerts(alerts, silences) {
  const section = $('#alerts-section');
  if (alerts === null && silences === null) { section.hidden = true; return 0; }
  section.hidden = false;
  const list = alerts || [];
  $('#alerts').replaceChildren(...(list.length ? list.map((a) => el('div', { class: 'card ' + a.severity },
    el('div', { class: 'title' }, pill(a.rule, a.severity), ' ', a.service || '', a.silenced ? ' (silenced)' : ''),
    el('div', {}, a.summary || ''), el('div', { class: 'muted' }, 'since ' + ago(a.startsAt)))) :
    [el('p', { class: 'muted' }, 'Nothing firing.')]));
  const active = (silences || []).filter((s) => s.state === 'active');
  $('#silences').replaceChildren(...(active.length ? active.map((s) => el('div', {},
    (s.matchers || []).map((m) => m.name + (m.isRegex ? '=~' : '=') + m.value).join(', '),
    el('span', { class: 'muted' }, ' until ' + new Date(s.endsAt).toLocaleString() + (s.author ? ' by ' + s.author : '') +
      (s.comment ? ': ' + s.comment : '')))) : [el('p', { class: 'muted' }, 'No active silences.')]));
  return list.length;
}

function renderSummary(nodes, services, flaggedCount, firing) {
  const up = nodes.filter((n) => n.agent && n.agent.connected).length;
  const bad = services.filter((s) => s.status !== 'ok').length;
  const parts = [
    el('span', {}, pill(up + '/' + nodes.length + ' agents', up === nodes.length ? 'ok' : 'down')),
    el('span', {}, pill(services.length - bad + '/' + services.length + ' services ok', bad ? 'degraded' : 'ok')),
    el('span', { id: 'flagged-count' }, pill(flaggedCount + ' flagged', flaggedCount ? 'critical' : 'ok'))];
  if (firing) parts.push(el('span', {}, pill(firing + ' firing', 'critical')));
  $('#summary').replaceChildren(...parts);
}

let refreshing = null;
let again = false;
async function refresh() {
  if (refreshing) { again = true; return refreshing; }
  refreshing = (async () => {
    try {
      const [nodes, services, replicas, events, alerts, silences] = await Promise.all([
        api('/api/v1/nodes'), api('/api/v1/services'), api('/api/v1/replicas'),
        api('/api/v1/events?limit=50'), api('/api/v1/alerts'), api('/api/v1/silences')]);
      renderNodes(nodes || []);
      renderServices(services || []);
      renderEvents((events || []).slice().reverse());
      const flagged = await renderFlagged(replicas || []);
      const firing = renderAlerts(alerts, silences);
      renderSummary(nodes || [], services || [], flagged, firing);
      document.body.dataset.loaded = 'true';
    } catch (e) {
      if (e instanceof Unauthorized) showLogin(); else console.error(e);
    } finally {
      refreshing = null;
      if (again) { again = false; refresh(); }
    }
  })();
  return refreshing;
}

// Server-sent events over fetch (EventSource can't send the Authorization header).
async function sse(path, onEvent, signal) {
  const r = await fetch(path, { headers: headers(), signal, cache: 'no-store' });
  if (r.status === 401 || r.status === 403) throw new Unauthorized(path);
  if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += decoder.decode(value, { stream: true });
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) onEvent(event, JSON.parse(data.join('\n')));
    }
  }
}

let timer = null;
async function watch() {
  const live = $('#live');
  for (;;) {
    try {
      await sse('/api/v1/watch', () => {
        live.className = 'live on'; live.textContent = 'live';
        clearTimeout(timer);
        timer = setTimeout(refresh, 150);
      });
    } catch (e) {
      if (e instanceof Unauthorized) { showLogin(); return; }
    }
    live.className = 'live off'; live.textContent = 'reconnecting';
    await new Promise((res) => setTimeout(res, 3000));
  }
}

function logLine(l) {
  const name = (l.service || l.containerId || '').toString() + (l.slot ? '.' + l.slot : '') +
    (l.taskId ? '.' + l.taskId.slice(0, 12) : '') + (l.node ? '@' + l.node : '');
  return el('div', { class: l.stream === 'stderr' ? 'err' : '' }, name + ' | ' + l.line);
}

async function tail(service) {
  if (state.logAbort) state.logAbort.abort();
  const pre = $('#log');
  const status = $('#log-state');
  pre.replaceChildren();
  if (!service) { status.textContent = ''; return; }
  const ctl = new AbortController();
  state.logAbort = ctl;
  status.textContent = 'following ' + service;
  try {
    const q = '/api/v1/logs?service=' + encodeURIComponent(service) + '&since=15m&follow=true';
    await sse(q, (event, data) => {
      if (event === 'line') {
        pre.append(logLine(data));
        while (pre.childElementCount > 1000) pre.firstChild.remove();
        pre.scrollTop = pre.scrollHeight;
      } else if (event === 'overflow') {
        pre.append(el('div', { class: 'err' }, '… ' + (data.skipped ?? data.count ?? '?') + ' lines skipped (reading too slowly)'));
      }
    }, ctl.signal);
    status.textContent = 'stream ended';
  } catch (e) {
    if (ctl.signal.aborted) return;
    status.textContent = e instanceof Unauthorized ? 'not allowed' : 'logs unavailable: ' + e.message;
  }
}

function showLogin() {
  $('#login').hidden = false;
  $('#app').hidden = true;
  if (state.token) $('#login-error').textContent = 'That token was refused.';
}

$('#login').addEventListener('submit', (ev) => {
  ev.preventDefault();
  state.token = $('#token').value.trim();
  localStorage.setItem('swarmwatch.token', state.token);
  $('#login').hidden = true;
  $('#app').hidden = false;
  refresh();
  watch();
});
$('#log-service').addEventListener('change', (ev) => tail(ev.target.value));

refresh();
watch();
setInterval(refresh, 30000); // a safety net; the watch stream drives updates
