// Streams one container's CRI log file to a client with tail/since/limit/timestamps/follow (kubelet `ReadLogs`).

import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { realClock, type Clock } from '../../api/clock.js';
import { CriLogParser, renderMessage, type LogMessage, type LogOptions } from './cri-log.js';

/** Options of {@link streamLogFile} beyond LogOptions. */
export interface StreamLogDeps {
  /** True while the container can still write (follow stops once it is false and the file is drained). */
  isRunning(): Promise<boolean>;
  signal?: AbortSignal;
  /** Poll interval for follow, ms (default 200). */
  pollMs?: number;
  /** Clock of the follow polls and running checks (default the wall clock). */
  clock?: Clock;
}

function write(out: Writable, buf: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (out.write(buf)) resolve();
    else out.once('drain', () => resolve());
  });
}

/**
 * Writes the log at `path` to `out` honouring `opts` (tailLines applied to the existing content, sinceMs to
 * every message, limitBytes to the total output) and, with `follow`, keeps polling the file until the
 * container stopped and no new bytes arrived, or `signal` aborts. Missing file = empty log. Does not end `out`.
 */
export async function streamLogFile(path: string, opts: LogOptions, out: Writable, deps: StreamLogDeps): Promise<void> {
  const parser = new CriLogParser();
  let remaining = opts.limitBytes ?? Infinity;
  let offset = 0;
  const emit = async (msgs: LogMessage[]): Promise<boolean> => {
    for (const m of msgs) {
      if (opts.sinceMs !== undefined && m.timeMs < opts.sinceMs) continue;
      let buf = renderMessage(m, opts.timestamps);
      if (buf.length > remaining) buf = buf.subarray(0, remaining);
      remaining -= buf.length;
      await write(out, buf);
      if (remaining <= 0) return false;
    }
    return true;
  };
  const readNew = async (): Promise<Buffer> => {
    let fh;
    try {
      fh = await open(path, 'r');
    } catch {
      return Buffer.alloc(0);
    }
    try {
      const { size } = await fh.stat();
      if (size < offset) offset = 0; // truncated or replaced
      if (size === offset) return Buffer.alloc(0);
      const buf = Buffer.alloc(size - offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      offset += bytesRead;
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  };

  let first = parser.feed(await readNew());
  if (opts.tailLines !== undefined) first = opts.tailLines === 0 ? [] : first.slice(-opts.tailLines);
  if (!(await emit(first))) return;
  if (!opts.follow) {
    await emit(parser.flush());
    return;
  }
  const poll = deps.pollMs ?? 200;
  const clock = deps.clock ?? realClock;
  let lastRunningCheck = 0;
  let running = true;
  while (!deps.signal?.aborted) {
    const chunk = await readNew();
    if (chunk.length > 0) {
      if (!(await emit(parser.feed(chunk)))) return;
      continue;
    }
    const now = clock.now();
    if (now - lastRunningCheck >= 1000 || !running) {
      lastRunningCheck = now;
      const wasRunning = running;
      running = await deps.isRunning();
      if (!running && !wasRunning) break; // one more read after it stopped, then done
      if (!running) continue;
    }
    await clock.sleep(poll, deps.signal);
  }
  await emit(parser.flush());
}
