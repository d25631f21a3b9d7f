// Building DOM and SVG elements from data without innerHTML, and formatting the numbers shown.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An HTML element: h('td', {class: 'num', 'data-rps': 1.5}, '1.50'). Null/false attributes and children are skipped. */
export function h(tag, attrs = {}, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** An SVG element, same shape as h(). */
export function s(tag, attrs = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

function fill(el, attrs, children) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** The raw value for a data-* attribute: numbers as the API sent them, '' for null. */
export function raw(value) {
  return value === null || value === undefined ? '' : String(value);
}

/** green ≥ 99 %, yellow ≥ 95 %, red below; idle without requests. */
export function health(successRate) {
  if (successRate === null || successRate === undefined || Number.isNaN(successRate)) {
    return 'idle';
  }
  return successRate >= 0.99 ? 'ok' : successRate >= 0.95 ? 'warn' : 'bad';
}

export const fmt = {
  rps(v) {
    return v === null || v === undefined ? '–' : v.toFixed(v < 10 ? 2 : 1);
  },
  percent(v) {
    return v === null || v === undefined ? '–' : (v * 100).toFixed(2) + '%';
  },
  ms(v) {
    if (v === null || v === undefined) {
      return '–';
    }
    return (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)) + ' ms';
  },
  /** "3m 12s", "2d 4h": a duration in milliseconds, signed. */
  duration(ms) {
    const sign = ms < 0 ? '-' : '';
    let sec = Math.floor(Math.abs(ms) / 1000);
    const units = [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
    const parts = [];
    for (const [unit, size] of units) {
      if (sec >= size || (unit === 's' && parts.length === 0)) {
        parts.push(Math.floor(sec / size) + unit);
        sec %= size;
      }
      if (parts.length === 2) {
        break;
      }
    }
    return sign + parts.join(' ');
  },
  clock(date) {
    return date.toLocaleTimeString([], {hour12: false});
  },
};

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false));
}
