// Tests of the Status-from-HTTP-error helpers shared by the REST client and the API server's kubelet proxy.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNotFound, statusErrorFromResponse, statusErrorFromText } from './errors.js';

test('statusErrorFromResponse adopts a Status body and keeps the answer code when the body has none', () => {
  const err = statusErrorFromResponse(404, JSON.stringify({ kind: 'Status', apiVersion: 'v1', reason: 'NotFound', message: 'pods "x" not found' }));
  assert.equal(isNotFound(err), true);
  assert.equal(err.code, 404);
  assert.equal(err.message, 'pods "x" not found');
});

test('statusErrorFromText names the reason of the code and uses the text, or the generic sentence when empty', () => {
  const bad = statusErrorFromText(400, 'container zzz is not valid for pod web\n');
  assert.deepEqual([bad.code, bad.reason, bad.message], [400, 'BadRequest', 'container zzz is not valid for pod web']);
  const empty = statusErrorFromText(502, '');
  assert.deepEqual([empty.code, empty.reason, empty.message], [502, 'InternalError', 'the server responded with the status code 502 but did not return more information']);
});
