/**
 * Container logs over a WebSocket end to end, as the conformance spec "Pods should support retrieving logs from
 * the container over websockets" reads them: a real pod's log read through pods/log with the subprotocols
 * binary.k8s.io and base64.binary.k8s.io, using the admin client certificate from the cluster's data dir.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { applyAndWait, e2eSkip, useCluster, type Cluster } from './harness.js';

/** Reads every message of pods/log over a WebSocket until the server closes it; decodes base64 text messages. */
function readLogs(cluster: Cluster, query: string, protocol: string): Promise<{ protocol: string; text: string; code: number }> {
  const tls = join(cluster.dataDir, 'tls');
  const url = `wss://127.0.0.1:${cluster.port}/api/v1/namespaces/default/pods/ws-logs/log?${query}`;
  const ws = new WebSocket(url, [protocol], {
    ca: readFileSync(join(tls, 'ca.crt')),
    cert: readFileSync(join(tls, 'admin.crt')),
    key: readFileSync(join(tls, 'admin.key')),
  });
  return new Promise((resolve, reject) => {
    let text = '';
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const chunk = isBinary ? Buffer.from(data).toString() : Buffer.from(data.toString(), 'base64').toString();
      text += chunk;
    });
    ws.on('close', (code) => resolve({ protocol: ws.protocol, text, code }));
    ws.on('error', reject);
  });
}

describe('pod logs over WebSocket', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-ws-logs' });

  it('reads a running container log with binary.k8s.io and base64.binary.k8s.io, and follows it', async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: ws-logs
spec:
  containers:
  - name: main
    image: busybox:1.36
    command: ['sh', '-c', 'echo container is alive; sleep 3; echo still alive; sleep 3600']
`;
    await applyAndWait(cluster(), manifest, 'ws-logs', /^Running$/);
    await cluster().waitFor('the first log line', async () => (await cluster().kubectlOk(['logs', 'ws-logs'])).includes('container is alive'));

    const bin = await readLogs(cluster(), 'container=main&limitBytes=19', 'binary.k8s.io');
    assert.equal(bin.protocol, 'binary.k8s.io');
    assert.equal(bin.text, 'container is alive\n');
    assert.equal(bin.code, 1000);

    // follow=true keeps the socket open past the first line; the test closes once the later line arrives.
    let closeFollow: () => void = () => undefined;
    const followed = new Promise<string>((resolve, reject) => {
      const tls = join(cluster().dataDir, 'tls');
      const ws = new WebSocket(`wss://127.0.0.1:${cluster().port}/api/v1/namespaces/default/pods/ws-logs/log?container=main&follow=true`, ['binary.k8s.io'], {
        ca: readFileSync(join(tls, 'ca.crt')),
        cert: readFileSync(join(tls, 'admin.crt')),
        key: readFileSync(join(tls, 'admin.key')),
      });
      closeFollow = () => ws.close();
      let text = '';
      ws.on('message', (data: Buffer) => {
        text += Buffer.from(data).toString();
        if (text.includes('still alive\n')) resolve(text);
      });
      ws.on('error', reject);
    });
    try {
      assert.equal(await followed, 'container is alive\nstill alive\n');
    } finally {
      closeFollow();
    }

    const b64 = await readLogs(cluster(), 'container=main', 'base64.binary.k8s.io');
    assert.equal(b64.protocol, 'base64.binary.k8s.io');
    assert.equal(b64.text, 'container is alive\nstill alive\n');
    assert.equal(b64.code, 1000);
    await cluster().kubectlOk(['delete', 'pod', 'ws-logs', '--grace-period=1', '--wait=true', '--timeout=60s']);
  });
});
