// The service graph: services as nodes, live traffic as directed edges, traffic splits as dashed edges.
// Nodes and edges, once seen, stay (an edge without traffic goes idle), and the layout is a pure function
// of them: the picture only moves when a new service or call appears.

import {fmt, health, raw, replace, s} from './dom.js';

const NODE_W = 160;
const NODE_H = 50;
const COL = 300;
const ROW = 86;
const PAD = 24;
/** Room for edges bowing below or beside the nodes (calls back to the left or within a column). */
const BOW = 70;

export class ServiceGraph {
  constructor(svg) {
    this.svg = svg;
    this.names = new Set();
    this.calls = new Map();
  }

  /**
   * @param stats  the /api/v1/stats answer
   * @param splits [{service, backend, percents: [..]}] from the HTTPRoutes in force
   */
  update(stats, splits) {
    for (const svc of stats.services) {
      this.names.add(svc.name);
    }
    for (const e of stats.edges) {
      this.names.add(e.source);
      this.names.add(e.destination);
      this.calls.set(edgeKey(e.source, e.destination), {source: e.source, destination: e.destination});
    }
    for (const split of splits) {
      this.names.add(split.service);
      this.names.add(split.backend);
    }
    const live = new Map(stats.edges.map(e => [edgeKey(e.source, e.destination), e]));
    const links = [...this.calls.values()]
        .map(c => ({...c, kind: 'traffic', stats: live.get(edgeKey(c.source, c.destination)) ?? null}))
        .concat(splits.map(sp => ({source: sp.service, destination: sp.backend, kind: 'split', split: sp})));
    const services = new Map(stats.services.map(svc => [svc.name, svc]));
    this.render(layout([...this.names], links), links, services);
  }

  render(placed, links, services) {
    const {positions, width, height} = placed;
    this.svg.setAttribute('data-nodes', String(positions.size));
    this.svg.setAttribute('data-edges', String(links.filter(l => l.kind === 'traffic').length));
    if (positions.size === 0) {
      this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
      replace(this.svg, s('text', {x: PAD, y: PAD + 16, class: 'empty'}, 'no services yet'));
      return;
    }
    // room below and beside the nodes only for edges that bow there
    const bows = links.some(l => positions.get(l.destination).x <= positions.get(l.source).x);
    this.svg.setAttribute('viewBox', `0 0 ${width + (bows ? BOW : 0)} ${height + (bows ? BOW : 0)}`);
    const edges = links.map(l => edge(l, positions.get(l.source), positions.get(l.destination)));
    const nodes = [...positions.entries()].map(([name, p]) => node(name, p, services.get(name)));
    replace(this.svg, markers(), s('g', {class: 'edges'}, edges), s('g', {class: 'nodes'}, nodes));
  }
}

function edgeKey(source, destination) {
  return source + '\u0000' + destination;
}

/** Layered by call depth (longest path from a service nobody calls), ordered in a layer by its callers. */
export function layout(names, links) {
  const sorted = [...new Set(names)].sort();
  const ordered = [...links].sort((a, b) => edgeKey(a.source, a.destination).localeCompare(edgeKey(b.source, b.destination)));
  const depth = new Map(sorted.map(n => [n, 0]));
  const limit = Math.max(0, sorted.length - 1);
  // bounded relaxation: a cycle stops deepening at the number of services
  for (let round = 0; round < sorted.length; round++) {
    let changed = false;
    for (const l of ordered) {
      const d = Math.min(depth.get(l.source) + 1, limit);
      if (l.source !== l.destination && d > depth.get(l.destination)) {
        depth.set(l.destination, d);
        changed = true;
      }
    }
    if (!changed) {
      break;
    }
  }
  const linked = new Set(ordered.flatMap(l => [l.source, l.destination]));
  const layers = [];
  for (const name of sorted) {
    (layers[depth.get(name)] ??= []).push(name);
  }
  const index = new Map();
  layers.forEach((layer, d) => {
    const key = name => {
      if (d === 0) {
        return linked.has(name) ? 0 : 1;
      }
      const callers = ordered.filter(l => l.destination === name && depth.get(l.source) < d).map(l => index.get(l.source));
      return callers.length ? callers.reduce((a, b) => a + b, 0) / callers.length : Number.MAX_SAFE_INTEGER;
    };
    const keys = new Map(layer.map(n => [n, key(n)]));
    layer.sort((a, b) => keys.get(a) - keys.get(b) || a.localeCompare(b));
    layer.forEach((name, i) => index.set(name, i));
  });
  const rows = Math.max(1, ...Array.from(layers, l => (l ? l.length : 0)));
  const positions = new Map();
  layers.forEach((layer, d) => {
    layer.forEach((name, i) => {
      positions.set(name, {x: PAD + d * COL, y: PAD + ((rows - layer.length) * ROW) / 2 + i * ROW, depth: d});
    });
  });
  return {
    positions,
    width: PAD * 2 + Math.max(0, layers.length - 1) * COL + NODE_W,
    height: PAD * 2 + (rows - 1) * ROW + NODE_H,
  };
}

function markers() {
  return s('defs', {}, ['ok', 'warn', 'bad', 'idle', 'split'].map(kind =>
      s('marker', {id: `arrow-${kind}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
        orient: 'auto-start-reverse'}, s('path', {d: 'M0,0 L10,5 L0,10 z', class: `arrow ${kind}`}))));
}

/** The curve between two nodes and its midpoint: forwards left to right, otherwise bowing out of the way. */
function geometry(a, b) {
  let p0;
  let p1;
  let p2;
  let p3;
  if (b.x > a.x) {
    p0 = [a.x + NODE_W, a.y + NODE_H / 2];
    p3 = [b.x, b.y + NODE_H / 2];
    const dx = (p3[0] - p0[0]) / 2;
    p1 = [p0[0] + dx, p0[1]];
    p2 = [p3[0] - dx, p3[1]];
  } else if (b.x === a.x) {
    p0 = [a.x + NODE_W, a.y + NODE_H / 2];
    p3 = [b.x + NODE_W, b.y + NODE_H / 2];
    const bow = 40 + Math.abs(p3[1] - p0[1]) / 4;
    p1 = [p0[0] + bow, p0[1]];
    p2 = [p3[0] + bow, p3[1]];
  } else {
    p0 = [a.x + NODE_W / 2 - 10, a.y + NODE_H];
    p3 = [b.x + NODE_W / 2 + 10, b.y + NODE_H];
    const sag = 40 + Math.abs(p3[0] - p0[0]) / 10;
    p1 = [p0[0], p0[1] + sag];
    p2 = [p3[0], p3[1] + sag];
  }
  const mid = [0, 1].map(i => (p0[i] + 3 * p1[i] + 3 * p2[i] + p3[i]) / 8);
  return {d: `M${p0} C${p1} ${p2} ${p3}`, mid};
}

function edge(link, from, to) {
  const {d, mid} = geometry(from, to);
  if (link.kind === 'split') {
    const percents = link.split.percents;
    const text = 'split ' + percents.map(p => `${Math.round(p * 10) / 10}%`).join(' / ');
    return s('g', {class: 'edge split', 'data-testid': `split-${link.source}-${link.destination}`,
      'data-source': link.source, 'data-destination': link.destination, 'data-percent': percents[percents.length - 1]},
    s('path', {d, 'marker-end': 'url(#arrow-split)'}), label(mid, text));
  }
  const st = link.stats;
  const live = st !== null && st.requests > 0;
  const kind = live ? health(st.successRate) : 'idle';
  const text = live ? `${fmt.rps(st.rps)} rps · ${fmt.percent(st.successRate)}` : 'idle';
  return s('g', {class: `edge traffic ${kind}`, 'data-testid': `edge-${link.source}-${link.destination}`,
    'data-source': link.source, 'data-destination': link.destination, 'data-live': String(live),
    'data-rps': live ? raw(st.rps) : '0', 'data-success': live ? raw(st.successRate) : '',
    'data-p99': live ? raw(st.latencyMs?.p99) : '', 'data-requests': st ? raw(st.requests) : '0'},
  s('title', {}, `${link.source} → ${link.destination}` + (live
      ? `\n${fmt.rps(st.rps)} req/s, success ${fmt.percent(st.successRate)}\n` +
        `p50 ${fmt.ms(st.latencyMs?.p50)}, p95 ${fmt.ms(st.latencyMs?.p95)}, p99 ${fmt.ms(st.latencyMs?.p99)}`
      : '\nno requests in the window')),
  s('path', {d, 'marker-end': `url(#arrow-${kind})`}), label(mid, text));
}

function label([x, y], text) {
  const w = text.length * 6.4 + 12;
  return s('g', {class: 'edge-label', transform: `translate(${x},${y})`},
      s('rect', {x: -w / 2, y: -10, width: w, height: 20, rx: 4}),
      s('text', {x: 0, y: 4, 'text-anchor': 'middle'}, text));
}

function node(name, p, svc) {
  const live = svc !== undefined && svc.requests > 0;
  const kind = live ? health(svc.successRate) : 'idle';
  const sub = live ? `${fmt.rps(svc.rps)} rps · ${fmt.percent(svc.successRate)}` : 'no requests';
  const meshed = svc === undefined ? 'unknown' : String(svc.meshed);
  return s('g', {class: `node ${kind}${svc && !svc.meshed ? ' unmeshed' : ''}`, 'data-testid': `node-${name}`,
    'data-service': name, 'data-meshed': meshed, 'data-rps': live ? raw(svc.rps) : '0',
    'data-success': live ? raw(svc.successRate) : '', transform: `translate(${p.x},${p.y})`},
  s('title', {}, name + (svc ? `\n${svc.proxies} prox${svc.proxies === 1 ? 'y' : 'ies'}` +
      (svc.meshed ? '' : ', not meshed') : '') + (live
      ? `\np50 ${fmt.ms(svc.latencyMs?.p50)}, p95 ${fmt.ms(svc.latencyMs?.p95)}, p99 ${fmt.ms(svc.latencyMs?.p99)}` : '')),
  s('rect', {width: NODE_W, height: NODE_H, rx: 10}),
  s('text', {class: 'name', x: NODE_W / 2, y: 21, 'text-anchor': 'middle'}, name),
  s('text', {class: 'sub', x: NODE_W / 2, y: 38, 'text-anchor': 'middle'}, sub));
}
