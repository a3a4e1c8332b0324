/**
 * The ApiClient contract suite: one set of tests, run against the real API server (through the REST client) and
 * against every in-memory fake the kubelet and controller tests use, so a fake cannot drift from the server.
 *
 * What it pins is kube-apiserver's observable behaviour as documented in the API concepts page
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/): resourceVersion grows with every write, a
 * stale resourceVersion is a 409 Conflict, a missing object a 404 NotFound Status, a taken name a 409 AlreadyExists,
 * label and field selectors filter lists and watches, a watch from a resourceVersion replays what happened after it
 * (ADDED, MODIFIED, DELETED), the status subresource writes status only, and the main resource leaves status alone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject, Status, WatchEvent } from '../../api/types.js';
import type { ApiClient } from '../types.js';

/** One implementation under test: its client and how to dispose of it. */
export interface ApiClientUnderTest {
  client: ApiClient;
  close(): Promise<void>;
}

/** A ConfigMap as the contract writes it. */
interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

/** The Status of a rejected call (StatusError thrown locally or decoded from HTTP carry the same `status`). */
async function statusOf(call: Promise<unknown>): Promise<Status> {
  try {
    await call;
  } catch (err) {
    const status = (err as { status?: Status }).status;
    assert.ok(status && status.kind === 'Status', `expected a Status error, got ${String(err)}`);
    return status;
  }
  assert.fail('expected the call to fail');
}

/** Collects watch events until `count` arrived (or `timeoutMs` passed), then stops the watch. */
async function collect(client: ApiClient, path: string, query: Record<string, string>, count: number, timeoutMs = 3000): Promise<WatchEvent<ConfigMap>[]> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const events: WatchEvent<ConfigMap>[] = [];
  try {
    for await (const e of client.watch<ConfigMap>(path, query, ac.signal)) {
      events.push(e);
      if (events.length >= count) break;
    }
  } catch (err) {
    if (!ac.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return events;
}

/** Summary of watch events for comparison: `TYPE name rv`. */
function summary(events: WatchEvent<ConfigMap>[]): string[] {
  return events.map((e) => `${e.type} ${e.object.metadata.name ?? ''} ${e.object.metadata.resourceVersion ?? ''}`);
}

function rv(obj: KubeObject): number {
  const n = Number(obj.metadata.resourceVersion);
  assert.ok(Number.isInteger(n) && n > 0, `resourceVersion ${String(obj.metadata.resourceVersion)} is a positive integer`);
  return n;
}

/**
 * Registers the contract's tests under `describe(name)`. `make` starts one implementation (called once, before
 * the tests); every test works in a namespace of its own, so the tests do not depend on each other.
 */
export function apiClientContract(name: string, make: () => Promise<ApiClientUnderTest>): void {
  describe(`ApiClient contract: ${name}`, () => {
    let impl: ApiClientUnderTest | undefined;
    let seq = 0;
    const client = (): ApiClient => {
      assert.ok(impl, 'implementation started');
      return impl.client;
    };
    /** A fresh namespace for one test. */
    const namespace = async (): Promise<string> => {
      const ns = `contract-${String(++seq).padStart(3, '0')}`;
      await client().create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      return ns;
    };
    const cms = (ns: string): string => `/api/v1/namespaces/${ns}/configmaps`;
    const configMap = (cmName: string, labels: Record<string, string> = {}, data: Record<string, string> = { k: 'v' }): ConfigMap => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: cmName, labels },
      data,
    });

    before(async () => {
      impl = await make();
    });
    after(async () => {
      await impl?.close();
    });

    it('create assigns uid, resourceVersion and creationTimestamp, and get returns the stored object', async () => {
      const ns = await namespace();
      const created = await client().create<ConfigMap>(cms(ns), configMap('a', { app: 'x' }));
      assert.equal(created.kind, 'ConfigMap');
      assert.equal(created.apiVersion, 'v1');
      assert.equal(created.metadata.name, 'a');
      assert.equal(created.metadata.namespace, ns);
      assert.match(created.metadata.uid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.match(created.metadata.creationTimestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      rv(created);
      const got = await client().get<ConfigMap>(`${cms(ns)}/a`);
      assert.equal(got.metadata.uid, created.metadata.uid);
      assert.equal(got.metadata.resourceVersion, created.metadata.resourceVersion);
      assert.deepEqual(got.metadata.labels, { app: 'x' });
      assert.deepEqual(got.data, { k: 'v' });
    });

    it('create with generateName picks a name of the prefix and five more characters', async () => {
      const ns = await namespace();
      const created = await client().create<ConfigMap>(cms(ns), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' }, data: {} });
      assert.match(created.metadata.name ?? '', /^gen-[a-z0-9]{5}$/);
      assert.equal((await client().get<ConfigMap>(`${cms(ns)}/${created.metadata.name ?? ''}`)).metadata.uid, created.metadata.uid);
    });

    it('create of a taken name fails with 409 AlreadyExists', async () => {
      const ns = await namespace();
      await client().create(cms(ns), configMap('a'));
      const s = await statusOf(client().create(cms(ns), configMap('a')));
      assert.equal(s.code, 409);
      assert.equal(s.reason, 'AlreadyExists');
      assert.equal(s.message, 'configmaps "a" already exists');
      assert.equal(s.details?.name, 'a');
      assert.equal(s.details?.kind, 'configmaps');
    });

    it('get, update, patch and delete of a missing object fail with 404 NotFound naming it', async () => {
      const ns = await namespace();
      const path = `${cms(ns)}/missing`;
      const calls: [string, Promise<unknown>][] = [
        ['get', client().get(path)],
        ['update', client().update(path, configMap('missing'))],
        ['patch', client().patch(path, { data: { a: 'b' } }, 'merge')],
        ['delete', client().delete(path)],
      ];
      for (const [verb, call] of calls) {
        const s = await statusOf(call);
        assert.equal(s.code, 404, verb);
        assert.equal(s.reason, 'NotFound', verb);
        assert.equal(s.message, 'configmaps "missing" not found', verb);
        assert.equal(s.details?.name, 'missing', verb);
        assert.equal(s.details?.kind, 'configmaps', verb);
      }
    });

    it('update with the current resourceVersion writes and increases the resourceVersion; a stale one is a 409 Conflict', async () => {
      const ns = await namespace();
      const created = await client().create<ConfigMap>(cms(ns), configMap('a'));
      const updated = await client().update<ConfigMap>(`${cms(ns)}/a`, { ...created, data: { k: 'w' } });
      assert.ok(rv(updated) > rv(created), 'resourceVersion increased');
      assert.equal(updated.metadata.uid, created.metadata.uid);
      assert.equal(updated.metadata.creationTimestamp, created.metadata.creationTimestamp);
      assert.deepEqual((await client().get<ConfigMap>(`${cms(ns)}/a`)).data, { k: 'w' });
      const s = await statusOf(client().update(`${cms(ns)}/a`, { ...created, data: { k: 'stale' } }));
      assert.equal(s.code, 409);
      assert.equal(s.reason, 'Conflict');
      assert.equal(s.message, 'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again');
      assert.deepEqual((await client().get<ConfigMap>(`${cms(ns)}/a`)).data, { k: 'w' }, 'the stale write changed nothing');
    });

    it('merge, strategic merge and JSON patches change what they name, and increase the resourceVersion', async () => {
      const ns = await namespace();
      const created = await client().create<ConfigMap>(cms(ns), configMap('a', { keep: '1', drop: '1' }, { k: 'v' }));
      const merged = await client().patch<ConfigMap>(`${cms(ns)}/a`, { metadata: { labels: { drop: null, added: '1' } }, data: { j: 'w' } }, 'merge');
      assert.deepEqual(merged.metadata.labels, { keep: '1', added: '1' });
      assert.deepEqual(merged.data, { k: 'v', j: 'w' });
      assert.ok(rv(merged) > rv(created));
      const strategic = await client().patch<ConfigMap>(`${cms(ns)}/a`, { metadata: { finalizers: ['example.com/f'], labels: { added: null } } }, 'strategic');
      assert.deepEqual(strategic.metadata.labels, { keep: '1' });
      assert.deepEqual(strategic.metadata.finalizers, ['example.com/f']);
      assert.ok(rv(strategic) > rv(merged));
      const json = await client().patch<ConfigMap>(
        `${cms(ns)}/a`,
        [
          { op: 'test', path: '/metadata/finalizers/0', value: 'example.com/f' },
          { op: 'remove', path: '/metadata/finalizers/0' },
          { op: 'replace', path: '/data/k', value: 'x' },
        ],
        'json',
      );
      assert.deepEqual(json.metadata.finalizers ?? [], []);
      assert.deepEqual(json.data, { k: 'x', j: 'w' });
      assert.ok(rv(json) > rv(strategic));
      assert.deepEqual((await client().get<ConfigMap>(`${cms(ns)}/a`)).data, { k: 'x', j: 'w' });
    });

    it('a patch carrying a stale resourceVersion is a 409 Conflict', async () => {
      const ns = await namespace();
      const created = await client().create<ConfigMap>(cms(ns), configMap('a'));
      await client().patch(`${cms(ns)}/a`, { data: { k: 'w' } }, 'merge');
      const s = await statusOf(client().patch(`${cms(ns)}/a`, { metadata: { resourceVersion: created.metadata.resourceVersion }, data: { k: 'stale' } }, 'merge'));
      assert.equal(s.code, 409);
      assert.equal(s.reason, 'Conflict');
    });

    it('delete removes the object; a uid precondition that does not match is a 409 Conflict', async () => {
      const ns = await namespace();
      const created = await client().create<ConfigMap>(cms(ns), configMap('a'));
      const s = await statusOf(client().delete(`${cms(ns)}/a`, { preconditions: { uid: 'not-the-uid' } }));
      assert.equal(s.code, 409);
      assert.equal(s.reason, 'Conflict');
      assert.equal((await client().get<ConfigMap>(`${cms(ns)}/a`)).metadata.uid, created.metadata.uid, 'still there');
      await client().delete(`${cms(ns)}/a`, { preconditions: { uid: created.metadata.uid ?? '' } });
      assert.equal((await statusOf(client().get(`${cms(ns)}/a`))).reason, 'NotFound');
      assert.deepEqual((await client().list(cms(ns))).items, []);
    });

    it('delete with a resourceVersion precondition that does not match is a 409 Conflict', async () => {
      const ns = await namespace();
      const created = await client().create<ConfigMap>(cms(ns), configMap('a'));
      await client().patch(`${cms(ns)}/a`, { data: { k: 'w' } }, 'merge');
      const s = await statusOf(client().delete(`${cms(ns)}/a`, { preconditions: { resourceVersion: created.metadata.resourceVersion ?? '' } }));
      assert.equal(s.code, 409);
      assert.equal(s.reason, 'Conflict');
      assert.equal((await client().get<ConfigMap>(`${cms(ns)}/a`)).metadata.uid, created.metadata.uid, 'still there');
    });

    it('delete of a scheduled pod is graceful until a delete with gracePeriodSeconds 0; an unscheduled pod goes at once', async () => {
      const ns = await namespace();
      const pods = `/api/v1/namespaces/${ns}/pods`;
      const spec = { containers: [{ name: 'c', image: 'busybox:1.36' }], terminationGracePeriodSeconds: 30 };
      const scheduled = await client().create<KubeObject>(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'scheduled' }, spec: { ...spec, nodeName: 'node1' } });
      await client().create<KubeObject>(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending' }, spec });
      await client().delete(`${pods}/scheduled`);
      const terminating = await client().get<KubeObject>(`${pods}/scheduled`);
      assert.equal(terminating.metadata.deletionGracePeriodSeconds, 30);
      const deadline = Date.parse(terminating.metadata.deletionTimestamp ?? '');
      assert.ok(Math.abs(deadline - (Date.now() + 30_000)) < 5_000, `deletionTimestamp ${String(terminating.metadata.deletionTimestamp)} is the end of the grace period`);
      assert.ok(rv(terminating) > rv(scheduled));
      const written = await client().update<KubeObject>(`${pods}/scheduled/status`, { ...terminating, status: { phase: 'Running' } });
      assert.equal(written.metadata.deletionTimestamp, terminating.metadata.deletionTimestamp, 'a write while the grace period runs keeps the pod and its deletion stamps');
      assert.equal(written.metadata.deletionGracePeriodSeconds, 30);
      const { deletionTimestamp: _t, deletionGracePeriodSeconds: _g, ...meta } = written.metadata;
      const relabelled = await client().update<KubeObject>(`${pods}/scheduled`, { ...written, metadata: { ...meta, labels: { a: '1' } } });
      assert.equal(relabelled.metadata.deletionTimestamp, terminating.metadata.deletionTimestamp, 'an update cannot clear deletionTimestamp');
      assert.equal(relabelled.metadata.deletionGracePeriodSeconds, 30);
      await client().delete(`${pods}/scheduled`, { gracePeriodSeconds: 0, preconditions: { uid: scheduled.metadata.uid ?? '' } });
      assert.equal((await statusOf(client().get(`${pods}/scheduled`))).reason, 'NotFound');
      await client().delete(`${pods}/pending`);
      assert.equal((await statusOf(client().get(`${pods}/pending`))).reason, 'NotFound');
    });

    it('delete of an object with finalizers sets deletionTimestamp, and removing the last finalizer removes it', async () => {
      const ns = await namespace();
      await client().create<ConfigMap>(cms(ns), { ...configMap('a'), metadata: { name: 'a', finalizers: ['example.com/f'] } });
      await client().delete(`${cms(ns)}/a`);
      const terminating = await client().get<ConfigMap>(`${cms(ns)}/a`);
      assert.match(terminating.metadata.deletionTimestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(terminating.metadata.deletionGracePeriodSeconds, 0);
      await client().update(`${cms(ns)}/a`, { ...terminating, metadata: { ...terminating.metadata, finalizers: [] } });
      assert.equal((await statusOf(client().get(`${cms(ns)}/a`))).reason, 'NotFound');
    });

    it('list filters by label selector (equality, inequality, set, existence) and field selector, and carries a current resourceVersion', async () => {
      const ns = await namespace();
      await client().create(cms(ns), configMap('a', { app: 'web', tier: 'front' }));
      await client().create(cms(ns), configMap('b', { app: 'db' }));
      const last = await client().create<ConfigMap>(cms(ns), configMap('c', {}));
      const names = async (query: Record<string, string>): Promise<string[]> =>
        (await client().list<ConfigMap>(cms(ns), query)).items.map((o) => o.metadata.name ?? '').sort();
      assert.deepEqual(await names({}), ['a', 'b', 'c']);
      assert.deepEqual(await names({ labelSelector: 'app=web' }), ['a']);
      assert.deepEqual(await names({ labelSelector: 'app!=web' }), ['b', 'c']);
      assert.deepEqual(await names({ labelSelector: 'app in (web,db)' }), ['a', 'b']);
      assert.deepEqual(await names({ labelSelector: 'app notin (web)' }), ['b', 'c']);
      assert.deepEqual(await names({ labelSelector: 'app' }), ['a', 'b']);
      assert.deepEqual(await names({ labelSelector: '!app' }), ['c']);
      assert.deepEqual(await names({ labelSelector: 'app=web,tier=front' }), ['a']);
      assert.deepEqual(await names({ fieldSelector: 'metadata.name=b' }), ['b']);
      assert.deepEqual(await names({ fieldSelector: 'metadata.name!=b' }), ['a', 'c']);
      assert.deepEqual(await names({ fieldSelector: `metadata.namespace=${ns}`, labelSelector: 'app=db' }), ['b']);
      const list = await client().list<ConfigMap>(cms(ns));
      assert.ok(rv(list as unknown as KubeObject) >= rv(last), 'list resourceVersion is at least the newest write');
    });

    it('list of a namespace holds only that namespace; the cluster-wide list holds all', async () => {
      const ns1 = await namespace();
      const ns2 = await namespace();
      await client().create(cms(ns1), configMap('a'));
      await client().create(cms(ns2), configMap('b'));
      assert.deepEqual((await client().list<ConfigMap>(cms(ns1))).items.map((o) => o.metadata.name), ['a']);
      const all = (await client().list<ConfigMap>('/api/v1/configmaps')).items.filter((o) => o.metadata.namespace === ns1 || o.metadata.namespace === ns2);
      assert.deepEqual(all.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`).sort(), [`${ns1}/a`, `${ns2}/b`]);
    });

    it('watch from a resourceVersion replays ADDED, MODIFIED and DELETED after it, in order, with their resourceVersions', async () => {
      const ns = await namespace();
      const before = await client().create<ConfigMap>(cms(ns), configMap('before'));
      const a = await client().create<ConfigMap>(cms(ns), configMap('a'));
      const a2 = await client().update<ConfigMap>(`${cms(ns)}/a`, { ...a, data: { k: 'w' } });
      const b = await client().create<ConfigMap>(cms(ns), configMap('b'));
      await client().delete(`${cms(ns)}/a`);
      const events = await collect(client(), cms(ns), { resourceVersion: before.metadata.resourceVersion ?? '' }, 4);
      const deleted = events[3];
      assert.deepEqual(summary(events).slice(0, 3), [`ADDED a ${a.metadata.resourceVersion ?? ''}`, `MODIFIED a ${a2.metadata.resourceVersion ?? ''}`, `ADDED b ${b.metadata.resourceVersion ?? ''}`]);
      assert.equal(deleted?.type, 'DELETED');
      assert.equal(deleted.object.metadata.name, 'a');
      assert.ok(rv(deleted.object) > rv(b), 'the DELETED event carries the deletion resourceVersion');
      assert.deepEqual(events[1]?.object.data, { k: 'w' });
    });

    it('watch delivers writes made after it started, and only those of its namespace and label selector', async () => {
      const ns = await namespace();
      const other = await namespace();
      const start = await client().list<ConfigMap>(cms(ns));
      const watching = collect(client(), cms(ns), { resourceVersion: start.metadata.resourceVersion ?? '', labelSelector: 'app=web' }, 2);
      await new Promise((r) => setTimeout(r, 100));
      await client().create(cms(other), configMap('elsewhere', { app: 'web' }));
      await client().create(cms(ns), configMap('db', { app: 'db' }));
      const web = await client().create<ConfigMap>(cms(ns), configMap('web', { app: 'web' }));
      const web2 = await client().patch<ConfigMap>(`${cms(ns)}/web`, { data: { k: 'w' } }, 'merge');
      assert.deepEqual(summary(await watching), [`ADDED web ${web.metadata.resourceVersion ?? ''}`, `MODIFIED web ${web2.metadata.resourceVersion ?? ''}`]);
    });

    it('watch with a label selector sees a change into the selection as ADDED and out of it as DELETED', async () => {
      const ns = await namespace();
      const start = await client().list<ConfigMap>(cms(ns));
      const watching = collect(client(), cms(ns), { resourceVersion: start.metadata.resourceVersion ?? '', labelSelector: 'app=web' }, 3);
      await new Promise((r) => setTimeout(r, 100));
      await client().create(cms(ns), configMap('a', { app: 'db' }));
      const joined = await client().patch<ConfigMap>(`${cms(ns)}/a`, { metadata: { labels: { app: 'web' } } }, 'merge');
      const stayed = await client().patch<ConfigMap>(`${cms(ns)}/a`, { data: { k: 'w' } }, 'merge');
      const left = await client().patch<ConfigMap>(`${cms(ns)}/a`, { metadata: { labels: { app: 'db' } } }, 'merge');
      await client().patch(`${cms(ns)}/a`, { data: { k: 'x' } }, 'merge');
      const events = await watching;
      assert.deepEqual(summary(events), [
        `ADDED a ${joined.metadata.resourceVersion ?? ''}`,
        `MODIFIED a ${stayed.metadata.resourceVersion ?? ''}`,
        `DELETED a ${left.metadata.resourceVersion ?? ''}`,
      ]);
      // Replayed from a resourceVersion, the history is filtered the same way.
      const replayed = await collect(client(), cms(ns), { resourceVersion: start.metadata.resourceVersion ?? '', labelSelector: 'app=web' }, 3);
      assert.deepEqual(summary(replayed), summary(events));
    });

    it('watch without a resourceVersion (or with "0") starts with the current objects as ADDED, then what happens next', async () => {
      const ns = await namespace();
      const a = await client().create<ConfigMap>(cms(ns), configMap('a'));
      const gone = await client().create<ConfigMap>(cms(ns), configMap('gone'));
      await client().delete(`${cms(ns)}/${gone.metadata.name ?? ''}`);
      const a2 = await client().update<ConfigMap>(`${cms(ns)}/a`, { ...a, data: { k: 'w' } });
      const b = await client().create<ConfigMap>(cms(ns), configMap('b'));
      for (const query of [{}, { resourceVersion: '0' }]) {
        const watching = collect(client(), cms(ns), query, 3);
        await new Promise((r) => setTimeout(r, 100));
        const c = await client().create<ConfigMap>(cms(ns), configMap(`c${Object.keys(query).length}`));
        assert.deepEqual(summary(await watching), [`ADDED a ${a2.metadata.resourceVersion ?? ''}`, `ADDED b ${b.metadata.resourceVersion ?? ''}`, `ADDED ${c.metadata.name ?? ''} ${c.metadata.resourceVersion ?? ''}`], JSON.stringify(query));
        await client().delete(`${cms(ns)}/${c.metadata.name ?? ''}`);
      }
    });

    it('list gives the objects in key order (namespace, then name), whatever the order of creation', async () => {
      const ns1 = await namespace();
      const ns2 = await namespace();
      for (const [ns, n] of [[ns2, 'b'], [ns1, 'c'], [ns2, 'a'], [ns1, 'a']] as const) await client().create(cms(ns), configMap(n));
      assert.deepEqual((await client().list<ConfigMap>(cms(ns1))).items.map((o) => o.metadata.name), ['a', 'c']);
      const all = (await client().list<ConfigMap>('/api/v1/configmaps')).items.filter((o) => o.metadata.namespace === ns1 || o.metadata.namespace === ns2);
      assert.deepEqual(all.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`), [`${ns1}/a`, `${ns1}/c`, `${ns2}/a`, `${ns2}/b`]);
    });

    it('watch with a field selector on metadata.name sees only that object', async () => {
      const ns = await namespace();
      const start = await client().list<ConfigMap>(cms(ns));
      const watching = collect(client(), cms(ns), { resourceVersion: start.metadata.resourceVersion ?? '', fieldSelector: 'metadata.name=b' }, 1);
      await new Promise((r) => setTimeout(r, 100));
      await client().create(cms(ns), configMap('a'));
      const b = await client().create<ConfigMap>(cms(ns), configMap('b'));
      assert.deepEqual(summary(await watching), [`ADDED b ${b.metadata.resourceVersion ?? ''}`]);
    });

    it('the status subresource leaves spec as it was; a write of the main resource leaves status as it was', async () => {
      const ns = await namespace();
      const pods = `/api/v1/namespaces/${ns}/pods`;
      const pod = await client().create<KubeObject>(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } });
      const spec = pod['spec'] as Record<string, unknown>;
      const withStatus = await client().update<KubeObject>(`${pods}/p/status`, {
        ...pod,
        metadata: { ...pod.metadata, labels: { a: 'changed' } },
        spec: { ...spec, activeDeadlineSeconds: 30 },
        status: { phase: 'Running', podIP: '10.0.0.5' },
      });
      assert.ok(rv(withStatus) > rv(pod));
      assert.equal((withStatus['spec'] as { activeDeadlineSeconds?: number }).activeDeadlineSeconds, undefined, 'a status write keeps spec');
      // Pods' status strategy keeps spec, ownerReferences and the deletion fields of the stored object (upstream
      // podStatusStrategy.PrepareForUpdate), and takes the rest of metadata from the body.
      assert.deepEqual(withStatus.metadata.labels, { a: 'changed' });
      assert.equal((withStatus['status'] as { phase?: string }).phase, 'Running');
      const stale = await statusOf(client().update(`${pods}/p/status`, { ...pod, status: { phase: 'Failed' } }));
      assert.equal(stale.reason, 'Conflict');
      const main = await client().update<KubeObject>(`${pods}/p`, { ...withStatus, metadata: { ...withStatus.metadata, labels: { a: '2' } }, status: { phase: 'Succeeded' } });
      assert.deepEqual(main.metadata.labels, { a: '2' });
      assert.equal((main['status'] as { phase?: string }).phase, 'Running', 'a write of the main resource keeps status');
      const patched = await client().patch<KubeObject>(
        `${pods}/p/status`,
        { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no node' }] } },
        'strategic',
      );
      const status = patched['status'] as { phase?: string; podIP?: string; conditions?: { type: string; reason?: string }[] };
      assert.equal(status.phase, 'Running', 'a strategic status patch keeps the fields it does not name');
      assert.equal(status.podIP, '10.0.0.5');
      assert.deepEqual(status.conditions?.map((c) => `${c.type} ${c.reason ?? ''}`), ['PodScheduled Unschedulable']);
      assert.deepEqual(patched.metadata.labels, { a: '2' });
    });
  });
}

/**
 * An implementation of list and watch only (a fake serving collections by path), with the writes another client
 * would make: `put` creates or replaces an object, `remove` deletes it, both in the collection at `path`.
 */
export interface ListWatchUnderTest {
  client: Pick<ApiClient, 'list' | 'watch'>;
  put(path: string, obj: KubeObject): Promise<void>;
  remove(path: string, obj: KubeObject): Promise<void>;
  close(): Promise<void>;
}

/**
 * The list-and-watch part of the contract, what informers rely on, for implementations that serve only that:
 * writes through `put`/`remove` show in list (key order, a current resourceVersion) and reach a watch started from
 * the list's resourceVersion, including writes made between the list and the watch, as ADDED, MODIFIED and DELETED.
 * Objects live in namespace `contract` of the cluster-wide collection `/api/v1/configmaps`.
 */
export function listWatchContract(name: string, make: () => Promise<ListWatchUnderTest>): void {
  describe(`list/watch contract: ${name}`, () => {
    let impl: ListWatchUnderTest | undefined;
    const path = '/api/v1/configmaps';
    const u = (): ListWatchUnderTest => {
      assert.ok(impl, 'implementation started');
      return impl;
    };
    let seq = 0;
    const fresh = (data: Record<string, string> = { k: 'v' }): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `lw-${String(++seq).padStart(3, '0')}`, namespace: 'contract' }, data });
    const ours = async (prefix: string): Promise<ConfigMap[]> => (await u().client.list<ConfigMap>(path)).items.filter((o) => (o.metadata.name ?? '').startsWith(prefix));

    before(async () => {
      impl = await make();
    });
    after(async () => {
      await impl?.close();
    });

    it('list holds what was put, in key order, with a resourceVersion no older than its items', async () => {
      const [b, a] = [fresh(), fresh()];
      const prefix = 'lw-';
      await u().put(path, { ...a, metadata: { ...a.metadata, name: `${a.metadata.name ?? ''}-x` } });
      await u().put(path, b);
      const list = await u().client.list<ConfigMap>(path);
      const names = list.items.map((o) => o.metadata.name ?? '').filter((n) => n.startsWith(prefix));
      assert.deepEqual(names, [...names].sort(), 'key order');
      assert.ok(names.includes(b.metadata.name ?? '') && names.includes(`${a.metadata.name ?? ''}-x`));
      const newest = Math.max(...list.items.map((o) => rv(o)));
      assert.ok(rv(list as unknown as KubeObject) >= newest, 'list resourceVersion is at least its newest item');
    });

    it('a watch from the list resourceVersion sees put, put again and remove as ADDED, MODIFIED, DELETED with growing resourceVersions', async () => {
      const list = await u().client.list<ConfigMap>(path);
      const cm = fresh();
      const watching = collect(u().client as ApiClient, path, { resourceVersion: list.metadata.resourceVersion ?? '', fieldSelector: `metadata.name=${cm.metadata.name ?? ''}` }, 3);
      await new Promise((r) => setTimeout(r, 100));
      await u().put(path, cm);
      const [added] = await ours(cm.metadata.name ?? '');
      assert.ok(added);
      await u().put(path, { ...added, data: { k: 'w' } });
      await u().remove(path, added);
      const events = (await watching).filter((e) => e.object.metadata.name === cm.metadata.name);
      assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
      const rvs = events.map((e) => rv(e.object));
      assert.deepEqual(rvs, [...rvs].sort((x, y) => x - y));
      assert.equal(new Set(rvs).size, 3, 'each write has its own resourceVersion');
      assert.deepEqual(events[1]?.object.data, { k: 'w' });
    });

    it('a watch from the list resourceVersion also sees the writes made after the list, before the watch started', async () => {
      const list = await u().client.list<ConfigMap>(path);
      const cm = fresh();
      await u().put(path, cm);
      const events = await collect(u().client as ApiClient, path, { resourceVersion: list.metadata.resourceVersion ?? '' }, 1);
      assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`), [`ADDED ${cm.metadata.name ?? ''}`]);
      assert.deepEqual(events[0]?.object.data, { k: 'v' });
    });
  });
}
