// The routes table (HTTPRoutes in force with their splits and per-route traffic) and the proxies table.

import {fmt, h, health, raw, s} from './dom.js';
import {parseYaml} from './yaml.js';

/**
 * Certificates closer than this to expiry are shown in the warning colour: a sidecar renews at 70 % of a 24 h
 * certificate's life (7.2 h before expiry), so under 6 h left its renewal is overdue.
 */
export const CERT_WARNING_MS = 6 * 3600 * 1000;

/**
 * Each rule of each HTTPRoute from GET /api/v1/resources/HTTPRoute:
 * [{service, name, namespace, route: "name/index", matches, backends: [{name, weight, percent}], timeout, error}].
 */
export function routeRules(items) {
  const out = [];
  for (const item of items) {
    let spec;
    try {
      spec = parseYaml(item.yaml)?.spec ?? {};
    } catch (e) {
      out.push({service: '?', name: item.name, namespace: item.namespace, route: `${item.name}/?`, matches: '',
        backends: [], timeout: null, error: `${item.file ?? ''}:${item.line ?? ''}: ${e.message}`});
      continue;
    }
    const parents = (spec.parentRefs ?? []).filter(p => (p.kind ?? 'Service') === 'Service').map(p => p.name);
    (spec.rules ?? []).forEach((rule, index) => {
      const refs = rule.backendRefs ?? rule.backends ?? [];
      const total = refs.reduce((sum, b) => sum + weight(b), 0);
      const backends = refs.map(b => ({name: b.name, weight: weight(b), percent: total > 0 ? (weight(b) * 100) / total : 0}));
      for (const service of parents.length ? parents : ['?']) {
        out.push({service, name: item.name, namespace: item.namespace, route: `${item.name}/${index}`,
          matches: matches(rule.matches), backends, timeout: rule.timeouts?.request ?? null, error: null});
      }
    });
  }
  return out;
}

/** Gateway API: a backendRef without a weight weighs 1. */
function weight(backend) {
  return typeof backend.weight === 'number' ? backend.weight : 1;
}

function matches(list) {
  if (!Array.isArray(list) || list.length === 0) {
    return '*';
  }
  return list.map(m => {
    const parts = [];
    if (m.path) {
      const op = {Exact: '= ', RegularExpression: '~ '}[m.path.type] ?? '';
      parts.push(`path ${op}${m.path.value ?? '/'}${op ? '' : '*'}`);
    }
    if (m.method) {
      parts.push(`method ${m.method}`);
    }
    for (const hd of m.headers ?? []) {
      parts.push(`${hd.name}: ${hd.value}`);
    }
    for (const q of m.queryParams ?? []) {
      parts.push(`?${q.name}=${q.value}`);
    }
    return parts.join(' & ') || '*';
  }).join(' | ');
}

/** The traffic split edges for the graph: [{service, backend, percents}], one per (service, backend). */
export function splits(rules) {
  const byPair = new Map();
  for (const r of rules) {
    for (const b of r.backends) {
      if (b.name === r.service || r.service === '?') {
        continue;
      }
      const key = `${r.service}\u0000${b.name}`;
      if (!byPair.has(key)) {
        byPair.set(key, {service: r.service, backend: b.name, percents: []});
      }
      byPair.get(key).percents.push(b.percent);
    }
  }
  return [...byPair.values()];
}

/** One row per HTTPRoute rule and per route the stats know (implicit "default" routes too). */
export function routeRows(rules, statsRoutes) {
  const stats = new Map(statsRoutes.map(r => [`${r.service}\u0000${r.route}`, r]));
  const rows = rules.map(rule => ({rule, stats: stats.get(`${rule.service}\u0000${rule.route}`) ?? null}));
  const known = new Set(rules.map(r => `${r.service}\u0000${r.route}`));
  for (const [key, st] of stats) {
    if (!known.has(key)) {
      rows.push({rule: null, stats: st});
    }
  }
  rows.sort((a, b) => service(a).localeCompare(service(b)) || route(a).localeCompare(route(b)));
  return rows.map(routeRow);
}

const service = row => row.rule?.service ?? row.stats.service;
const route = row => row.rule?.route ?? row.stats.route;

function routeRow(row) {
  const st = row.stats;
  const live = st !== null && st.requests > 0;
  const backends = row.rule
      ? row.rule.backends.map(b => `${b.name} ${Math.round(b.percent * 10) / 10}%`).join(', ')
      : `${st.service} (implicit)`;
  return h('tr', {'data-testid': `route-row-${service(row)}-${route(row)}`, 'data-service': service(row), 'data-route': route(row),
    'data-rps': live ? raw(st.rps) : '0', 'data-success': live ? raw(st.successRate) : '',
    'data-requests': st ? raw(st.requests) : '0',
    'data-backends': row.rule ? row.rule.backends.map(b => `${b.name}=${b.weight}`).join(',') : '',
    class: live ? health(st.successRate) : 'idle'},
  h('td', {}, service(row)),
  h('td', {class: 'mono'}, route(row), row.rule?.error ? h('div', {class: 'error-text'}, row.rule.error) : null),
  h('td', {class: 'mono'}, row.rule ? row.rule.matches : '*'),
  h('td', {}, row.rule ? splitBar(row.rule.backends) : null, h('span', {class: 'backends'}, backends)),
  h('td', {class: 'mono'}, row.rule?.timeout ?? ''),
  h('td', {class: 'num'}, live ? fmt.rps(st.rps) : '–'),
  h('td', {class: 'num rate'}, live ? fmt.percent(st.successRate) : '–'),
  h('td', {class: 'num'}, live ? fmt.ms(st.latencyMs?.p50) : '–'),
  h('td', {class: 'num'}, live ? fmt.ms(st.latencyMs?.p95) : '–'),
  h('td', {class: 'num'}, live ? fmt.ms(st.latencyMs?.p99) : '–'));
}

function splitBar(backends) {
  const width = 160;
  let x = 0;
  const segments = backends.map((b, i) => {
    const w = (b.percent / 100) * width;
    const rect = s('rect', {x, y: 0, width: w, height: 10, class: `seg seg-${i % 6}`},
        s('title', {}, `${b.name}: weight ${b.weight} (${Math.round(b.percent * 10) / 10}%)`));
    x += w;
    return rect;
  });
  return s('svg', {class: 'split-bar', viewBox: `0 0 ${width} 10`, width, height: 10}, segments);
}

/** xDS resource types by their short names, whether the API names them "clusters" or by type URL. */
const TYPE_NAMES = {
  listeners: 'LDS', listener: 'LDS', routes: 'RDS', routeconfiguration: 'RDS', clusters: 'CDS', cluster: 'CDS',
  endpoints: 'EDS', clusterloadassignment: 'EDS', secrets: 'SDS', secret: 'SDS',
};

function shortType(type) {
  const last = type.split(/[./]/).pop();
  return TYPE_NAMES[last.toLowerCase()] ?? last;
}

/** Versions are often long hashes: the first 8 characters tell them apart on screen. */
const short = version => (version === null || version === undefined ? '–' : String(version).slice(0, 8));

function versionLine(type, v) {
  const pending = v.sent !== null && v.sent !== undefined && v.sent !== v.acked;
  return h('div', {class: v.nacked ? 'bad' : pending ? 'warn' : '',
    title: `${type}: sent ${v.sent ?? '–'}, acked ${v.acked ?? '–'}${v.nacked ? `, NACKed ${v.nacked}` : ''}`},
  `${shortType(type)} ${short(v.acked)}`, pending ? ` → ${short(v.sent)}` : '', v.nacked ? ` NACK ${short(v.nacked)}` : '');
}

/** One row per proxy of GET /api/v1/proxies. */
export function proxyRows(proxies, now) {
  return [...proxies]
      .sort((a, b) => (a.service ?? '').localeCompare(b.service ?? '') || a.node.localeCompare(b.node))
      .map(p => proxyRow(p, now));
}

function proxyRow(p, now) {
  const cert = p.certificate;
  const left = cert?.notAfter ? Date.parse(cert.notAfter) - now : null;
  const certClass = left === null ? '' : left <= 0 ? 'bad' : left < CERT_WARNING_MS ? 'warn' : 'ok';
  const versions = Object.entries(p.versions ?? {}).sort(([a], [b]) => shortType(a).localeCompare(shortType(b)));
  return h('tr', {'data-testid': `proxy-row-${p.node}`, 'data-node': p.node, 'data-service': p.service ?? '',
    'data-connected': String(Boolean(p.connected)), 'data-in-sync': String(Boolean(p.inSync)),
    'data-cert-expires-in-ms': left === null ? '' : String(Math.round(left)), class: p.connected ? '' : 'disconnected'},
  h('td', {}, p.service ?? '–'),
  h('td', {class: 'mono'}, p.node, p.instance ? h('div', {class: 'dim'}, p.instance) : null),
  h('td', {class: 'mono'}, p.address ?? '', p.adminAddress ? h('div', {class: 'dim'}, `admin ${p.adminAddress}`) : null),
  h('td', {class: p.connected ? 'ok' : 'bad'}, p.connected ? 'yes' : 'no',
      p.connected && p.connectedAt ? h('div', {class: 'dim'}, `for ${fmt.duration(now - Date.parse(p.connectedAt))}`) : null),
  h('td', {class: p.inSync ? 'ok' : 'warn'}, p.inSync ? 'yes' : 'no'),
  h('td', {class: 'versions mono'}, versions.map(([type, v]) => versionLine(type, v))),
  h('td', {class: 'mono'}, cert?.identity ?? h('span', {class: 'dim'}, 'no certificate')),
  h('td', {class: `cert ${certClass}`}, left === null ? '–' : left <= 0
      ? `expired ${fmt.duration(-left)} ago` : `in ${fmt.duration(left)}`,
  cert?.notAfter ? h('div', {class: 'dim'}, cert.notAfter) : null),
  h('td', {class: p.scrapeError ? 'bad' : ''}, p.lastScrape ? `${fmt.duration(now - Date.parse(p.lastScrape))} ago` : '–',
      p.scrapeError ? h('div', {class: 'error-text'}, p.scrapeError) : null),
  h('td', {class: 'dim'}, p.userAgent ?? ''));
}
