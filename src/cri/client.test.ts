// Unit tests of the CRI client against an in-process fake runtime served from the same api.proto.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createCriClient, criTarget, CriError, findCriProto, isCriNotFound, waitForCri, type CriClient } from './client.js';

type Handler = (call: { request: Record<string, unknown> }, cb: (err: Partial<grpc.ServiceError> | null, res?: unknown) => void) => void;

describe('criTarget', () => {
  it('accepts socket paths and unix URLs', () => {
    assert.equal(criTarget('/run/c.sock'), 'unix:///run/c.sock');
    assert.equal(criTarget('unix:///run/c.sock'), 'unix:///run/c.sock');
    assert.equal(criTarget('unix:/run/c.sock'), 'unix:///run/c.sock');
    assert.throws(() => criTarget('tcp://1.2.3.4:1'), /invalid CRI endpoint/);
  });
});

describe('createCriClient against a fake runtime', () => {
  let dir = '';
  let server: grpc.Server;
  let client: CriClient;
  const seen: Record<string, Record<string, unknown>> = {};

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k1s-cri-'));
    const def = protoLoader.loadSync(findCriProto(), { keepCase: false, longs: Number, enums: String, defaults: true });
    const pkg = grpc.loadPackageDefinition(def) as unknown as { runtime: { v1: Record<string, grpc.ServiceClientConstructor> } };
    server = new grpc.Server();
    const record = (name: string, reply: unknown): Handler => (call, cb) => {
      seen[name] = call.request;
      cb(null, reply);
    };
    server.addService(pkg.runtime.v1['RuntimeService']!.service, {
      version: record('version', { version: '0.1.0', runtimeName: 'fake', runtimeVersion: '1', runtimeApiVersion: 'v1' }),
      runPodSandbox: record('runPodSandbox', { podSandboxId: 'sb1' }),
      status: record('status', {
        status: { conditions: [{ type: 'RuntimeReady', status: true }] },
        runtimeHandlers: [{ name: '', features: { recursiveReadOnlyMounts: true } }, { name: 'runc', features: { userNamespaces: true } }],
      }),
      podSandboxStatus: ((call, cb) => {
        if (call.request['podSandboxId'] !== 'sb1') return cb({ code: grpc.status.NOT_FOUND, details: 'an error occurred when try to find sandbox "x": not found' });
        cb(null, { status: { id: 'sb1', state: 'SANDBOX_NOTREADY', createdAt: 1_700_000_000_123_456_789, network: { ip: '10.42.0.5' }, labels: { a: 'b' } } });
      }) as Handler,
      createContainer: record('createContainer', { containerId: 'c1' }),
      execSync: record('execSync', { stdout: Buffer.from('out'), stderr: Buffer.alloc(0), exitCode: 2 }),
      listContainers: record('listContainers', { containers: [{ id: 'c1', state: 'CONTAINER_EXITED', labels: {} }] }),
      listContainerStats: record('listContainerStats', {
        stats: [
          {
            attributes: { id: 'c1', metadata: { name: 'app', attempt: 0 }, labels: { 'io.kubernetes.pod.name': 'p' } },
            cpu: { timestamp: 1_700_000_000_123_456_789, usageCoreNanoSeconds: { value: 5_000_000_000 } },
            memory: { timestamp: 1_700_000_000_123_456_789, workingSetBytes: { value: 4096 } },
          },
          { attributes: { id: 'c2', metadata: { name: 'exited', attempt: 0 } } },
        ],
      }),
      listPodSandboxStats: ((_call, cb) => cb({ code: grpc.status.UNIMPLEMENTED, details: 'not implemented' })) as Handler,
    });
    server.addService(pkg.runtime.v1['ImageService']!.service, {
      imageStatus: ((call, cb) => {
        const image = (call.request['image'] as { image: string }).image;
        cb(null, image === 'busybox' ? { image: { id: 'sha256:1', repoTags: ['docker.io/library/busybox:1.36'], size: 5 } } : {});
      }) as Handler,
    });
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(`unix://${join(dir, 'cri.sock')}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
    );
    client = createCriClient(join(dir, 'cri.sock'), { timeoutMs: 5_000 });
  });

  after(async () => {
    client.close();
    server.forceShutdown();
    await rm(dir, { recursive: true, force: true });
  });

  it('decodes enums as names, int64 as numbers and maps as objects', async () => {
    const st = await client.runtime.podSandboxStatus('sb1');
    assert.equal(st.state, 'SANDBOX_NOTREADY');
    assert.equal(typeof st.createdAt, 'number');
    assert.equal(st.network?.ip, '10.42.0.5');
    assert.deepEqual(st.labels, { a: 'b' });
    assert.deepEqual(st.annotations, {}, 'defaults fill absent maps');
  });

  it('sends camelCase requests with enum names and env values as strings', async () => {
    const sandboxConfig = {
      metadata: { name: 'p', uid: 'u', namespace: 'default', attempt: 0 },
      linux: { securityContext: { namespaceOptions: { network: 'POD' as const, pid: 'CONTAINER' as const } } },
    };
    assert.equal(await client.runtime.runPodSandbox(sandboxConfig), 'sb1');
    const id = await client.runtime.createContainer('sb1', { metadata: { name: 'c', attempt: 1 }, image: { image: 'busybox' }, envs: [{ key: 'A', value: 'é' }] }, sandboxConfig);
    assert.equal(id, 'c1');
    const req = seen['createContainer'] as { podSandboxId: string; config: { envs: { key: string; value: string }[]; metadata: { attempt: number } } };
    assert.equal(req.podSandboxId, 'sb1');
    assert.deepEqual(req.config.envs, [{ key: 'A', value: 'é' }]);
    assert.equal(req.config.metadata.attempt, 1);
    assert.equal((seen['runPodSandbox'] as { runtimeHandler: string }).runtimeHandler, '');
    await client.runtime.runPodSandbox(sandboxConfig, 'runc');
    assert.equal((seen['runPodSandbox'] as { runtimeHandler: string }).runtimeHandler, 'runc');
  });

  it('decodes Status runtime_handlers (CRI v1.30) with their features', async () => {
    const st = await client.runtime.status();
    assert.deepEqual(st.conditions, [{ type: 'RuntimeReady', status: true, reason: '', message: '' }]);
    assert.deepEqual(st.runtimeHandlers, [
      { name: '', features: { recursiveReadOnlyMounts: true, userNamespaces: false } },
      { name: 'runc', features: { recursiveReadOnlyMounts: false, userNamespaces: true } },
    ]);
  });

  it('returns exec output as Buffers and the exit code', async () => {
    const r = await client.runtime.execSync('c1', ['true'], 3);
    assert.equal(r.stdout.toString(), 'out');
    assert.equal(r.stderr.length, 0);
    assert.equal(r.exitCode, 2);
    assert.deepEqual((seen['execSync'] as { cmd: string[]; timeout: number }).cmd, ['true']);
  });

  it('turns grpc errors into CriError keeping code and details', async () => {
    await assert.rejects(client.runtime.podSandboxStatus('x'), (err: unknown) => {
      assert.ok(err instanceof CriError);
      assert.equal(err.code, grpc.status.NOT_FOUND);
      assert.equal(err.details, 'an error occurred when try to find sandbox "x": not found');
      assert.equal(err.message, 'runtime.v1.RuntimeService/PodSandboxStatus: rpc error: code = NotFound desc = an error occurred when try to find sandbox "x": not found');
      assert.ok(isCriNotFound(err));
      return true;
    });
  });

  it('reports an absent image as undefined', async () => {
    assert.deepEqual(await client.images.imageStatus('busybox'), { id: 'sha256:1', repoTags: ['docker.io/library/busybox:1.36'], repoDigests: [], size: 5 });
    assert.equal(await client.images.imageStatus('nope'), undefined);
  });

  it('lists containers with state names', async () => {
    const list = await client.runtime.listContainers({ podSandboxId: 'sb1' });
    assert.equal(list[0]?.state, 'CONTAINER_EXITED');
    assert.deepEqual(seen['listContainers'], { filter: { podSandboxId: 'sb1', id: '', labelSelector: {}, state: null } });
  });

  it('lists container stats: cumulative CPU and working set as numbers, absent usages as null', async () => {
    const stats = await client.runtime.listContainerStats({ podSandboxId: 'sb1' });
    assert.equal(stats[0]?.attributes?.metadata?.name, 'app');
    assert.equal(stats[0]?.cpu?.usageCoreNanoSeconds?.value, 5_000_000_000);
    assert.equal(stats[0]?.cpu?.usageNanoCores, null);
    assert.equal(stats[0]?.memory?.workingSetBytes?.value, 4096);
    assert.equal(typeof stats[0]?.cpu?.timestamp, 'number');
    assert.equal(stats[1]?.cpu, null, 'a container without a task has no cpu');
    assert.deepEqual(seen['listContainerStats'], { filter: { id: '', podSandboxId: 'sb1', labelSelector: {} } });
  });

  it('passes UNIMPLEMENTED of ListPodSandboxStats on as a CriError', async () => {
    await assert.rejects(client.runtime.listPodSandboxStats(), (err: unknown) => err instanceof CriError && err.code === grpc.status.UNIMPLEMENTED);
  });

  it('waitForCri resolves with the runtime version once the socket answers', async () => {
    assert.equal((await waitForCri(join(dir, 'cri.sock'), { timeoutMs: 2_000 })).runtimeName, 'fake');
  });

  it('waitForCri times out on a missing socket', async () => {
    await assert.rejects(waitForCri(join(dir, 'none.sock'), { timeoutMs: 300, intervalMs: 50 }), /timed out after 300ms waiting for CRI runtime/);
  });
});
