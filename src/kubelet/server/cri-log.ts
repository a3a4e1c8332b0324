// Parses CRI container log files (`<RFC3339Nano> <stdout|stderr> <P|F> <msg>`) and renders them like the kubelet (pkg/kubelet/kuberuntime/logs).

import { queryBool } from '../../api/query.js';

/** One logical log line: partial fragments of a stream joined, timestamp of the first fragment. */
export interface LogMessage {
  /** RFC 3339 with nanoseconds, as written by the runtime. */
  timestamp: string;
  /** ms since the epoch (for sinceTime filters). */
  timeMs: number;
  stream: 'stdout' | 'stderr';
  /** Content including the trailing newline (absent when the file ends inside a partial line). */
  content: Buffer;
}

/** One raw file line. */
export interface CriLogLine {
  timestamp: string;
  stream: 'stdout' | 'stderr';
  partial: boolean;
  content: Buffer;
}

/** Parses one line (without its `\n`); undefined when malformed. */
export function parseCriLogLine(line: Buffer): CriLogLine | undefined {
  const s1 = line.indexOf(0x20);
  if (s1 < 0) return undefined;
  const s2 = line.indexOf(0x20, s1 + 1);
  if (s2 < 0) return undefined;
  const stream = line.subarray(s1 + 1, s2).toString();
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const s3 = line.indexOf(0x20, s2 + 1);
  const tag = (s3 < 0 ? line.subarray(s2 + 1) : line.subarray(s2 + 1, s3)).toString();
  const content = s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1);
  return { timestamp: line.subarray(0, s1).toString(), stream, partial: tag.split(':')[0] === 'P', content };
}

/** Parses RFC3339Nano to ms (nanoseconds truncated). */
export function parseTimestamp(ts: string): number {
  const t = Date.parse(ts.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(t) ? 0 : t;
}

/**
 * Incremental parser: feed file bytes, get complete logical messages. Partial (`P`) fragments are held per
 * stream until their `F` line arrives; an incomplete trailing line is kept for the next feed.
 */
export class CriLogParser {
  private rest = Buffer.alloc(0);
  private readonly pending = new Map<string, { timestamp: string; parts: Buffer[] }>();

  feed(chunk: Buffer): LogMessage[] {
    const data = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const out: LogMessage[] = [];
    let start = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, start);
      if (nl < 0) break;
      const line = parseCriLogLine(data.subarray(start, nl));
      start = nl + 1;
      if (!line) continue;
      const p = this.pending.get(line.stream);
      if (line.partial) {
        if (p) p.parts.push(line.content);
        else this.pending.set(line.stream, { timestamp: line.timestamp, parts: [line.content] });
        continue;
      }
      const timestamp = p?.timestamp ?? line.timestamp;
      const content = Buffer.concat([...(p?.parts ?? []), line.content, Buffer.from('\n')]);
      this.pending.delete(line.stream);
      out.push({ timestamp, timeMs: parseTimestamp(timestamp), stream: line.stream, content });
    }
    this.rest = Buffer.from(data.subarray(start));
    return out;
  }

  /** Flushes held partial fragments as messages without a newline (end of a finished container's log). */
  flush(): LogMessage[] {
    const out: LogMessage[] = [];
    for (const [stream, p] of this.pending) {
      out.push({ timestamp: p.timestamp, timeMs: parseTimestamp(p.timestamp), stream: stream as 'stdout' | 'stderr', content: Buffer.concat(p.parts) });
    }
    this.pending.clear();
    return out;
  }
}

/** PodLogOptions the kubelet honours. */
export interface LogOptions {
  follow: boolean;
  /** undefined = all lines. */
  tailLines?: number;
  timestamps: boolean;
  /** ms since the epoch; messages older are skipped. */
  sinceMs?: number;
  limitBytes?: number;
}

/** Parses the query of `/containerLogs` into LogOptions; throws on malformed numbers. `now` in ms. */
export function parseLogQuery(q: URLSearchParams, now: number): LogOptions & { previous: boolean } {
  const bool = (k: string): boolean => queryBool(q, k);
  const int = (k: string): number | undefined => {
    const v = q.get(k);
    if (v === null || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Error(`invalid value for ${k}: ${v}`);
    return n;
  };
  const opts: LogOptions & { previous: boolean } = { follow: bool('follow'), timestamps: bool('timestamps'), previous: bool('previous') };
  const tail = int('tailLines');
  if (tail !== undefined && tail >= 0) opts.tailLines = tail;
  const since = int('sinceSeconds');
  if (since !== undefined) opts.sinceMs = now - since * 1000;
  const sinceTime = q.get('sinceTime');
  if (sinceTime) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw new Error(`invalid value for sinceTime: ${sinceTime}`);
    opts.sinceMs = t;
  }
  const limit = int('limitBytes');
  if (limit !== undefined && limit > 0) opts.limitBytes = limit;
  return opts;
}

/** Renders one message as the kubelet writes it: `<timestamp> ` prefix when asked, then the content. */
export function renderMessage(m: LogMessage, timestamps: boolean): Buffer {
  return timestamps ? Buffer.concat([Buffer.from(`${m.timestamp} `), m.content]) : m.content;
}
