// Per-service history kept from the polls, and the small line charts drawn from it.

import {fmt, h, s} from './dom.js';

const W = 220;
const H = 54;
const PAD_Y = 4;
/** Above the line: room for the scale's top label. */
const PAD_TOP = 14;

/** What each chart shows: how to read a point, how to print a value, the lowest top of its scale (success: 0.9–1). */
export const METRICS = [
  {key: 'rps', title: 'requests/s', read: svc => svc.rps, format: fmt.rps, floor: 1},
  {key: 'success', title: 'success', read: svc => svc.successRate, format: fmt.percent, floor: 1},
  {key: 'p99', title: 'p99', read: svc => svc.latencyMs?.p99 ?? null, format: fmt.ms, floor: 5},
];

/** The last `spanMs` of every service's numbers, one point per poll. */
export class History {
  constructor(spanMs) {
    this.spanMs = spanMs;
    this.points = new Map();
  }

  add(time, services) {
    for (const svc of services) {
      const live = svc.requests > 0;
      const point = {time};
      for (const m of METRICS) {
        point[m.key] = live ? m.read(svc) : m.key === 'rps' ? 0 : null;
      }
      if (!this.points.has(svc.name)) {
        this.points.set(svc.name, []);
      }
      this.points.get(svc.name).push(point);
    }
    for (const series of this.points.values()) {
      while (series.length > 0 && series[0].time < time - this.spanMs) {
        series.shift();
      }
    }
  }

  series(name) {
    return this.points.get(name) ?? [];
  }
}

/** One small line chart of one metric of one service over the history's span, ending now. */
export function chart(service, metric, points, now, spanMs) {
  const values = points.map(p => p[metric.key]).filter(v => v !== null && v !== undefined);
  const last = points.length ? points[points.length - 1][metric.key] : null;
  let lo = 0;
  let hi = Math.max(metric.floor, ...values) * 1.1;
  if (metric.key === 'success') {
    lo = Math.min(0.9, ...values);
    hi = 1;
  }
  // the time axis grows with the history until it spans spanMs
  const start = Math.max(now - spanMs, points.length ? points[0].time : now);
  const x = t => (now > start ? (t - start) / (now - start) : 1) * W;
  const y = v => H - PAD_Y - ((v - lo) / (hi - lo || 1)) * (H - PAD_Y - PAD_TOP);
  let d = '';
  let pen = false;
  for (const p of points) {
    const v = p[metric.key];
    if (v === null || v === undefined) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(p.time).toFixed(1)},${y(v).toFixed(1)} ${pen ? '' : 'h0.01 '}`;
    pen = true;
  }
  return h('figure', {class: 'chart', 'data-testid': `chart-${service}-${metric.key}`, 'data-points': String(values.length)},
      h('figcaption', {}, h('span', {class: 'metric'}, metric.title),
          h('span', {class: 'value'}, last === null ? '–' : metric.format(last))),
      s('svg', {viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img',
        'aria-label': `${service} ${metric.title} over the last ${fmt.duration(now - start)}`},
      s('line', {class: 'axis', x1: 0, y1: H - PAD_Y, x2: W, y2: H - PAD_Y}),
      s('path', {class: `line ${metric.key}`, d: d.trim()}),
      s('text', {class: 'scale', x: 2, y: 11}, metric.format(hi)),
      s('text', {class: 'scale', x: 2, y: H - PAD_Y - 2}, metric.format(lo))));
}
