/** The API server reports every 5xx answer with its request line and Status message (and nothing for 4xx). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './testing/test-server.js';

describe('API server: 5xx answers are logged with the request line', () => {
  let ts: TestServer;
  const lines: string[] = [];
  before(async () => {
    ts = await startTestServer(undefined, { onServerError: (line) => lines.push(line) });
  });
  after(async () => {
    await ts.close();
  });

  it('logs a 500 from a failing storage, not a 404', async () => {
    const missing = await ts.kubectl(['get', 'configmap', 'nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /configmaps "nope" not found/);
    assert.deepEqual(lines, []);
    ts.store.close();
    const broken = await ts.kubectl(['get', 'configmap', 'nope']);
    assert.equal(broken.code, 1);
    assert.ok(lines.length >= 1, broken.stderr);
    assert.match(lines[0]!, /^GET \/api\/v1\/namespaces\/default\/configmaps\/nope 500: \S/);
  });
});
