/**
 * Progress of `k1s images import` on stderr: live bars (cli-progress) per archive and per layer on a terminal,
 * one plain line per archive start, finished layer and archive summary otherwise (logs, CI, pipes).
 */
import { MultiBar, type SingleBar } from 'cli-progress';
import type { ImportProgress } from '../containerd/images.js';
import { formatSize, importSummary } from './images.js';

/** What {@link createImportProgress} writes to and how. */
export interface ImportProgressOptions {
  /** Default process.stderr. */
  stream?: NodeJS.WritableStream;
  /** Live bars when true; default: whether `stream` is a TTY. */
  tty?: boolean;
}

/** Takes import progress events; `stop()` ends the bars (call it once, in a finally). */
export interface ImportProgressReporter {
  report(event: ImportProgress): void;
  stop(): void;
}

/** `12.0MB/s` from bytes over milliseconds (at least 1 ms). */
function rate(bytes: number, elapsedMs: number): string {
  return `${formatSize(bytes / (Math.max(elapsedMs, 1) / 1000))}/s`;
}

/**
 * The plain lines of one event, for output that is not a terminal: `importing FILE (SIZE)`, `FILE: layer L SIZE`
 * when a layer is complete, and {@link importSummary}'s line when an archive is done; nothing for partial layers.
 */
export function plainProgressLine(event: ImportProgress): string | undefined {
  switch (event.kind) {
    case 'archive-start':
      return `importing ${event.file} (${formatSize(event.totalBytes)})`;
    case 'layer':
      return event.doneBytes >= event.totalBytes ? `${event.file}: layer ${event.layer} ${formatSize(event.totalBytes)}` : undefined;
    case 'archive-done':
      return importSummary(event.file, event.images, event.bytes, event.elapsedMs);
  }
}

/** A reporter writing plain lines ({@link plainProgressLine}) or, on a TTY, cli-progress bars with bytes and rate. */
export function createImportProgress(options: ImportProgressOptions = {}): ImportProgressReporter {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? (stream as NodeJS.WriteStream).isTTY === true;
  if (!tty) {
    return {
      report(event) {
        const line = plainProgressLine(event);
        if (line !== undefined) stream.write(`${line}\n`);
      },
      stop() {},
    };
  }
  const bars = new MultiBar({
    stream,
    format: '{name} [{bar}] {percentage}% {done}/{size} {rate}',
    hideCursor: true,
    clearOnComplete: false,
    barsize: 24,
  });
  const archives = new Map<string, { bar: SingleBar; started: number }>();
  const layers = new Map<string, { bar: SingleBar; started: number }>();
  /** Archive summaries, written under the bars once they stop (cli-progress's log() waits for a redraw). */
  const summaries: string[] = [];
  const payload = (name: string, done: number, total: number, started: number) => ({ name, done: formatSize(done), size: formatSize(total), rate: rate(done, Date.now() - started) });
  return {
    report(event) {
      switch (event.kind) {
        case 'archive-start':
          archives.set(event.file, { bar: bars.create(Math.max(event.totalBytes, 1), 0, payload(event.file, 0, event.totalBytes, Date.now())), started: Date.now() });
          return;
        case 'layer': {
          const key = `${event.file}\0${event.layer}`;
          let entry = layers.get(key);
          if (entry === undefined) {
            entry = { bar: bars.create(Math.max(event.totalBytes, 1), 0, payload(`  layer ${event.layer}`, 0, event.totalBytes, Date.now())), started: Date.now() };
            layers.set(key, entry);
          }
          entry.bar.update(event.doneBytes, payload(`  layer ${event.layer}`, event.doneBytes, event.totalBytes, entry.started));
          const archive = archives.get(event.file);
          if (archive !== undefined && event.archiveDoneBytes !== undefined) {
            archive.bar.update(event.archiveDoneBytes, payload(event.file, event.archiveDoneBytes, archive.bar.getTotal(), archive.started));
          }
          return;
        }
        case 'archive-done': {
          const archive = archives.get(event.file);
          archive?.bar.update(archive.bar.getTotal(), payload(event.file, event.bytes, event.bytes, archive.started));
          summaries.push(importSummary(event.file, event.images, event.bytes, event.elapsedMs));
          return;
        }
      }
    },
    stop() {
      bars.stop();
      for (const line of summaries.splice(0)) stream.write(`${line}\n`);
    },
  };
}
