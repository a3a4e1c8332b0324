/**
 * The multi-container warnings end to end (issue 10 item 1): the real kubectl applies the three mistaken manifests
 * the issue names — seed 001's two containers on one port, seed 004's pod with the writer's volume mount missing,
 * and seed 004's log-tailing sidecar put in initContainers — and prints each warning on stderr; the correct seed 004
 * pod prints none and runs. The same texts come back from `k1s lint` offline and as MultiContainerLint events.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { e2eSkip, podRow, run, useCluster, type Cluster, type CommandResult } from './harness.js';
import { k1sBin } from './paths.js';
import { seedDocuments } from './seed-manifests.js';

type Obj = Record<string, unknown> & { metadata?: Record<string, unknown>; spec?: { containers?: Obj[]; initContainers?: Obj[] } & Record<string, unknown> };

/** A deep copy of the seed object whose seed and container names match. */
function seedObject(seed: string, containers: string): Obj {
  const doc = seedDocuments().find((d) => d.seed.startsWith(seed) && ((d.obj['spec'] as Obj['spec'])?.containers ?? []).map((c) => c['name']).join('+') === containers);
  assert.ok(doc, `seed ${seed}'s pod with containers ${containers}`);
  return structuredClone(doc.obj) as Obj;
}

/** Seed 001's "THIS WILL FAIL" pod as written, given a name (the seed's has none). */
function twoPorts(): Obj {
  const pod = seedObject('001', 'app1+app2');
  pod.metadata = { name: 'two-ports' };
  return pod;
}

/** Seed 004's sidecar pod (correct as written) under `name`. */
function sidecarPod(name: string): Obj {
  const pod = seedObject('004', 'main-container+sidecar-container');
  pod.metadata = { ...pod.metadata, name };
  return pod;
}

/** Seed 004's pod with the writer's mount of the shared volume dropped: only the reader mounts it. */
function writerWithoutMount(): Obj {
  const pod = sidecarPod('writer-no-mount');
  delete pod.spec!.containers![0]!['volumeMounts'];
  return pod;
}

/** Seed 004's pod with its log-tailing sidecar moved into initContainers, where `tail -f` blocks the pod. */
function tailInInitContainers(): Obj {
  const pod = sidecarPod('tail-in-init');
  pod.spec!.initContainers = pod.spec!.containers!.splice(1, 1);
  return pod;
}

/** The texts of kubectl's `Warning: …` stderr lines. */
const warnings = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('Warning: ')).map((l) => l.slice('Warning: '.length));

/** `k1s lint -` of `manifest`: its exit code and warning texts (after `FILE:LINE: Kind/name: `). */
async function lintOffline(manifest: string): Promise<{ code: number; texts: string[] }> {
  const r = await run(k1sBin, ['lint', '-'], { input: manifest });
  return { code: r.code, texts: r.stdout.split('\n').filter(Boolean).map((l) => l.replace(/^<stdin>:\d+: Pod\/[^:]+: /, '')) };
}

/** The MultiContainerLint events of pod `name`: "fieldPath message". */
async function lintEvents(c: Cluster, name: string): Promise<string[]> {
  const out = await c.kubectlOk(['get', 'events', '--field-selector', `involvedObject.name=${name},reason=MultiContainerLint`, '-o', 'jsonpath={range .items[*]}{.type} {.involvedObject.fieldPath} {.message}{"\\n"}{end}']);
  return out.split('\n').filter(Boolean);
}

describe('multi-container warnings', { skip: e2eSkip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-lint' });

  const mistaken: { name: string; pod: () => Obj; want: RegExp; container: string }[] = [
    {
      name: 'two-ports',
      pod: twoPorts,
      want: /^spec\.containers\[1\]\.ports\[0\]: \[PortConflict\] containers "app1" and "app2" both declare containerPort 8080\/TCP, .*; fix: make "app2" listen on a free port such as 8081/,
      container: 'spec.containers{app2}',
    },
    {
      name: 'writer-no-mount',
      pod: writerWithoutMount,
      want: /^spec\.containers\[0\]\.volumeMounts: \[WriterWithoutMount\] container "main-container" writes to "\/var\/log\/app\.log", where "sidecar-container" mounts volume "shared-logs" .*; fix: add \{name: shared-logs, mountPath: \/var\/log\} to the volumeMounts of "main-container"$/,
      container: 'spec.containers{main-container}',
    },
    {
      name: 'tail-in-init',
      pod: tailInInitContainers,
      want: /^spec\.initContainers\[0\]: \[BlockingInitContainer\] init container "sidecar-container" runs "tail -f \/var\/log\/app\.log", which never exits: .* stays in Init:0\/1 .*; fix: add restartPolicy: Always to "sidecar-container"/,
      container: 'spec.initContainers{sidecar-container}',
    },
  ];

  // The mistaken pods are applied once, before the tests: the first checks what kubectl printed, the third the
  // pods' events, so neither depends on the other having run.
  const applied = new Map<string, CommandResult>();
  before(async () => {
    for (const m of mistaken) applied.set(m.name, await cluster().kubectl(['apply', '-f', '-'], { input: stringify(m.pod()) }));
  });

  it('kubectl apply of each mistaken manifest creates the pod and prints its warning; k1s lint gives the same text and exit 1', async () => {
    for (const m of mistaken) {
      const manifest = stringify(m.pod());
      const r = applied.get(m.name);
      assert.ok(r, `${m.name} applied`);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), `pod/${m.name} created`);
      const texts = warnings(r.stderr);
      assert.equal(texts.length, 1, `${m.name}: ${r.stderr}`);
      assert.match(texts[0]!, m.want);
      assert.deepEqual(await lintOffline(manifest), { code: 1, texts });
    }
  });

  it('the correct seed 004 pod gets no warning, online or offline, and runs 2/2', async () => {
    const c = cluster();
    const manifest = stringify(sidecarPod('sidecar-pod'));
    const r = await c.kubectl(['apply', '-f', '-'], { input: manifest });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(await lintOffline(manifest), { code: 0, texts: [] });
    const row = await c.waitFor('sidecar-pod 2/2 Running', async () => {
      const p = await podRow(c, 'sidecar-pod');
      return p?.status === 'Running' && p.ready === '2/2' ? p : undefined;
    }, 90_000);
    assert.equal(row.restarts, '0');
    assert.deepEqual(await lintEvents(c, 'sidecar-pod'), []);
  });

  it('each mistaken pod carries its warning as a MultiContainerLint event on its container, and the blocked one stays in Init:0/1', async () => {
    const c = cluster();
    for (const m of mistaken) {
      const text = (await lintOffline(stringify(m.pod()))).texts[0];
      const events = await c.waitFor(`${m.name} MultiContainerLint event`, async () => {
        const e = await lintEvents(c, m.name);
        return e.length ? e : undefined;
      }, 30_000);
      assert.deepEqual(events, [`Warning ${m.container} ${text}`]);
    }
    const describe = await c.kubectlOk(['describe', 'pod', 'tail-in-init']);
    assert.match(describe, /Warning\s+MultiContainerLint\s+\S+\s+kubelet\s+spec\.initContainers\[0\]: \[BlockingInitContainer\]/);
    // The app container never starts: `tail -f` of a file only the app would write either waits forever
    // (Init:0/1) or, as busybox's tail does for a missing file, fails and is restarted (Init:Error,
    // Init:CrashLoopBackOff) — the status the user sees depends on when they look; the app stays waiting.
    assert.match((await podRow(c, 'tail-in-init'))?.status ?? '', /^Init:(0\/1|Error|CrashLoopBackOff)$/);
    const app = await c.kubectlOk(['get', 'pod', 'tail-in-init', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}']);
    assert.equal(app, 'PodInitializing');
  });

  it("a Deployment with seed 001's ports in its template warns at a server-side dry run with the template's field path", async () => {
    const c = cluster();
    const deployment = stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'two-ports' },
      spec: { selector: { matchLabels: { app: 'two-ports' } }, template: { metadata: { labels: { app: 'two-ports' } }, spec: twoPorts().spec } },
    });
    const r = await c.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: deployment });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'deployment.apps/two-ports created (server dry run)');
    assert.deepEqual(warnings(r.stderr).map((w) => w.slice(0, w.indexOf(' both'))), ['spec.template.spec.containers[1].ports[0]: [PortConflict] containers "app1" and "app2"']);
  });
});
