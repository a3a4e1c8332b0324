// Tests of CRI log parsing and log streaming options (tail, since, limit, timestamps, partial lines, follow).

import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { CriLogParser, parseCriLogLine, parseLogQuery } from './cri-log.js';
import { streamLogFile } from './log-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'crilog-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const LOG = [
  '2025-01-01T00:00:01.000000001Z stdout F line one',
  '2025-01-01T00:00:02.5Z stderr F oops',
  '2025-01-01T00:00:03.000000000Z stdout P part-',
  '2025-01-01T00:00:03.100000000Z stdout F whole',
  '2025-01-01T00:00:04.000000000Z stdout F ',
].join('\n') + '\n';

test('parseCriLogLine reads timestamp, stream, tag and content', () => {
  const l = parseCriLogLine(Buffer.from('2025-01-01T00:00:01Z stdout P hello world'));
  assert.deepEqual({ ...l, content: l?.content.toString() }, { timestamp: '2025-01-01T00:00:01Z', stream: 'stdout', partial: true, content: 'hello world' });
  assert.equal(parseCriLogLine(Buffer.from('garbage')), undefined);
});

test('CriLogParser joins partial lines and keeps an incomplete tail for the next chunk', () => {
  const p = new CriLogParser();
  const first = p.feed(Buffer.from(LOG.slice(0, 60)));
  const rest = p.feed(Buffer.from(LOG.slice(60)));
  const all = [...first, ...rest].map((m) => m.content.toString());
  assert.deepEqual(all, ['line one\n', 'oops\n', 'part-whole\n', '\n']);
});

async function read(opts: Parameters<typeof streamLogFile>[1], file = join(dir, 'a.log')): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await streamLogFile(file, opts, out, { isRunning: async () => false, pollMs: 10 });
  return Buffer.concat(chunks).toString();
}

test('streamLogFile honours tailLines, timestamps, sinceTime and limitBytes', async () => {
  writeFileSync(join(dir, 'a.log'), LOG);
  assert.equal(await read({ follow: false, timestamps: false }), 'line one\noops\npart-whole\n\n');
  assert.equal(await read({ follow: false, timestamps: false, tailLines: 2 }), 'part-whole\n\n');
  assert.equal(await read({ follow: false, timestamps: true, tailLines: 1 }), '2025-01-01T00:00:04.000000000Z \n');
  assert.equal(await read({ follow: false, timestamps: false, sinceMs: Date.parse('2025-01-01T00:00:02Z') }), 'oops\npart-whole\n\n');
  assert.equal(await read({ follow: false, timestamps: false, limitBytes: 6 }), 'line o');
  assert.equal(await read({ follow: false, timestamps: false }, join(dir, 'missing.log')), '');
});

test('streamLogFile with follow streams appended lines until the container stops', async () => {
  const file = join(dir, 'f.log');
  writeFileSync(file, '2025-01-01T00:00:01Z stdout F first\n');
  let running = true;
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  const done = streamLogFile(file, { follow: true, timestamps: false }, out, { isRunning: async () => running, pollMs: 10 });
  await new Promise((r) => setTimeout(r, 50));
  appendFileSync(file, '2025-01-01T00:00:02Z stdout F second\n');
  await new Promise((r) => setTimeout(r, 50));
  running = false;
  await done;
  assert.equal(chunks.join(''), 'first\nsecond\n');
});

test('parseLogQuery maps PodLogOptions query parameters', () => {
  const q = parseLogQuery(new URLSearchParams('follow=true&tailLines=5&previous=true&timestamps=true&sinceSeconds=10&limitBytes=100'), 100_000);
  assert.deepEqual(q, { follow: true, timestamps: true, previous: true, tailLines: 5, sinceMs: 90_000, limitBytes: 100 });
  assert.throws(() => parseLogQuery(new URLSearchParams('tailLines=x'), 0));
});
