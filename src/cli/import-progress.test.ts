import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createImportProgress, plainProgressLine } from './import-progress.js';

test('the import progress reporter writes one plain line per archive start, finished layer and archive when not a terminal', () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const progress = createImportProgress({ stream: out, tty: false });
  progress.report({ kind: 'archive-start', file: '/tmp/busybox.tar', totalBytes: 2 * 1024 * 1024 });
  progress.report({ kind: 'layer', file: '/tmp/busybox.tar', layer: 'sha256:0123456789ab', doneBytes: 1024, totalBytes: 4096 });
  progress.report({ kind: 'layer', file: '/tmp/busybox.tar', layer: 'sha256:0123456789ab', doneBytes: 4096, totalBytes: 4096 });
  progress.report({ kind: 'archive-done', file: '/tmp/busybox.tar', images: 1, bytes: 2 * 1024 * 1024, elapsedMs: 1000 });
  progress.stop();
  assert.equal(
    text,
    [
      'importing /tmp/busybox.tar (2.0MB)',
      '/tmp/busybox.tar: layer sha256:0123456789ab 4.0kB',
      '/tmp/busybox.tar: 1 image, 2.0MB in 1.0 s (2.0MB/s)',
      '',
    ].join('\n'),
  );
  assert.equal(plainProgressLine({ kind: 'layer', file: 'x', layer: 'l', doneBytes: 1, totalBytes: 2 }), undefined);
});

test('the import progress reporter draws bars with bytes and rate on a terminal and logs the summary', () => {
  const out = new PassThrough() as PassThrough & { isTTY: boolean; columns: number; cursorTo: () => boolean; moveCursor: () => boolean; clearLine: () => boolean; clearScreenDown: () => boolean };
  Object.assign(out, { isTTY: true, columns: 120, cursorTo: () => true, moveCursor: () => true, clearLine: () => true, clearScreenDown: () => true });
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const progress = createImportProgress({ stream: out, tty: true });
  progress.report({ kind: 'archive-start', file: '/tmp/busybox.tar', totalBytes: 8192 });
  progress.report({ kind: 'layer', file: '/tmp/busybox.tar', layer: 'sha256:0123456789ab', doneBytes: 4096, totalBytes: 4096, archiveDoneBytes: 6000 });
  progress.report({ kind: 'archive-done', file: '/tmp/busybox.tar', images: 1, bytes: 8192, elapsedMs: 500 });
  progress.stop();
  assert.match(text, /layer sha256:0123456789ab \[[^\]]*\] 100% 4\.0kB\/4\.0kB \S+\/s/);
  assert.match(text, /\/tmp\/busybox\.tar: 1 image, 8\.0kB in 0\.5 s \(16\.0kB\/s\)/);
});
