/**
 * WATCH: streams `{"type":...,"object":...}` lines over chunked HTTP/1.1 from the Store, with selector filtering,
 * initial state for resourceVersion ""/"0", bookmarks, timeouts, Table output and 410 ERROR events.
 *
 * Mirrors k8s.io/apiserver `pkg/endpoints/handlers/watch.go` (serveWatch) and the watch cache's semantics
 * (`pkg/storage/cacher`): an object that stops matching the selector is sent as DELETED, one that starts
 * matching as ADDED; an expired resourceVersion is an ERROR event carrying a 410 Expired Status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, gone } from '../api/errors.js';
import type { KubeObject, Status, WatchEventType } from '../api/types.js';
import type { Strategy } from '../registry/strategy.js';
import type { Store, StoreEvent } from '../storage/store.js';
import { apiVersionOf } from './decode.js';
import { listObjects, type ListQuery } from './list.js';
import { storagePrefix } from './object-meta.js';
import { prefersProtobuf } from './protobuf/negotiate.js';
import { encodeWatchFrame, PROTOBUF_WATCH_CONTENT_TYPE } from './protobuf/watch-frames.js';
import { matchesSelectors } from './selectors.js';
import { toTable, type IncludeObject, type TableVersion } from './table.js';

/**
 * One item of a resource's watch stream ({@link watchStore}, reached through `GenericStore.watch`): an event
 * as this watcher sees it (typed object; `revision` undefined for the initial state), the end of the initial
 * state (`SYNCED`, at the list's revision), or a 410 Expired Status when the revision was compacted.
 */
export type WatchItem =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject; revision: number | undefined }
  | { type: 'SYNCED'; revision: number }
  | { type: 'ERROR'; status: Status };

/** What a watch of one resource reads: where, which objects, from which revision. */
export interface WatchSource {
  store: Store;
  strategy: Strategy;
  /** '' = all namespaces. */
  namespace: string;
  query: ListQuery;
  /** The `resourceVersion` query parameter ('' or '0' = send the current state first). */
  resourceVersion: string;
  /** `sendInitialEvents=true`: the current state first even with a resourceVersion. */
  sendInitialEvents: boolean;
  signal: AbortSignal;
}

/**
 * The watch stream of one resource over the Store: the current state first when asked (resourceVersion
 * ""/"0" or sendInitialEvents), then every later change the selectors see. Throws 400 BadRequest at once
 * (not lazily) for a malformed resourceVersion, so the caller can still answer with a Status.
 */
export function watchStore(w: WatchSource): AsyncIterable<WatchItem> {
  const rvText = w.resourceVersion;
  let fromRevision: number | undefined;
  if (rvText !== '' && rvText !== '0') {
    fromRevision = Number(rvText);
    if (!Number.isInteger(fromRevision) || fromRevision < 0) throw badRequest(`resourceVersion: Invalid value: "${rvText}": must be a non-negative integer`);
  }
  const info = w.strategy.info;
  const apiVersion = apiVersionOf({ group: info.group, version: info.version, kind: info.kind });
  return (async function* (): AsyncGenerator<WatchItem> {
    if (fromRevision === undefined || w.sendInitialEvents) {
      // The initial state is the latest, whatever resourceVersion the watch asked for (NotOlderThan).
      const { resourceVersion: _rv, resourceVersionMatch: _match, ...selectors } = w.query;
      const list = await listObjects(w.store, w.strategy, w.namespace, { ...selectors, limit: 0, continueToken: undefined });
      for (const item of list.items) yield { type: 'ADDED', object: item, revision: undefined };
      fromRevision = Number(list.metadata.resourceVersion ?? '0');
      yield { type: 'SYNCED', revision: fromRevision };
    }
    const prefix = storagePrefix(info.resource, info.namespaced ? w.namespace : '');
    try {
      for await (const e of w.store.watch(prefix, fromRevision, w.signal)) {
        const ev = filterEvent(w.strategy, w.query, e);
        if (ev) yield { type: ev.type, object: { ...ev.object, apiVersion, kind: info.kind }, revision: e.revision };
        if (w.signal.aborted) break;
      }
    } catch (err) {
      if ((err as { code?: string }).code !== 'StoreCompacted') throw err;
      yield { type: 'ERROR', status: gone((err as Error).message).status };
    }
  })();
}

/** Parameters of one watch request. */
export interface WatchRequest {
  /** Opens the resource's watch stream (GenericStore.watch); called before the response starts. */
  open(signal: AbortSignal): AsyncIterable<WatchItem>;
  strategy: Strategy;
  /** The `resourceVersion` query parameter (the bookmark revision before the first event). */
  resourceVersion: string;
  allowBookmarks: boolean;
  /** `sendInitialEvents=true`: initial ADDED events followed by an initial-events-end BOOKMARK. */
  sendInitialEvents: boolean;
  /** Seconds; 0 = server default (30 minutes). */
  timeoutSeconds: number;
  table: { version: TableVersion; include: IncludeObject } | undefined;
  clock: () => Date;
  /** Milliseconds between bookmarks (default 60000). */
  bookmarkIntervalMs?: number;
}

const DEFAULT_TIMEOUT_SECONDS = 1800;

/** Maps a store event to the event this watcher sees under its selectors (undefined = not visible). */
export function filterEvent(strategy: Strategy, query: ListQuery, e: StoreEvent): { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject } | undefined {
  const now = matchesSelectors(strategy, query, e.object);
  const before = e.prevObject ? matchesSelectors(strategy, query, e.prevObject) : false;
  switch (e.type) {
    case 'ADDED':
      return now ? { type: 'ADDED', object: e.object } : undefined;
    case 'MODIFIED':
      if (now && before) return { type: 'MODIFIED', object: e.object };
      if (now) return { type: 'ADDED', object: e.object };
      if (before) return { type: 'DELETED', object: e.object };
      return undefined;
    case 'DELETED':
      return before || now ? { type: 'DELETED', object: e.object } : undefined;
  }
}

/** Serves a watch until the client goes away, the timeout passes, or the store closes. */
export async function serveWatch(req: IncomingMessage, res: ServerResponse, w: WatchRequest): Promise<void> {
  const info = w.strategy.info;
  const apiVersion = apiVersionOf({ group: info.group, version: info.version, kind: info.kind });
  const rvNumber = Number(w.resourceVersion);
  const ac = new AbortController();
  const events = w.open(ac.signal);
  const timeout = (w.timeoutSeconds > 0 ? w.timeoutSeconds : DEFAULT_TIMEOUT_SECONDS) * 1000;
  const timer = setTimeout(() => ac.abort(), timeout);
  const onClose = (): void => ac.abort();
  req.on('close', onClose);
  res.on('close', onClose);

  // Table watches stay JSON; otherwise client-go's `application/vnd.kubernetes.protobuf, */*` gets protobuf frames.
  const protobuf = !w.table && prefersProtobuf(req.headers.accept);
  const contentType = protobuf ? PROTOBUF_WATCH_CONTENT_TYPE : 'application/json';
  res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let first = true;
  let lastRevision = Number.isInteger(rvNumber) ? rvNumber : 0;
  const send = async (type: WatchEventType, object: unknown): Promise<void> => {
    if (ac.signal.aborted) return;
    let payload = object;
    if (w.table && type !== 'ERROR' && type !== 'BOOKMARK') {
      payload = toTable(w.strategy, [{ ...(object as KubeObject), apiVersion, kind: info.kind }], {
        include: w.table.include,
        version: w.table.version,
        now: w.clock(),
        listMeta: { resourceVersion: (object as KubeObject).metadata.resourceVersion ?? '' },
        omitColumns: !first,
      });
      first = false;
    }
    const frame = protobuf ? encodeWatchFrame(type, payload as Record<string, unknown>) : JSON.stringify({ type, object: payload }) + '\n';
    if (!res.write(frame)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          ac.signal.removeEventListener('abort', done);
          resolve();
        };
        res.on('drain', done);
        ac.signal.addEventListener('abort', done, { once: true });
      });
    }
  };
  const bookmark = (extra: Record<string, string> = {}): Promise<void> =>
    send('BOOKMARK', {
      kind: info.kind,
      apiVersion,
      metadata: { resourceVersion: String(lastRevision), ...(Object.keys(extra).length ? { annotations: extra } : {}) },
    });
  const bookmarkTimer = w.allowBookmarks && !w.table ? setInterval(() => void bookmark(), w.bookmarkIntervalMs ?? 60000) : undefined;

  try {
    for await (const e of events) {
      if (e.type === 'ERROR') await send('ERROR', e.status);
      else if (e.type === 'SYNCED') {
        lastRevision = e.revision;
        if (w.sendInitialEvents && w.allowBookmarks) await bookmark({ 'k8s.io/initial-events-end': 'true' });
      } else {
        if (e.revision !== undefined) lastRevision = e.revision;
        await send(e.type, e.object);
      }
      if (ac.signal.aborted) break;
    }
  } finally {
    clearTimeout(timer);
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    req.off('close', onClose);
    res.off('close', onClose);
    ac.abort();
    if (!res.writableEnded) res.end();
  }
}
