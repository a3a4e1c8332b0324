/**
 * Crash safety of `k1s server`, end to end: under pod churn (8 pods of 2 containers, one created and one
 * deleted around each fault, some with an init container, one crash-looping in back-off) the server is killed
 * with SIGKILL at a random moment and started again at once on the same data dir, K1S_CRASH_ROUNDS times
 * (default 10). After each restart every container that was running is adopted (same container ID, same
 * restartCount), CRI holds exactly one ready sandbox and one running container per API pod and container (no
 * duplicate, no orphan), every write the API acknowledged before the kill is still there, and the graceful
 * deletion in progress completes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runtimePaths } from '../../src/containerd/paths.js';
import { createCriClient } from '../../src/cri/client.js';
import { CONTAINER_NAME_LABEL, POD_UID_LABEL } from '../../src/kubelet/container/labels.js';
import type { Pod } from '../../src/api/types.js';
import { e2eSkip, useCluster, type Cluster } from './harness.js';

const ROUNDS = Number(process.env['K1S_CRASH_ROUNDS'] ?? 10);
/** The kill comes this long (uniformly random) after the round's create and delete were sent. */
const MAX_KILL_DELAY_MS = Number(process.env['K1S_CRASH_MAX_DELAY_MS'] ?? 1_500);
const POPULATION = 8;

/** A small seeded PRNG (mulberry32), so a failing round can be replayed with K1S_CRASH_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pod `name` of two sleeping containers; every other one has an init container first. */
function churnPod(name: string, withInit: boolean): string {
  const init = withInit
    ? `  initContainers:
  - {name: init, image: busybox:1.36, imagePullPolicy: IfNotPresent, command: ['sh', '-c', 'sleep 0.3']}
`
    : '';
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {suite: crash}
spec:
  terminationGracePeriodSeconds: 2
${init}  containers:
  - {name: a, image: busybox:1.36, imagePullPolicy: IfNotPresent, command: ['sleep', '3600']}
  - {name: b, image: busybox:1.36, imagePullPolicy: IfNotPresent, command: ['sleep', '3600']}
`;
}

const crasher = `apiVersion: v1
kind: Pod
metadata:
  name: crasher
  labels: {suite: crash-backoff}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: app, image: busybox:1.36, imagePullPolicy: IfNotPresent, command: ['sh', '-c', 'exit 3']}
`;

async function pods(c: Cluster): Promise<Pod[]> {
  const out = await c.kubectlOk(['get', 'pods', '-o', 'json']);
  return (JSON.parse(out) as { items: Pod[] }).items;
}

/** "containerID restartCount" per container name, for pods whose containers are all running and ready. */
function runningStates(p: Pod): Map<string, string> | undefined {
  const statuses = p.status?.containerStatuses ?? [];
  if (p.status?.phase !== 'Running' || statuses.length !== p.spec.containers.length) return undefined;
  if (!statuses.every((s) => s.ready && s.state?.running && s.containerID)) return undefined;
  return new Map(statuses.map((s) => [s.name, `${s.containerID} ${s.restartCount}`]));
}

/** What CRI holds, grouped by pod uid. */
interface CriView {
  readySandboxes: Map<string, number>;
  sandboxes: Map<string, number>;
  /** uid/name → ids of running containers. */
  running: Map<string, string[]>;
  uids: Set<string>;
  /** uid → "name id state attempt" of every container instance (for failure messages). */
  instances: Map<string, string[]>;
}

async function criView(c: Cluster): Promise<CriView> {
  const cri = createCriClient(`unix://${runtimePaths(c.dataDir).socket}`, { timeoutMs: 10_000 });
  try {
    const [sandboxes, containers] = await Promise.all([cri.runtime.listPodSandbox(), cri.runtime.listContainers()]);
    const view: CriView = { readySandboxes: new Map(), sandboxes: new Map(), running: new Map(), uids: new Set(), instances: new Map() };
    const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    for (const sb of sandboxes) {
      const uid = sb.labels[POD_UID_LABEL] ?? '';
      view.uids.add(uid);
      inc(view.sandboxes, uid);
      if (sb.state === 'SANDBOX_READY') inc(view.readySandboxes, uid);
    }
    for (const ct of containers) {
      const uid = ct.labels[POD_UID_LABEL] ?? '';
      view.uids.add(uid);
      view.instances.set(uid, [...(view.instances.get(uid) ?? []), `${ct.labels[CONTAINER_NAME_LABEL]} ${ct.id.slice(0, 12)} ${ct.state} attempt ${ct.metadata?.attempt ?? 0}`]);
      if (ct.state !== 'CONTAINER_RUNNING') continue;
      const key = `${uid}/${ct.labels[CONTAINER_NAME_LABEL] ?? ''}`;
      view.running.set(key, [...(view.running.get(key) ?? []), ct.id]);
    }
    return view;
  } finally {
    cri.close();
  }
}

/** Waits until every churn pod runs and is ready, `gone` is gone from the API and CRI; returns the pods. */
async function converge(c: Cluster, expected: Set<string>, gone: Set<string>): Promise<Pod[]> {
  return c.waitFor(`pods ${[...expected].join(',')} Running and ready, ${[...gone].join(',')} gone`, async () => {
    const all = await pods(c);
    const churn = all.filter((p) => p.metadata.labels?.['suite'] === 'crash');
    const names = new Set(churn.map((p) => p.metadata.name ?? ''));
    if ([...gone].some((n) => names.has(n))) return undefined;
    if (![...expected].every((n) => names.has(n))) return undefined;
    if (!churn.every((p) => runningStates(p))) return undefined;
    const view = await criView(c);
    const apiUids = new Set(all.map((p) => p.metadata.uid ?? ''));
    if ([...view.uids].some((u) => !apiUids.has(u))) return undefined;
    return all;
  }, 60_000);
}

describe('server crash safety', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-crash' });

  it(`adopts every running container after ${ROUNDS} SIGKILLs of the server during churn`, async () => {
    const c = cluster();
    const seed = Number(process.env['K1S_CRASH_SEED'] ?? Date.now() % 1_000_000);
    const random = prng(seed);
    console.log(`# crash-safety seed ${seed} (K1S_CRASH_SEED), ${ROUNDS} rounds, kill 0–${MAX_KILL_DELAY_MS} ms after the churn`);

    let next = 0;
    const names: string[] = [];
    const manifests: string[] = [];
    for (; next < POPULATION; next++) {
      names.push(`churn-${next}`);
      manifests.push(churnPod(`churn-${next}`, next % 2 === 1));
    }
    await c.kubectlOk(['apply', '-f', '-'], { input: [...manifests, crasher].join('---\n') });
    let all = await converge(c, new Set(names), new Set());

    const configMaps: string[] = [];
    /** Every broken promise of every round (collected, so one run counts them all). */
    const problems: string[] = [];
    const check = (ok: boolean, what: string): void => {
      if (!ok && !problems.some((p) => p.endsWith(what))) problems.push(what);
    };
    let adoptionFailures = 0;
    const readyTimes: number[] = [];
    const convergeTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const before = new Map<string, Map<string, string>>();
      for (const p of all) {
        const s = p.metadata.labels?.['suite'] === 'crash' ? runningStates(p) : undefined;
        if (s) before.set(p.metadata.name ?? '', s);
      }
      const crasherBefore = all.find((p) => p.metadata.name === 'crasher')?.status?.containerStatuses?.[0]?.restartCount ?? 0;

      // The churn of this round: one pod created, the oldest deleted (gracefully, 2 s), a ConfigMap written.
      const added = `churn-${next++}`;
      const removed = names.shift()!;
      names.push(added);
      const create = c.kubectlOk(['apply', '-f', '-'], { input: churnPod(added, next % 2 === 0) });
      const del = c.kubectl(['delete', 'pod', removed, '--wait=false']);
      await Promise.all([create, del]);
      const cm = `round-${round}`;
      const cmOk = (await c.kubectl(['create', 'configmap', cm, `--from-literal=round=${round}`])).code === 0;
      if (cmOk) configMaps.push(cm);

      const delay = Math.floor(random() * MAX_KILL_DELAY_MS);
      await new Promise((r) => setTimeout(r, delay));
      const { readyMs } = await c.crash();
      readyTimes.push(readyMs);
      const t0 = Date.now();
      all = await converge(c, new Set(names), new Set([removed]));
      convergeTimes.push(Date.now() - t0);

      // Adoption: the same container IDs and restart counts as before the kill.
      const changed: string[] = [];
      for (const [name, states] of before) {
        if (name === removed) continue;
        const now = all.find((p) => p.metadata.name === name);
        check(now !== undefined, `round ${round}: pod ${name} still exists`);
        const after = now && runningStates(now);
        for (const [container, state] of states) {
          if (after?.get(container) !== state) changed.push(`${name}/${container}: ${state} → ${after?.get(container) ?? 'none'}`);
        }
      }
      if (changed.length > 0) adoptionFailures++;
      check(changed.length === 0, `round ${round} (kill ${delay} ms after the churn): running containers restarted instead of adopted: ${changed.join('; ')}`);

      // No duplicate, no orphan: one ready sandbox and one running container per API pod and container.
      const view = await criView(c);
      for (const p of all) {
        const uid = p.metadata.uid ?? '';
        if (p.metadata.name === 'crasher') {
          check(view.sandboxes.get(uid) === 1, `round ${round}: crasher has ${view.sandboxes.get(uid) ?? 0} sandboxes, not one`);
          check((p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= crasherBefore, `round ${round}: crasher's restartCount went back from ${crasherBefore}`);
          continue;
        }
        // No churn container ever exits on its own: any restart is the kubelet's doing (a container it lost track of).
        for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
          check(s.restartCount === 0, `${p.metadata.name}/${s.name} restarted ${s.restartCount} times (${s.containerID}); CRI: ${(view.instances.get(uid) ?? []).join(', ')}`);
        }
        check(view.readySandboxes.get(uid) === 1, `round ${round}: pod ${p.metadata.name} has ${view.readySandboxes.get(uid) ?? 0} ready sandboxes, not one`);
        for (const s of p.status?.containerStatuses ?? []) {
          const ids = (view.running.get(`${uid}/${s.name}`) ?? []).map((id) => `containerd://${id}`);
          check(ids.length === 1 && ids[0] === s.containerID, `round ${round}: ${p.metadata.name}/${s.name} is ${s.containerID} in the API but runs as [${ids.join(', ')}]`);
        }
      }
      const apiUids = new Set(all.map((p) => p.metadata.uid ?? ''));
      const orphans = [...view.uids].filter((u) => !apiUids.has(u));
      check(orphans.length === 0, `round ${round}: CRI has sandboxes or containers of pods the API does not have: ${orphans.join(', ')}`);

      // Nothing acknowledged before the kill is lost.
      const cms = JSON.parse(await c.kubectlOk(['get', 'configmaps', '-o', 'json'])) as { items: { metadata: { name: string }; data?: Record<string, string> }[] };
      for (const name of configMaps) {
        const found = cms.items.find((i) => i.metadata.name === name);
        check(found?.data?.['round'] === name.slice('round-'.length), `round ${round}: ConfigMap ${name}, acknowledged before a kill, is ${found ? JSON.stringify(found.data) : 'lost'}`);
      }
    }
    const avg = (l: number[]) => Math.round(l.reduce((a, b) => a + b, 0) / Math.max(1, l.length));
    console.log(`# figure: ${adoptionFailures} adoption failures in ${ROUNDS} SIGKILLs of the server; ready again in ${avg(readyTimes)} ms on average (max ${Math.max(...readyTimes)}), pods converged ${avg(convergeTimes)} ms later (max ${Math.max(...convergeTimes)})`);
    if (problems.length > 0) {
      const file = join(tmpdir(), `k1s-crash-safety-${seed}.log`);
      const events = await c.kubectl(['get', 'events', '--sort-by=.metadata.creationTimestamp', '-o', 'custom-columns=TIME:.firstTimestamp,LAST:.lastTimestamp,COUNT:.count,OBJECT:.involvedObject.name,FIELD:.involvedObject.fieldPath,REASON:.reason,MESSAGE:.message']);
      writeFileSync(file, `${c.serverLog()}\n--- events ---\n${events.stdout}`);
      console.log(`# the server log is in ${file}`);
    }
    assert.deepEqual(problems, []);
  });
});
