import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { errorLine, exitCodeOf, StartupError } from './error-line.js';
import { UsageError } from './flags.js';

test('errorLine names the busy port, the process holding it and the flag that moves it', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as AddressInfo).port;
  const second = createServer();
  try {
    const err = await new Promise<Error>((resolve) => {
      second.once('error', resolve);
      second.listen(port, '127.0.0.1');
    });
    const line = errorLine(new Error('cannot start the API server', { cause: err }), { portFlag: '--https-listen-port' });
    assert.equal(line.includes('\n'), false);
    assert.match(line, new RegExp(`^port ${port} is already in use by pid ${process.pid} \\(.*node.*\\): stop it, or choose another port with --https-listen-port$`));
  } finally {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
  }
});

test('errorLine words a system error by call and path, and joins an error and its causes once each', async () => {
  const missing = await readFile('/nonexistent/k1s-file').catch((err: unknown) => err);
  assert.equal(errorLine(missing), 'open "/nonexistent/k1s-file": no such file or directory');
  const inner = new Error('containerd exited with code 1');
  assert.equal(errorLine(new Error('cannot start containerd', { cause: inner })), 'cannot start containerd: containerd exited with code 1');
  assert.equal(errorLine(new Error('cannot start containerd: containerd exited with code 1', { cause: inner })), 'cannot start containerd: containerd exited with code 1');
});

test('exitCodeOf: 2 for usage errors, 1 for start-up refusals and anything else', () => {
  assert.equal(exitCodeOf(new UsageError('x')), 2);
  assert.equal(exitCodeOf(new StartupError('x')), 1);
  assert.equal(exitCodeOf(new Error('x')), 1);
  assert.equal(errorLine(new StartupError('port 6443: in use', { cause: new Error('hidden') })), 'port 6443: in use');
});
