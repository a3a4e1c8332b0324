/** Unit tests of protobuf response negotiation and watch framing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEnvelope } from './envelope.js';
import { prefersProtobuf } from './negotiate.js';
import { encodeWatchFrame, readWatchFrames } from './watch-frames.js';
import { decodeMessage } from './wire-codec.js';

describe('prefersProtobuf', () => {
  it('is true for client-go\'s Accept headers', () => {
    assert.equal(prefersProtobuf('application/vnd.kubernetes.protobuf, */*'), true);
    assert.equal(prefersProtobuf('application/vnd.kubernetes.protobuf,application/json'), true);
    assert.equal(prefersProtobuf('application/vnd.kubernetes.protobuf;stream=watch'), true);
  });

  it('is false for JSON, Table, wildcard and unproducible-first Accepts, and follows q-values', () => {
    assert.equal(prefersProtobuf(undefined), false);
    assert.equal(prefersProtobuf('application/json, */*'), false);
    assert.equal(prefersProtobuf('application/json;as=Table;v=v1;g=meta.k8s.io,application/json'), false);
    assert.equal(prefersProtobuf('*/*'), false);
    assert.equal(prefersProtobuf('text/html, application/vnd.kubernetes.protobuf'), true);
    assert.equal(prefersProtobuf('application/vnd.kubernetes.protobuf;q=0.5, application/json'), false);
    assert.equal(prefersProtobuf('application/json;q=0.1, application/vnd.kubernetes.protobuf;q=0.9'), true);
  });
});

describe('encodeWatchFrame', () => {
  it('writes a big-endian length and a raw WatchEvent whose object is an enveloped message', () => {
    const frame = encodeWatchFrame('ADDED', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', resourceVersion: '5' }, data: { a: 'b' } });
    assert.equal(frame.readUInt32BE(0), frame.length - 4);
    assert.equal(frame[4], 0x0a);
    const { events, rest } = readWatchFrames(frame);
    assert.equal(rest.length, 0);
    assert.equal(events[0]?.type, 'ADDED');
    const env = decodeEnvelope(events[0]?.object ?? new Uint8Array(0));
    assert.deepEqual([env.apiVersion, env.kind], ['v1', 'ConfigMap']);
    assert.deepEqual(decodeMessage('core.v1.ConfigMap', env.raw), { metadata: { name: 'c', resourceVersion: '5' }, data: { a: 'b' } });
  });

  it('reassembles frames split across chunks and encodes ERROR Statuses', () => {
    const a = encodeWatchFrame('ERROR', { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version: 1 (5)' });
    const b = encodeWatchFrame('BOOKMARK', { apiVersion: 'v1', kind: 'Pod', metadata: { resourceVersion: '9', annotations: { 'k8s.io/initial-events-end': 'true' } } });
    const all = Buffer.concat([a, b]);
    const first = readWatchFrames(all.subarray(0, a.length + 3));
    assert.deepEqual(first.events.map((e) => e.type), ['ERROR']);
    const second = readWatchFrames(Buffer.concat([first.rest, all.subarray(a.length + 3)]));
    assert.deepEqual(second.events.map((e) => e.type), ['BOOKMARK']);
    const status = decodeEnvelope(first.events[0]?.object ?? new Uint8Array(0));
    assert.deepEqual(decodeMessage('meta.v1.Status', status.raw), { metadata: {}, status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410 });
  });

  it('refuses objects without a protobuf form', () => {
    assert.throws(() => encodeWatchFrame('ADDED', { apiVersion: 'meta.k8s.io/v1', kind: 'Table' }), /no protobuf form for meta\.k8s\.io\/v1\/Table/);
  });
});
