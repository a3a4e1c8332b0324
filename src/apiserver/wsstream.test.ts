/** Unit tests of the one-stream WebSocket reader's request detection and subprotocol choice (wsstream handshake). */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { isWebSocketRequest, negotiateReaderProtocol } from './wsstream.js';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

describe('wsstream reader', () => {
  it('isWebSocketRequest needs Upgrade: websocket and upgrade among the Connection tokens', () => {
    assert.ok(isWebSocketRequest(req({ upgrade: 'WebSocket', connection: 'keep-alive, Upgrade' })));
    assert.ok(!isWebSocketRequest(req({ upgrade: 'SPDY/3.1', connection: 'Upgrade' })));
    assert.ok(!isWebSocketRequest(req({ upgrade: 'websocket', connection: 'keep-alive' })));
  });

  it('negotiateReaderProtocol picks the first supported offer, "" for none offered, undefined for no match', () => {
    assert.equal(negotiateReaderProtocol('v4.channel.k8s.io, base64.binary.k8s.io, binary.k8s.io'), 'base64.binary.k8s.io');
    assert.equal(negotiateReaderProtocol('binary.k8s.io'), 'binary.k8s.io');
    assert.equal(negotiateReaderProtocol(undefined), '');
    assert.equal(negotiateReaderProtocol('channel.k8s.io'), undefined);
  });
});
