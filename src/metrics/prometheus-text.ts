/**
 * A reader of the Prometheus text exposition format (version 0.0.4), the format of the kubelet's
 * `/metrics/resource`: one sample a line, `name{label="value",...} value [timestamp_ms]`, `#` lines skipped.
 *
 * Follows the format's specification (prometheus docs "Exposition formats"), which metrics-server reads with
 * Prometheus's own textparse: label values with `\\`, `\"` and `\n` escapes, values as Go floats (`1e+07`,
 * `+Inf`, `NaN`), optional integer millisecond timestamps.
 */

/** One sample. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** ms since the epoch, when the line carries one. */
  timestampMs?: number;
}

function parseValue(text: string): number {
  switch (text) {
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'NaN':
      return NaN;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`invalid value "${text}"`);
  return Number(text);
}

/** Reads `{a="b",...}` starting at `i` (at the `{`); returns the labels and the index after `}`. */
function parseLabels(line: string, i: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  i++;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i));
    if (!m) throw new Error(`invalid label name at column ${i + 1}`);
    const name = m[0];
    i += name.length;
    while (line[i] === ' ') i++;
    if (line[i] !== '=' || line[i + 1] !== '"') throw new Error(`expected ="..." after label ${name}`);
    i += 2;
    let value = '';
    for (;;) {
      const c = line[i];
      if (c === undefined) throw new Error(`unterminated value of label ${name}`);
      if (c === '"') break;
      if (c === '\\') {
        const n = line[i + 1];
        value += n === 'n' ? '\n' : (n ?? '');
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    labels[name] = value;
    i++;
  }
}

/**
 * Parses an exposition into samples, in order. Throws an Error naming the line for malformed input (metrics-server
 * drops such a scrape as a whole: `failed parsing metrics`).
 */
export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      const m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
      if (!m) throw new Error('invalid metric name');
      const name = m[0];
      let i = name.length;
      let labels: Record<string, string> = {};
      if (line[i] === '{') ({ labels, end: i } = parseLabels(line, i));
      const rest = line.slice(i).trim().split(/\s+/);
      if (rest.length < 1 || rest.length > 2 || rest[0] === '') throw new Error('expected a value and an optional timestamp');
      const sample: Sample = { name, labels, value: parseValue(rest[0]!) };
      if (rest[1] !== undefined) {
        if (!/^-?\d+$/.test(rest[1])) throw new Error(`invalid timestamp "${rest[1]}"`);
        sample.timestampMs = Number(rest[1]);
      }
      out.push(sample);
    } catch (err) {
      throw new Error(`line ${n + 1}: ${(err as Error).message}`, { cause: err });
    }
  }
  return out;
}
