/**
 * Store: the storage interface the API server's generic registry writes through.
 *
 * Shaped like kine (k3s-io/kine `pkg/server/types.go`): an append-only revision log where the
 * revision of each write is the object's resourceVersion, a global monotonically increasing
 * integer. Keys are `/registry/<resource>/<namespace>/<name>` (namespaced) or
 * `/registry/<resource>/<name>` (cluster-scoped), as kube-apiserver lays them out in etcd.
 * Values are the JSON objects; the store sets `metadata.resourceVersion` on what it returns.
 * The API server is the only writer.
 */
import type { KubeObject } from '../api/types.js';

/** One stored object with the revision that wrote it. */
export interface StoredObject {
  key: string;
  /** The object, with `metadata.resourceVersion` = String(modRevision). */
  object: KubeObject;
  /** Revision of the last write of this key. */
  modRevision: number;
}

/** Result of a range read. */
export interface ListResult {
  items: StoredObject[];
  /** Store revision at which the list was read (the list's resourceVersion). */
  revision: number;
  /** Key to continue after, when `limit` cut the list; absent when complete. */
  continueKey?: string;
  /** Items left after this page, when `limit` cut the list. */
  remaining?: number;
}

/** A change to one key, as delivered to watchers. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  key: string;
  /** For DELETED: the last state of the object, with resourceVersion = the delete's revision. */
  object: KubeObject;
  /** For MODIFIED/DELETED: the previous state. */
  prevObject?: KubeObject;
  revision: number;
}

/** Thrown (as a plain Error with this `code`) by a compare-and-swap that lost. */
export class StoreConflictError extends Error {
  readonly code = 'StoreConflict';
  constructor(readonly key: string, readonly currentRevision: number) {
    super(`store: key ${key} was modified (current revision ${currentRevision})`);
  }
}

/** Thrown when creating a key that exists. */
export class StoreKeyExistsError extends Error {
  readonly code = 'StoreKeyExists';
  constructor(readonly key: string) {
    super(`store: key ${key} already exists`);
  }
}

/** Thrown when updating or deleting a key that does not exist. */
export class StoreKeyNotFoundError extends Error {
  readonly code = 'StoreKeyNotFound';
  constructor(readonly key: string) {
    super(`store: key ${key} not found`);
  }
}

/**
 * Thrown by `watch` and by `list` at a past revision when the revision was compacted away (the API turns it
 * into 410 Expired). `compacted` is the oldest revision still served.
 */
export class StoreCompactedError extends Error {
  readonly code = 'StoreCompacted';
  constructor(readonly requested: number, readonly compacted: number) {
    super(`too old resource version: ${requested} (${compacted})`);
  }
}

/** Options of `Store.list`. */
export interface ListOptions {
  /** Max items to return; 0 or absent = all. */
  limit?: number;
  /** Return keys strictly after this one (from a previous page's `continueKey`). */
  startAfter?: string;
  /**
   * Read the keys as they were at this past revision (etcd's range `revision`); absent = latest. Throws
   * StoreCompactedError when older than the compacted revision, StoreFutureRevisionError when newer than
   * the current one.
   */
  revision?: number;
}

/** Thrown by `list` at a revision the store has not reached yet (kube-apiserver: 504 Too large resource version). */
export class StoreFutureRevisionError extends Error {
  readonly code = 'StoreFutureRevision';
  constructor(readonly requested: number, readonly current: number) {
    super(`Too large resource version: ${requested}, current: ${current}`);
  }
}

/** The storage contract: shared by the SQLite store and the etcd one (store.contract.ts checks both). */
export interface Store {
  /** Current (latest) revision of the whole store. */
  currentRevision(): number;
  /** Reads one key; undefined when absent. */
  get(key: string): Promise<StoredObject | undefined>;
  /** Reads all keys with the prefix, in key order. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Creates a key; throws StoreKeyExistsError. Returns the stored object with its new resourceVersion. */
  create(key: string, object: KubeObject): Promise<StoredObject>;
  /**
   * Replaces a key if its current modRevision equals `expectedRevision` (omit to skip the check).
   * Throws StoreKeyNotFoundError or StoreConflictError.
   */
  update(key: string, object: KubeObject, expectedRevision?: number): Promise<StoredObject>;
  /** Deletes a key (same precondition as update). Returns the deleted object at the delete's revision. */
  delete(key: string, expectedRevision?: number): Promise<StoredObject>;
  /**
   * Streams every change to keys with `prefix` after `fromRevision` (exclusive), replaying history
   * from the log first, then live events, until `signal` aborts. Throws StoreCompactedError (synchronously
   * on the first iteration) when `fromRevision` is older than the oldest kept revision.
   */
  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent>;
  /**
   * Oldest revision still served: watches from an older revision and lists at an older revision throw
   * StoreCompactedError. 0 before the first compaction.
   */
  compactedRevision(): number;
  /**
   * Drops history older than `currentRevision() - keepRevisions` (kine's compactor; etcd's Compact) and
   * returns the new compacted revision; the current state of every key survives. Each store also runs
   * this on its own timer.
   */
  compact(keepRevisions?: number): Promise<number>;
  /** Closes the database (or the client connection). */
  close(): void;
}
