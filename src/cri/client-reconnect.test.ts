// Unit test: one CRI client keeps working across a runtime restart on the same unix socket path.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createCriClient, findCriProto } from './client.js';

/** Serves RuntimeService/Version answering `runtimeVersion` on `socket` (a fresh server each call). */
async function serveVersion(socket: string, runtimeVersion: string): Promise<grpc.Server> {
  const def = protoLoader.loadSync(findCriProto(), { keepCase: false, longs: Number, enums: String, defaults: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { runtime: { v1: Record<string, grpc.ServiceClientConstructor> } };
  const server = new grpc.Server();
  server.addService(pkg.runtime.v1['RuntimeService']!.service, {
    version: (_call: unknown, cb: (err: null, res: unknown) => void) => cb(null, { version: '0.1.0', runtimeName: 'fake', runtimeVersion, runtimeApiVersion: 'v1' }),
  });
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
  return server;
}

describe('CRI client across a runtime restart', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('reaches the new runtime on the same socket path after calls failed while it was down', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k1s-cri-reconnect-'));
    dirs.push(dir);
    const socket = join(dir, 'containerd.sock');
    const first = await serveVersion(socket, 'first');
    const client = createCriClient(socket, { timeoutMs: 500 });
    try {
      assert.equal((await client.runtime.version()).runtimeVersion, 'first');
      first.forceShutdown();
      await rm(socket, { force: true });
      // Down for 4 s, called every 100 ms like the kubelet's loops: the channel's reconnect back-off grows meanwhile.
      const errors = new Set<string>();
      for (const end = Date.now() + 4_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
        await client.runtime.version().then(
          () => errors.add('answered while down'),
          (err: { codeName?: string }) => errors.add(err.codeName ?? 'other'),
        );
      }
      assert.deepEqual([...errors], ['Unavailable']);
      const second = await serveVersion(socket, 'second');
      const t0 = Date.now();
      try {
        let answer = '';
        while (answer === '') {
          answer = await client.runtime.version().then((v) => v.runtimeVersion, () => '');
          if (answer === '') await new Promise((r) => setTimeout(r, 50));
        }
        console.log(`# figure: CRI client reached the restarted runtime ${Date.now() - t0} ms after it listened again (after 4 s down)`);
        assert.equal(answer, 'second');
      } finally {
        second.forceShutdown();
      }
    } finally {
      client.close();
    }
  });
});
