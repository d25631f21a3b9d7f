// The YAML the resources API returns, read well enough to show routes: block maps and sequences, flow
// collections ({a: 1}, [x, y]), plain and quoted scalars, comments. Anchors, tags and multi-document
// streams are out of scope (the API answers one document per resource).

/** The first document of `text` as plain JS values. */
export function parseYaml(text) {
  const lines = prepare(text);
  if (lines.length === 0) {
    return null;
  }
  const p = {lines, i: 0};
  return block(p, lines[0].indent);
}

/** Non-blank lines without comments, with their indentation; stops at a second document. */
function prepare(text) {
  const out = [];
  for (const rawLine of text.replace(/\r\n?/g, '\n').split('\n')) {
    const trimmed = rawLine.trimEnd();
    if (trimmed === '---' || trimmed.startsWith('--- ') || trimmed === '...') {
      if (out.length > 0) {
        break;
      }
      continue;
    }
    const body = stripComment(trimmed);
    if (body.trim() === '' || body.trimStart().startsWith('%')) {
      continue;
    }
    const indent = body.length - body.trimStart().length;
    out.push({indent, text: body.trim()});
  }
  return out;
}

function stripComment(line) {
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') {
        i++;
      } else if (c === quote) {
        quote = null;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i);
    }
  }
  return line;
}

const isItem = text => text === '-' || text.startsWith('- ');

function block(p, indent) {
  const line = p.lines[p.i];
  if (isItem(line.text)) {
    return sequence(p, indent);
  }
  if (keyColon(line.text) > 0) {
    return mapping(p, indent);
  }
  return value(p, line.text, indent);
}

function sequence(p, indent) {
  const out = [];
  while (p.i < p.lines.length && p.lines[p.i].indent === indent && isItem(p.lines[p.i].text)) {
    const line = p.lines[p.i];
    const rest = line.text.slice(1).trimStart();
    if (rest === '') {
      p.i++;
      const next = p.lines[p.i];
      out.push(next && next.indent > indent ? block(p, next.indent) : null);
    } else if (isItem(rest) || keyColon(rest) > 0) {
      // "- name: a" opens a collection indented where its first key stands
      const inner = indent + (line.text.length - rest.length);
      p.lines[p.i] = {indent: inner, text: rest};
      out.push(block(p, inner));
    } else {
      out.push(value(p, rest, indent));
    }
  }
  return out;
}

function mapping(p, indent) {
  const out = {};
  while (p.i < p.lines.length && p.lines[p.i].indent === indent && !isItem(p.lines[p.i].text)) {
    const text = p.lines[p.i].text;
    const colon = keyColon(text);
    if (colon <= 0) {
      throw new Error(`line "${text}": expected "key: value"`);
    }
    const key = String(scalar(text.slice(0, colon).trim()));
    const rest = text.slice(colon + 1).trim();
    if (rest === '') {
      p.i++;
      const next = p.lines[p.i];
      const nested = next && (next.indent > indent || (next.indent === indent && isItem(next.text)));
      out[key] = nested ? block(p, next.indent) : null;
    } else {
      out[key] = value(p, rest, indent);
    }
  }
  return out;
}

/** A value starting on the current line: a block scalar, a flow collection (maybe over several lines) or a scalar. */
function value(p, text, indent) {
  p.i++;
  if (/^[|>][+-]?$/.test(text)) {
    const parts = [];
    while (p.i < p.lines.length && p.lines[p.i].indent > indent) {
      parts.push(p.lines[p.i++].text);
    }
    return parts.join(text.startsWith('|') ? '\n' : ' ');
  }
  if (text.startsWith('[') || text.startsWith('{')) {
    let source = text;
    while (!balanced(source) && p.i < p.lines.length) {
      source += ' ' + p.lines[p.i++].text;
    }
    return flow({src: source, at: 0});
  }
  return scalar(text);
}

/** The index of the ":" ending a mapping key (followed by a space or the end), or -1. */
function keyColon(text) {
  if (text.startsWith('[') || text.startsWith('{')) {
    return -1;
  }
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') {
        i++;
      } else if (c === quote) {
        quote = null;
      }
    } else if ((c === '"' || c === "'") && i === 0) {
      quote = c;
    } else if (c === ':' && (i + 1 === text.length || text[i + 1] === ' ')) {
      return i;
    }
  }
  return -1;
}

function balanced(text) {
  let depth = 0;
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') {
        i++;
      } else if (c === quote) {
        quote = null;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '[' || c === '{') {
      depth++;
    } else if (c === ']' || c === '}') {
      depth--;
    }
  }
  return depth <= 0;
}

function flow(f) {
  skip(f);
  const c = f.src[f.at];
  if (c === '[') {
    f.at++;
    const out = [];
    for (skip(f); f.src[f.at] !== ']'; skip(f)) {
      out.push(flow(f));
      separator(f, ']');
    }
    f.at++;
    return out;
  }
  if (c === '{') {
    f.at++;
    const out = {};
    for (skip(f); f.src[f.at] !== '}'; skip(f)) {
      const key = String(flowScalar(f, true));
      skip(f);
      let v = null;
      if (f.src[f.at] === ':') {
        f.at++;
        skip(f);
        v = f.src[f.at] === ',' || f.src[f.at] === '}' ? null : flow(f);
      }
      out[key] = v;
      separator(f, '}');
    }
    f.at++;
    return out;
  }
  return flowScalar(f, false);
}

function skip(f) {
  while (f.at < f.src.length && /\s/.test(f.src[f.at])) {
    f.at++;
  }
  if (f.at >= f.src.length) {
    throw new Error(`flow collection "${f.src}": unexpected end`);
  }
}

function separator(f, close) {
  skip(f);
  if (f.src[f.at] === ',') {
    f.at++;
  } else if (f.src[f.at] !== close) {
    throw new Error(`flow collection "${f.src}": expected "," or "${close}" at ${f.at}`);
  }
}

/** A scalar inside a flow collection: quoted, or plain up to , ] } (and, for a key, ": "). */
function flowScalar(f, key) {
  const c = f.src[f.at];
  if (c === '"' || c === "'") {
    const start = f.at;
    for (f.at++; f.at < f.src.length && f.src[f.at] !== c; f.at++) {
      if (c === '"' && f.src[f.at] === '\\') {
        f.at++;
      } else if (c === "'" && f.src[f.at + 1] === "'" && f.src[f.at] === "'") {
        f.at++;
      }
    }
    f.at++;
    return scalar(f.src.slice(start, f.at));
  }
  const start = f.at;
  while (f.at < f.src.length) {
    const ch = f.src[f.at];
    if (ch === ',' || ch === ']' || ch === '}') {
      break;
    }
    if (ch === ':' && (key || /[\s,\]}]/.test(f.src[f.at + 1] ?? ' '))) {
      break;
    }
    f.at++;
  }
  return scalar(f.src.slice(start, f.at).trim());
}

/** Plain or quoted scalar text to a JS value. */
export function scalar(text) {
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) {
    return text.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e) => {
      if (e.startsWith('u') && e.length === 5) {
        return String.fromCharCode(parseInt(e.slice(1), 16));
      }
      return {n: '\n', t: '\t', r: '\r', '0': '\0'}[e] ?? e;
    });
  }
  if (text.startsWith("'") && text.endsWith("'") && text.length >= 2) {
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (text === '' || text === '~' || /^null$/i.test(text)) {
    return null;
  }
  if (/^(true|false)$/i.test(text)) {
    return text.toLowerCase() === 'true';
  }
  if (/^[-+]?(\d+|\d*\.\d+|\d+\.\d*)([eE][-+]?\d+)?$/.test(text)) {
    return Number(text);
  }
  return text;
}
