// The Trellis dashboard: polls the control plane's JSON API and redraws the page from each answer.

import {History, METRICS, chart} from './charts.js';
import {fmt, h, health, raw, replace} from './dom.js';
import {ServiceGraph} from './graph.js';
import {proxyRows, routeRows, routeRules, splits} from './tables.js';

const POLL_MS = 2000;
const TIMEOUT_MS = 5000;
const HISTORY_MS = 5 * 60 * 1000;
/** The API sits beside the dashboard: <base>/dashboard/ reads <base>/api/v1/. */
const API = new URL('../api/v1/', location.href);
const WINDOW = new URLSearchParams(location.search).get('window') ?? '30s';

const $ = id => document.querySelector(`[data-testid="${id}"]`);
const history = new History(HISTORY_MS);
const graph = new ServiceGraph($('service-graph'));
let refreshes = 0;
let routesCache = [];

async function getJson(path) {
  const url = new URL(path, API);
  let response;
  try {
    response = await fetch(url, {cache: 'no-store', headers: {Accept: 'application/json'}, signal: AbortSignal.timeout(TIMEOUT_MS)});
  } catch (e) {
    throw new Error(`GET ${url.pathname}${url.search}: control plane unreachable (${e.message})`);
  }
  if (!response.ok) {
    let detail = '';
    try {
      detail = (await response.json()).error ?? '';
    } catch {
      // not JSON: the status says enough
    }
    throw new Error(`GET ${url.pathname}${url.search}: HTTP ${response.status}${detail ? ` (${detail})` : ''}`);
  }
  return response.json();
}

async function poll() {
  const [stats, proxies, status, routes] = await Promise.allSettled([
    getJson(`stats?window=${encodeURIComponent(WINDOW)}`),
    getJson('proxies'),
    getJson('status'),
    getJson('resources/HTTPRoute'),
  ]);
  const now = Date.now();
  const failures = [stats, proxies, status, routes].filter(r => r.status === 'rejected').map(r => r.reason.message);
  try {
    if (routes.status === 'fulfilled') {
      routesCache = routeRules(routes.value.items ?? []);
    }
    if (status.status === 'fulfilled') {
      header(status.value);
    }
    if (stats.status === 'fulfilled') {
      showStats(stats.value, now);
    }
    if (proxies.status === 'fulfilled') {
      replace($('proxies-body'), proxyRows(proxies.value, now));
      $('proxies-count').textContent = String(proxies.value.length);
    }
  } catch (e) {
    failures.push(`drawing the page: ${e.message}`);
    console.error(e);
  }
  refreshes++;
  const body = document.body;
  body.dataset.state = failures.length ? 'error' : 'ok';
  body.dataset.refreshes = String(refreshes);
  banner(failures);
  const refreshed = $('last-refresh');
  refreshed.textContent = fmt.clock(new Date(now)) + (failures.length ? ' (incomplete)' : '');
  refreshed.dataset.time = new Date(now).toISOString();
  setTimeout(poll, POLL_MS);
}

function banner(failures) {
  const el = $('error-banner');
  if (failures.length === 0) {
    el.hidden = true;
    replace(el);
    return;
  }
  el.hidden = false;
  replace(el, h('strong', {}, 'The control plane API did not answer as expected; the page shows the last good data.'),
      h('ul', {}, failures.map(f => h('li', {}, f))));
}

function header(status) {
  const config = status.config ?? {};
  $('config-generation').textContent = String(config.generation ?? '–');
  const valid = $('config-valid');
  valid.textContent = config.valid ? 'valid' : `invalid (${(config.errors ?? []).length} errors)`;
  valid.className = config.valid ? 'ok' : 'bad';
  valid.dataset.valid = String(Boolean(config.valid));
  $('config-loaded').textContent = config.loadedAt ? fmt.clock(new Date(config.loadedAt)) : '–';
  const errors = $('config-errors');
  errors.hidden = config.valid || !(config.errors ?? []).length;
  replace(errors, config.valid ? [] : [h('strong', {}, `The configuration in ${config.directory} is rejected; `
      + `generation ${config.generation} keeps serving:`), h('ul', {}, (config.errors ?? []).map(e => h('li', {class: 'mono'}, e.message)))]);
}

function showStats(stats, now) {
  document.body.dataset.generatedAt = stats.generatedAt ?? '';
  $('stats-window').textContent = stats.window ?? WINDOW;
  history.add(now, stats.services);
  graph.update(stats, splits(routesCache));
  const services = [...stats.services].sort((a, b) => a.name.localeCompare(b.name));
  replace($('services-body'), services.map(serviceRow));
  replace($('service-charts'), services.map(svc => h('div', {class: 'chart-card', 'data-testid': `charts-${svc.name}`},
      h('h3', {}, svc.name), METRICS.map(m => chart(svc.name, m, history.series(svc.name), now, HISTORY_MS)))));
  replace($('routes-body'), routeRows(routesCache, stats.routes ?? []));
}

function serviceRow(svc) {
  const live = svc.requests > 0;
  const lat = svc.latencyMs ?? {};
  return h('tr', {'data-testid': `service-row-${svc.name}`, 'data-service': svc.name, class: live ? health(svc.successRate) : 'idle',
    'data-rps': raw(svc.rps), 'data-success': raw(svc.successRate), 'data-p50': raw(lat.p50), 'data-p95': raw(lat.p95),
    'data-p99': raw(lat.p99), 'data-requests': raw(svc.requests), 'data-meshed': String(Boolean(svc.meshed))},
  h('td', {}, svc.name, svc.meshed ? null : h('span', {class: 'tag'}, 'not meshed')),
  h('td', {class: 'num'}, String(svc.proxies ?? 0)),
  h('td', {class: 'num'}, fmt.rps(svc.rps)),
  h('td', {class: 'num rate'}, live ? fmt.percent(svc.successRate) : '–'),
  h('td', {class: 'num'}, live ? fmt.ms(lat.p50) : '–'),
  h('td', {class: 'num'}, live ? fmt.ms(lat.p95) : '–'),
  h('td', {class: 'num'}, live ? fmt.ms(lat.p99) : '–'),
  h('td', {class: 'num'}, String(svc.requests ?? 0)));
}

poll();
