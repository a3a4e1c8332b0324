/**
 * The CRI runtime contract suite: one set of tests, run against the kubelet tests' in-memory FakeRuntime and against
 * src/cri/client.ts on a real containerd, so the fake cannot drift from the runtime it stands in for.
 *
 * What it pins is the CRI runtime.v1 behaviour the kubelet relies on (k8s.io/cri-api `api.proto` comments, and
 * containerd 1.6's CRI plugin as observed): sandbox and container state machines, exit codes and reasons, timestamps
 * in nanoseconds, List filters (id, state, sandbox, label selector ANDed), NotFound (gRPC code 5) for unknown ids,
 * Stop/Remove that may be repeated, and image lookup by reference and id.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ContainerConfig, ContainerState, CriContainerStatus, ImageService, PodSandboxConfig, RuntimeService } from '../types.js';

/** One runtime under test. `image` is present in it; containers run `sh -c <script>` from that image. */
export interface RuntimeUnderTest {
  runtime: RuntimeService & ImageService;
  image: string;
  /** A directory the sandboxes' log directories go under. */
  logRoot: string;
  close(): Promise<void>;
}

/** gRPC status code NOT_FOUND. */
const NOT_FOUND = 5;

/** How long a real container may take to reach a state. */
const STATE_TIMEOUT_MS = 20_000;

async function codeOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
  assert.fail('expected the call to fail');
}

function nearNow(ns: number, what: string): void {
  assert.ok(Math.abs(ns / 1e6 - Date.now()) < 120_000, `${what} (${ns} ns) is a time near now, in nanoseconds since the epoch`);
}

/**
 * Registers the contract's tests under `describe(name)`. `make` starts the runtime once; every test makes and removes
 * its own sandbox, so the tests do not depend on each other. `skip` skips them all (e.g. no containerd here).
 */
export function criRuntimeContract(name: string, make: () => Promise<RuntimeUnderTest>, skip: string | false = false): void {
  describe(`CRI runtime contract: ${name}`, { skip }, () => {
    let impl: RuntimeUnderTest | undefined;
    const rt = (): RuntimeUnderTest => {
      assert.ok(impl, 'runtime started');
      return impl;
    };
    const sandboxes: string[] = [];

    before(async () => {
      impl = await make();
    });
    after(async () => {
      for (const id of sandboxes) await impl?.runtime.removePodSandbox(id).catch(() => undefined);
      await impl?.close();
    });

    const sandboxConfig = (podName: string, labels: Record<string, string> = {}): PodSandboxConfig => {
      const uid = randomUUID();
      mkdirSync(join(rt().logRoot, uid), { recursive: true });
      return {
        metadata: { name: podName, uid, namespace: 'contract', attempt: 0 },
        hostname: podName,
        logDirectory: join(rt().logRoot, uid),
        labels: { 'io.kubernetes.pod.name': podName, 'io.kubernetes.pod.uid': uid, ...labels },
        annotations: { 'contract/sandbox': podName },
        linux: { securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
      };
    };
    const runSandbox = async (config: PodSandboxConfig): Promise<string> => {
      const id = await rt().runtime.runPodSandbox(config);
      sandboxes.push(id);
      return id;
    };
    const containerConfig = (containerName: string, script: string, labels: Record<string, string> = {}): ContainerConfig => ({
      metadata: { name: containerName, attempt: 1 },
      image: { image: rt().image },
      command: ['sh', '-c', script],
      labels: { 'io.kubernetes.container.name': containerName, ...labels },
      annotations: { 'contract/container': containerName },
      logPath: `${containerName}/1.log`,
    });
    const until = async (id: string, state: ContainerState): Promise<CriContainerStatus> => {
      const deadline = Date.now() + STATE_TIMEOUT_MS;
      for (;;) {
        const s = await rt().runtime.containerStatus(id);
        if (s.state === state) return s;
        if (Date.now() > deadline) assert.fail(`container ${id} is ${s.state}, not ${state}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    it('RunPodSandbox gives a ready sandbox with its metadata, labels and annotations; Stop makes it not ready, Remove removes it', async () => {
      const { runtime } = rt();
      const config = sandboxConfig('sb');
      const id = await runSandbox(config);
      const status = await runtime.podSandboxStatus(id);
      assert.equal(status.id, id);
      assert.equal(status.state, 'SANDBOX_READY');
      assert.deepEqual(status.metadata, config.metadata);
      assert.deepEqual(status.labels, config.labels);
      assert.deepEqual(status.annotations, config.annotations);
      assert.match(status.network?.ip ?? '', /^\d+\.\d+\.\d+\.\d+$/);
      nearNow(status.createdAt, 'createdAt');
      const listed = (await runtime.listPodSandbox({ id }))[0];
      assert.equal(listed?.id, id);
      assert.equal(listed.state, 'SANDBOX_READY');
      assert.deepEqual(listed.metadata, config.metadata);
      assert.equal(listed.createdAt, status.createdAt);
      await runtime.stopPodSandbox(id);
      assert.equal((await runtime.podSandboxStatus(id)).state, 'SANDBOX_NOTREADY');
      await runtime.stopPodSandbox(id);
      assert.equal((await runtime.podSandboxStatus(id)).state, 'SANDBOX_NOTREADY', 'a second StopPodSandbox succeeds and changes nothing');
      await runtime.removePodSandbox(id);
      assert.deepEqual(await runtime.listPodSandbox({ id }), []);
      assert.equal(await codeOf(runtime.podSandboxStatus(id)), NOT_FOUND);
      await runtime.removePodSandbox(id);
    });

    it('ListPodSandbox filters by id, state and label selector (every pair must match)', async () => {
      const { runtime } = rt();
      const run = `run-${randomUUID().slice(0, 8)}`;
      const a = await runSandbox(sandboxConfig('a', { 'contract/run': run, tier: 'front' }));
      const b = await runSandbox(sandboxConfig('b', { 'contract/run': run, tier: 'back' }));
      await runtime.stopPodSandbox(b);
      const ids = async (filter: Parameters<RuntimeService['listPodSandbox']>[0]): Promise<string[]> => (await runtime.listPodSandbox(filter)).map((s) => s.id).sort();
      assert.deepEqual(await ids({ labelSelector: { 'contract/run': run } }), [a, b].sort());
      assert.deepEqual(await ids({ labelSelector: { 'contract/run': run, tier: 'front' } }), [a]);
      assert.deepEqual(await ids({ labelSelector: { 'contract/run': run, tier: 'none' } }), []);
      assert.deepEqual(await ids({ labelSelector: { 'contract/run': run }, state: { state: 'SANDBOX_READY' } }), [a]);
      assert.deepEqual(await ids({ labelSelector: { 'contract/run': run }, state: { state: 'SANDBOX_NOTREADY' } }), [b]);
      assert.deepEqual(await ids({ id: b }), [b]);
      await runtime.removePodSandbox(a);
      await runtime.removePodSandbox(b);
    });

    it('a container goes created → running → exited with StopContainer, exit code 137, reason Error and ordered timestamps', async () => {
      const { runtime } = rt();
      const config = sandboxConfig('life');
      const sb = await runSandbox(config);
      const id = await runtime.createContainer(sb, containerConfig('app', 'exec sleep 3600'), config);
      const created = await runtime.containerStatus(id);
      assert.equal(created.state, 'CONTAINER_CREATED');
      nearNow(created.createdAt, 'createdAt');
      assert.equal(created.startedAt, 0);
      assert.equal(created.finishedAt, 0);
      assert.equal(created.exitCode, 0);
      await runtime.startContainer(id);
      const running = await runtime.containerStatus(id);
      assert.equal(running.state, 'CONTAINER_RUNNING');
      assert.ok(running.startedAt >= created.createdAt, 'startedAt is not before createdAt');
      assert.equal(running.finishedAt, 0);
      await runtime.stopContainer(id, 0);
      const exited = await runtime.containerStatus(id);
      assert.equal(exited.state, 'CONTAINER_EXITED');
      assert.equal(exited.exitCode, 137);
      assert.equal(exited.reason, 'Error');
      assert.equal(exited.startedAt, running.startedAt);
      assert.ok(exited.finishedAt >= exited.startedAt, 'finishedAt is not before startedAt');
      await runtime.stopContainer(id, 0);
      assert.equal((await runtime.containerStatus(id)).exitCode, 137, 'a second StopContainer succeeds and changes nothing');
      await runtime.removeContainer(id);
      assert.equal(await codeOf(runtime.containerStatus(id)), NOT_FOUND);
      assert.deepEqual(await runtime.listContainers({ id }), []);
      await runtime.removeContainer(id);
      await runtime.removePodSandbox(sb);
    });

    it('a container that exits by itself reports its exit code, with reason Completed for 0 and Error otherwise', async () => {
      const { runtime } = rt();
      const config = sandboxConfig('exits');
      const sb = await runSandbox(config);
      const ok = await runtime.createContainer(sb, containerConfig('ok', 'exit 0'), config);
      const bad = await runtime.createContainer(sb, containerConfig('bad', 'exit 3'), config);
      await runtime.startContainer(ok);
      await runtime.startContainer(bad);
      const okStatus = await until(ok, 'CONTAINER_EXITED');
      const badStatus = await until(bad, 'CONTAINER_EXITED');
      assert.deepEqual([okStatus.exitCode, okStatus.reason], [0, 'Completed']);
      assert.deepEqual([badStatus.exitCode, badStatus.reason], [3, 'Error']);
      for (const st of [okStatus, badStatus]) {
        nearNow(st.startedAt, `startedAt of ${st.metadata?.name ?? ''}`);
        nearNow(st.finishedAt, `finishedAt of ${st.metadata?.name ?? ''}`);
        // containerd stamps startedAt when StartContainer returns and finishedAt from the exit event, so a container
        // that exits at once may show finishedAt a little before startedAt (observed on containerd 1.6.20).
        assert.ok(Math.abs(st.finishedAt - st.startedAt) < 10e9, `startedAt ${st.startedAt} and finishedAt ${st.finishedAt} of ${st.metadata?.name ?? ''} are close`);
      }
      await runtime.removePodSandbox(sb);
      assert.equal(await codeOf(runtime.containerStatus(ok)), NOT_FOUND, 'RemovePodSandbox removes its containers');
    });

    it('ContainerStatus reports metadata, labels, annotations, the image and the log path under the sandbox log directory', async () => {
      const { runtime, image } = rt();
      const config = sandboxConfig('status');
      const sb = await runSandbox(config);
      const cc = containerConfig('app', 'exec sleep 3600', { extra: 'x' });
      const id = await runtime.createContainer(sb, cc, config);
      const s = await runtime.containerStatus(id);
      assert.equal(s.id, id);
      assert.deepEqual(s.metadata, cc.metadata);
      assert.deepEqual(s.labels, cc.labels);
      assert.deepEqual(s.annotations, cc.annotations);
      assert.equal(s.logPath, join(config.logDirectory ?? '', 'app', '1.log'));
      const img = await runtime.imageStatus(image);
      assert.ok(img, `image ${image} present`);
      assert.ok(img.repoTags.includes(s.image?.image ?? ''), `status image ${String(s.image?.image)} is one of the image's tags ${img.repoTags.join(',')}`);
      assert.ok([img.id, ...img.repoDigests].includes(s.imageRef), `imageRef ${s.imageRef} is the image's id or a repo digest`);
      const listed = (await runtime.listContainers({ id }))[0];
      assert.equal(listed?.imageRef, img.id, 'ListContainers gives the image id as imageRef');
      await runtime.removePodSandbox(sb);
    });

    it('ListContainers filters by id, sandbox, state and label selector (every pair must match)', async () => {
      const { runtime } = rt();
      const c1 = sandboxConfig('one');
      const c2 = sandboxConfig('two');
      const sb1 = await runSandbox(c1);
      const sb2 = await runSandbox(c2);
      const run = `run-${randomUUID().slice(0, 8)}`;
      const a = await runtime.createContainer(sb1, containerConfig('a', 'exec sleep 3600', { 'contract/run': run, role: 'web' }), c1);
      const b = await runtime.createContainer(sb1, containerConfig('b', 'exec sleep 3600', { 'contract/run': run, role: 'db' }), c1);
      const c = await runtime.createContainer(sb2, containerConfig('c', 'exec sleep 3600', { 'contract/run': run, role: 'web' }), c2);
      await runtime.startContainer(a);
      const ids = async (filter: Parameters<RuntimeService['listContainers']>[0]): Promise<string[]> => (await runtime.listContainers(filter)).map((x) => x.id).sort();
      assert.deepEqual(await ids({ labelSelector: { 'contract/run': run } }), [a, b, c].sort());
      assert.deepEqual(await ids({ podSandboxId: sb1 }), [a, b].sort());
      assert.deepEqual(await ids({ labelSelector: { 'contract/run': run, role: 'web' } }), [a, c].sort());
      assert.deepEqual(await ids({ podSandboxId: sb2, labelSelector: { role: 'web' } }), [c]);
      assert.deepEqual(await ids({ labelSelector: { 'contract/run': run }, state: { state: 'CONTAINER_RUNNING' } }), [a]);
      assert.deepEqual(await ids({ labelSelector: { 'contract/run': run }, state: { state: 'CONTAINER_CREATED' } }), [b, c].sort());
      assert.deepEqual(await ids({ id: b }), [b]);
      const listed = (await runtime.listContainers({ id: a }))[0];
      assert.equal(listed?.podSandboxId, sb1);
      assert.equal(listed.state, 'CONTAINER_RUNNING');
      assert.deepEqual(listed.metadata, { name: 'a', attempt: 1 });
      assert.equal(listed.labels['role'], 'web');
      assert.deepEqual(listed.annotations, { 'contract/container': 'a' });
      nearNow(listed.createdAt, 'createdAt');
      await runtime.removePodSandbox(sb1);
      await runtime.removePodSandbox(sb2);
    });

    it('StopPodSandbox stops its running containers', async () => {
      const { runtime } = rt();
      const config = sandboxConfig('stops');
      const sb = await runSandbox(config);
      const id = await runtime.createContainer(sb, containerConfig('app', 'exec sleep 3600'), config);
      await runtime.startContainer(id);
      await runtime.stopPodSandbox(sb);
      const s = await runtime.containerStatus(id);
      assert.equal(s.state, 'CONTAINER_EXITED');
      assert.equal(s.exitCode, 137);
      await runtime.removePodSandbox(sb);
    });

    it('unknown ids: status, start, stop and create calls fail with NotFound; remove calls succeed', async () => {
      const { runtime } = rt();
      const config = sandboxConfig('ghost');
      const missing = 'f'.repeat(64);
      assert.equal(await codeOf(runtime.containerStatus(missing)), NOT_FOUND, 'ContainerStatus');
      assert.equal(await codeOf(runtime.startContainer(missing)), NOT_FOUND, 'StartContainer');
      assert.equal(await codeOf(runtime.stopContainer(missing, 0)), NOT_FOUND, 'StopContainer');
      assert.equal(await codeOf(runtime.podSandboxStatus(missing)), NOT_FOUND, 'PodSandboxStatus');
      assert.equal(await codeOf(runtime.stopPodSandbox(missing)), NOT_FOUND, 'StopPodSandbox');
      assert.equal(await codeOf(runtime.createContainer(missing, containerConfig('app', 'true'), config)), NOT_FOUND, 'CreateContainer in an unknown sandbox');
      assert.equal(await codeOf(runtime.execSync(missing, ['true'], 5)), NOT_FOUND, 'ExecSync');
      await runtime.removeContainer(missing);
      await runtime.removePodSandbox(missing);
    });

    it('ImageStatus finds a present image by reference and by id, with its tag; an absent image is no image; ListImages lists it', async () => {
      const { runtime, image } = rt();
      const byRef = await runtime.imageStatus(image);
      assert.ok(byRef, `image ${image} present`);
      assert.match(byRef.id, /^sha256:/);
      assert.ok(byRef.repoTags.includes(image), `${image} among the tags ${byRef.repoTags.join(',')}`);
      assert.deepEqual(await runtime.imageStatus(byRef.id), byRef);
      assert.equal(await runtime.imageStatus('docker.io/library/absent-image:0'), undefined);
      assert.ok((await runtime.listImages()).some((i) => i.id === byRef.id && i.repoTags.includes(image)));
    });
  });
}
