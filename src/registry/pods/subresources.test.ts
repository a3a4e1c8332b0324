// Tests of pods/portforward's kubelet location: ports from the query, the node, the path.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../api/types.js';
import { parsePortForwardPorts, podSubresources, portForwardLocation } from './subresources.js';

const pod = (nodeName?: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'team-a' },
  spec: { containers: [{ name: 'app', image: 'nginx' }], ...(nodeName ? { nodeName } : {}) },
});

function badRequest(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    const st = (err as { status?: { code?: number; message?: string } }).status;
    assert.equal(st?.code, 400);
    return st?.message ?? '';
  }
  assert.fail('expected a 400');
}

describe('pods/portforward location', () => {
  it('names the kubelet path /portForward/{ns}/{pod} and one port parameter a requested port', () => {
    const loc = portForwardLocation(pod('node1'), new URLSearchParams('ports=80,8080&ports=9000'));
    assert.deepEqual([loc.nodeName, loc.path, loc.query.toString()], ['node1', '/portForward/team-a/web', 'port=80&port=8080&port=9000']);
  });

  it('passes no ports when the client names none (SPDY clients name them per stream)', () => {
    assert.equal(portForwardLocation(pod('node1'), new URLSearchParams()).query.toString(), '');
  });

  it('refuses a pod without a node and ports that are not 16-bit numbers', () => {
    assert.equal(badRequest(() => portForwardLocation(pod(), new URLSearchParams('ports=80'))), 'pod web does not have a host assigned');
    assert.equal(badRequest(() => parsePortForwardPorts(new URLSearchParams('ports=http'))), 'cannot convert to []int32: strconv.ParseUint: parsing "http": invalid syntax');
    assert.equal(badRequest(() => parsePortForwardPorts(new URLSearchParams('ports=70000'))), 'cannot convert to []int32: strconv.ParseUint: parsing "70000": value out of range');
  });

  it('is an upgrade-only connect subresource that tunnels SPDY through WebSockets', () => {
    const h = podSubresources['portforward'];
    assert.equal(h?.kind, 'connect');
    assert.deepEqual(h.kind === 'connect' && [h.verbs, h.upgradeRequired, h.tunnelsSpdyOverWebSocket], [['get', 'create'], true, true]);
  });
});
