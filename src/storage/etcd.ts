/**
 * EtcdStore: the Store on an etcd v3 cluster (`--datastore-endpoint http://…`), through the etcd3 client.
 *
 * Mirrors k8s.io/apiserver `pkg/storage/etcd3/store.go`: one etcd key per object (`/registry/<resource>/…`,
 * the value the object's JSON without resourceVersion), the key's mod_revision is its resourceVersion,
 * creates and compare-and-swap updates/deletes are etcd transactions on `create_revision`/`mod_revision`,
 * watches are etcd watches from `fromRevision + 1` with previous values, lists at a past revision are
 * ranges at that revision. Compaction is kube-apiserver's compactor (`pkg/storage/etcd3/compact.go`):
 * every interval (default 5 minutes) the store compacts etcd to the revision it saw one interval earlier,
 * recording the compacted revision in the key `compact_rev_key`; older watches and lists fail with
 * StoreCompactedError like the SQLite store's.
 */
import { Etcd3, type IKeyValue, type IOptions, type IRangeResponse, type IRequestOp, type IResponseOp } from 'etcd3';
import type { KubeObject } from '../api/types.js';
import { Broadcaster } from './broadcaster.js';
import {
  StoreCompactedError,
  StoreConflictError,
  StoreFutureRevisionError,
  StoreKeyExistsError,
  StoreKeyNotFoundError,
  type ListOptions,
  type ListResult,
  type Store,
  type StoreEvent,
  type StoredObject,
} from './store.js';

/** TLS material for an `https://` endpoint (k3s --datastore-cafile/--datastore-certfile/--datastore-keyfile), PEM. */
export interface EtcdTls {
  caPem?: Buffer;
  certPem?: Buffer;
  keyPem?: Buffer;
}

/** Options of `EtcdStore.connect`. */
export interface EtcdStoreOptions {
  /** Prepended to every key, `compact_rev_key` included (tests isolate stores on one etcd with it); default ''. */
  keyPrefix?: string;
  /** Milliseconds between compactions (kube-apiserver --etcd-compaction-interval, default 300000); 0 disables. */
  compactIntervalMs?: number;
  /** Revisions `compact()` keeps when called without an argument (default 1000). */
  keepRevisions?: number;
  /** Client TLS for https:// members; without it they are verified against the system roots. */
  tls?: EtcdTls;
  /** Milliseconds a call may take before it fails (default 10000). */
  timeoutMs?: number;
}

// etcd's enum values (rpc.proto Compare.CompareResult / CompareTarget).
const EQUAL = 0;
const GREATER = 1;
const TARGET_CREATE = 1;
const TARGET_MOD = 2;

/** etcd's GetPrefixRangeEnd: the prefix with its last byte incremented (carrying over 0xff). */
function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] ?? 0) < 0xff) {
      end[i] = (end[i] ?? 0) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

function encode(obj: KubeObject): Buffer {
  const meta = { ...obj.metadata };
  delete meta.resourceVersion;
  return Buffer.from(JSON.stringify({ ...obj, metadata: meta }));
}

function decode(value: Buffer, revision: number): KubeObject {
  const obj = JSON.parse(value.toString('utf8')) as KubeObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(revision) };
  return obj;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Parses `--datastore-endpoint` values that select etcd: `http://H:P`, `https://H:P` or `etcd://H:P`
 * (= http), comma-separated for several members. Returns the client URLs; throws on another scheme.
 */
export function etcdHosts(endpoint: string): string[] {
  return endpoint.split(',').map((part) => {
    const url = new URL(part.trim());
    if (url.protocol === 'etcd:') return `http://${url.host}`;
    if (url.protocol === 'http:' || url.protocol === 'https:') return `${url.protocol}//${url.host}`;
    throw new Error(`datastore endpoint ${JSON.stringify(part)}: scheme ${url.protocol} is not etcd's (http, https, etcd)`);
  });
}

/** The etcd implementation of `Store`; create with `EtcdStore.connect`. */
export class EtcdStore implements Store {
  private revision = 0;
  private compacted = 0;
  private lastTickRevision: number | undefined;
  private closed = false;
  /** Stops of the open watches, ended by close(). */
  private readonly watches = new Set<() => Promise<void>>();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly prefix: string;
  private readonly keep: number;
  private readonly timeoutMs: number;

  private constructor(private readonly client: Etcd3, options: EtcdStoreOptions) {
    this.prefix = options.keyPrefix ?? '';
    this.keep = options.keepRevisions ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const interval = options.compactIntervalMs ?? 300_000;
    if (interval > 0) {
      this.timer = setInterval(() => void this.compactTick().catch(() => undefined), interval);
      this.timer.unref();
    }
  }

  /**
   * Connects to etcd at `hosts` (client URLs) and reads the current and compacted revisions. Throws when
   * etcd does not answer within the timeout.
   */
  static async connect(hosts: string[], options: EtcdStoreOptions = {}): Promise<EtcdStore> {
    const clientOptions: IOptions = { hosts, dialTimeout: options.timeoutMs ?? 10_000 };
    const tls = options.tls;
    if (tls && (tls.caPem || tls.certPem || tls.keyPem)) {
      // No CA file = the system roots (grpc createSsl without a root certificate), as for https:// without files.
      clientOptions.credentials = {
        rootCertificate: tls.caPem as Buffer,
        ...(tls.keyPem ? { privateKey: tls.keyPem } : {}),
        ...(tls.certPem ? { certChain: tls.certPem } : {}),
      };
    }
    const store = new EtcdStore(new Etcd3(clientOptions), options);
    try {
      await store.readCompacted();
    } catch (err) {
      store.close();
      throw new Error(`cannot reach etcd at ${hosts.join(',')}: ${messageOf(err)}`, { cause: err });
    }
    return store;
  }

  currentRevision(): number {
    return this.revision;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const r = await this.range({ key: this.bytes(key) });
    const kv = r.kvs[0];
    return kv ? this.stored(kv) : undefined;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const from = options.startAfter !== undefined && options.startAfter >= prefix ? this.bytes(options.startAfter + '\0') : this.bytes(prefix);
    const at = options.revision;
    if (at !== undefined && at < this.compacted) throw new StoreCompactedError(at, this.compacted);
    let r: IRangeResponse;
    try {
      r = await this.range({
        key: from,
        range_end: prefixEnd(this.bytes(prefix)),
        ...(options.limit ? { limit: options.limit } : {}),
        ...(at !== undefined ? { revision: at } : {}),
      });
    } catch (err) {
      const msg = messageOf(err);
      if (at !== undefined && /compacted/.test(msg)) throw new StoreCompactedError(at, Math.max(this.compacted, at + 1));
      if (at !== undefined && /future revision/.test(msg)) throw new StoreFutureRevisionError(at, this.revision);
      throw err;
    }
    const items = r.kvs.map((kv) => this.stored(kv));
    const result: ListResult = { items, revision: at ?? Number(r.header.revision) };
    const count = Number(r.count);
    if (options.limit && count > items.length) {
      const last = items[items.length - 1];
      if (last) result.continueKey = last.key;
      result.remaining = count - items.length;
    }
    return result;
  }

  async create(key: string, object: KubeObject): Promise<StoredObject> {
    const k = this.bytes(key);
    const r = await this.txn([{ key: k, target: TARGET_CREATE, result: EQUAL, create_revision: 0 }], [{ request_put: { key: k, value: encode(object) } }], []);
    if (!r.succeeded) throw new StoreKeyExistsError(key);
    return this.result(key, object, r.revision);
  }

  async update(key: string, object: KubeObject, expectedRevision?: number): Promise<StoredObject> {
    const k = this.bytes(key);
    const r = await this.txn(this.precondition(k, expectedRevision), [{ request_put: { key: k, value: encode(object) } }], [{ request_range: { key: k } }]);
    if (!r.succeeded) this.failed(key, r.responses);
    return this.result(key, object, r.revision);
  }

  async delete(key: string, expectedRevision?: number): Promise<StoredObject> {
    const k = this.bytes(key);
    const r = await this.txn(this.precondition(k, expectedRevision), [{ request_delete_range: { key: k, prev_kv: true } }], [{ request_range: { key: k } }]);
    if (!r.succeeded) this.failed(key, r.responses);
    const prev = r.responses[0]?.response_delete_range.prev_kvs[0];
    if (!prev) throw new StoreKeyNotFoundError(key);
    return { key, object: decode(prev.value, r.revision), modRevision: r.revision };
  }

  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    return { [Symbol.asyncIterator]: () => this.openWatch(prefix, fromRevision, signal) };
  }

  /**
   * Compacts etcd to `currentRevision() - keepRevisions`: records the revision in `compact_rev_key`, then
   * calls etcd's Compact (physical). Resolves with the compacted revision (unchanged when already newer).
   */
  async compact(keep = this.keep): Promise<number> {
    return this.compactTo(this.revision - keep);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    // The client reconnects watchers it still holds forever, so they are cancelled before it closes.
    const cancels = [...this.watches].map((stop) => stop());
    const closeClient = (): void => this.client.close();
    const fallback = setTimeout(closeClient, 2000);
    void Promise.allSettled(cancels).then(() => {
      clearTimeout(fallback);
      closeClient();
    });
  }

  /** kube-apiserver's compactor step: compact to the revision seen at the previous tick, then note the current one. */
  private async compactTick(): Promise<void> {
    const seen = this.lastTickRevision;
    this.lastTickRevision = this.revision;
    if (seen !== undefined) await this.compactTo(seen);
  }

  private async compactTo(target: number): Promise<number> {
    if (this.closed || target <= this.compacted) return this.compacted;
    const put = await this.client.kv.put({ key: this.bytes('compact_rev_key'), value: Buffer.from(String(target)) }, this.callOptions());
    this.seen(put.header.revision);
    try {
      await this.client.kv.compact({ revision: target, physical: true }, this.callOptions());
    } catch (err) {
      // Compacted further already (by etcd's own --auto-compaction or another apiserver): nothing to do.
      if (!/compacted/.test(messageOf(err))) throw err;
    }
    this.compacted = Math.max(this.compacted, target);
    return this.compacted;
  }

  /** Reads `compact_rev_key` (the last compaction's revision) into `compacted`; returns it. */
  private async readCompacted(): Promise<number> {
    const r = await this.range({ key: this.bytes('compact_rev_key') });
    const kv = r.kvs[0];
    if (kv) this.compacted = Math.max(this.compacted, Number(kv.value.toString('utf8')));
    return this.compacted;
  }

  private bytes(key: string): Buffer {
    return Buffer.from(this.prefix + key);
  }

  private callOptions(): { deadline: Date } {
    return { deadline: new Date(Date.now() + this.timeoutMs) };
  }

  private seen(revision: string | number): void {
    const n = Number(revision);
    if (n > this.revision) this.revision = n;
  }

  private async range(req: { key: Buffer; range_end?: Buffer; limit?: number; revision?: number }): Promise<IRangeResponse> {
    if (this.closed) throw new Error('store: closed');
    const r = await this.client.kv.range(req, this.callOptions());
    this.seen(r.header.revision);
    return r;
  }

  private async txn(
    compare: { key: Buffer; target: number; result: number; create_revision?: number; mod_revision?: number }[],
    success: IRequestOp[],
    failure: IRequestOp[],
  ): Promise<{ succeeded: boolean; revision: number; responses: IResponseOp[] }> {
    if (this.closed) throw new Error('store: closed');
    const r = await this.client.kv.txn({ compare, success, failure }, this.callOptions());
    this.seen(r.header.revision);
    return { succeeded: r.succeeded, revision: Number(r.header.revision), responses: r.responses };
  }

  /** `mod_revision == expected` when given, else "the key exists" (`create_revision > 0`). */
  private precondition(k: Buffer, expectedRevision: number | undefined): { key: Buffer; target: number; result: number; create_revision?: number; mod_revision?: number }[] {
    return expectedRevision !== undefined
      ? [{ key: k, target: TARGET_MOD, result: EQUAL, mod_revision: expectedRevision }]
      : [{ key: k, target: TARGET_CREATE, result: GREATER, create_revision: 0 }];
  }

  /** Throws the error a failed precondition means, from the failure branch's read of the key. */
  private failed(key: string, responses: IResponseOp[]): never {
    const kv = responses[0]?.response_range.kvs[0];
    if (!kv) throw new StoreKeyNotFoundError(key);
    throw new StoreConflictError(key, Number(kv.mod_revision));
  }

  private stored(kv: IKeyValue): StoredObject {
    const rev = Number(kv.mod_revision);
    return { key: kv.key.toString('utf8').slice(this.prefix.length), object: decode(kv.value, rev), modRevision: rev };
  }

  private result(key: string, object: KubeObject, revision: number): StoredObject {
    return { key, object: decode(encode(object), revision), modRevision: revision };
  }

  private toEvent(type: 'Put' | 'Delete', kv: IKeyValue, prev: IKeyValue | undefined): StoreEvent {
    const key = kv.key.toString('utf8').slice(this.prefix.length);
    const revision = Number(kv.mod_revision);
    const prevObject = prev ? decode(prev.value, Number(prev.mod_revision)) : undefined;
    if (type === 'Delete') {
      const object = prev ? decode(prev.value, revision) : { metadata: { resourceVersion: String(revision) } } as KubeObject;
      return { type: 'DELETED', key, object, ...(prevObject ? { prevObject } : {}), revision };
    }
    const object = decode(kv.value, revision);
    if (kv.version === '1' || !prevObject) return { type: 'ADDED', key, object, revision };
    return { type: 'MODIFIED', key, object, prevObject, revision };
  }

  private openWatch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterator<StoreEvent> {
    const queue = new Broadcaster<StoreEvent>();
    const sub = queue.subscribe(() => true, signal);
    let failure: Error | undefined;
    let started = false;
    let last = fromRevision;
    let watcher: ReturnType<ReturnType<Etcd3['watch']>['watcher']> | undefined;
    const stop = (): Promise<void> => {
      this.watches.delete(stop);
      sub.close();
      return watcher ? watcher.cancel().catch(() => undefined) : Promise.resolve();
    };
    const onAbort = (): void => void stop();
    const start = (): void => {
      started = true;
      if (fromRevision < this.compacted) throw new StoreCompactedError(fromRevision, this.compacted);
      if (signal.aborted || this.closed) {
        sub.close();
        return;
      }
      const w = this.client.watch().prefix(this.bytes(prefix)).withPreviousKV().startRevision(String(fromRevision + 1)).watcher();
      watcher = w;
      this.watches.add(stop);
      w.on('data', (res) => {
        this.seen(res.header.revision);
        for (const ev of res.events) {
          const e = this.toEvent(ev.type === 'Delete' ? 'Delete' : 'Put', ev.kv, ev.prev_kv ?? undefined);
          last = e.revision;
          queue.publish(e);
        }
      });
      w.on('error', (err: Error) => {
        // The client has dropped a watcher it reports an error for: cancelling it again would make etcd answer
        // for a watch id the client no longer knows, which the client throws on ("Failed to find watcher").
        watcher = undefined;
        // etcd cancels a watch whose start revision is compacted; the client drops compact_revision and the
        // (empty) reason, so the compacted revision is read back from compact_rev_key.
        if (!/^Watcher canceled: (.*compacted.*)?$/.test(err.message)) {
          failure = err;
          void stop();
          return;
        }
        void this.readCompacted()
          .catch(() => this.compacted)
          .then((c) => {
            failure = new StoreCompactedError(last, Math.max(c, last + 1));
            void stop();
          });
      });
      w.on('end', () => sub.close());
      signal.addEventListener('abort', onAbort, { once: true });
    };
    return {
      next: async (): Promise<IteratorResult<StoreEvent>> => {
        if (!started) start();
        const r = await sub.next();
        if (r.done && failure) throw failure;
        return r;
      },
      return: async (): Promise<IteratorResult<StoreEvent>> => {
        signal.removeEventListener('abort', onAbort);
        await stop();
        return { done: true, value: undefined };
      },
    };
  }
}
