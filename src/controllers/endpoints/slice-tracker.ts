/**
 * The EndpointSlice controller's own writes, until its informer shows them: while one is pending the cache
 * is stale for that Service (a sync would create a second slice next to one it does not see yet), and an
 * informer event that is only the echo of a write needs no sync.
 *
 * Mirrors k8s.io/endpointslice `util/endpointslice_tracker.go` (StaleSlices, ShouldSync, ExpectDeletion,
 * HandleDeletion), keyed by resourceVersion instead of generation.
 */
import { LABEL_SERVICE_NAME, type EndpointSlice } from '../../api/services.js';

interface Expected {
  /** The resourceVersion written, or undefined for a deletion. */
  resourceVersion: string | undefined;
  at: number;
}

/** How long a write may stay unseen before it no longer holds the Service back, ms. */
const EXPECTATION_TTL_MS = 10000;

/** The Service key (`namespace/name`) of a slice, from its service-name label; undefined without one. */
export function serviceKeyOfSlice(slice: EndpointSlice): string | undefined {
  const name = slice.metadata.labels?.[LABEL_SERVICE_NAME];
  return name ? `${slice.metadata.namespace ?? ''}/${name}` : undefined;
}

function atLeast(seen: string | undefined, wanted: string): boolean {
  if (seen === wanted) return true;
  const a = Number(seen);
  const b = Number(wanted);
  return Number.isInteger(a) && Number.isInteger(b) && a >= b;
}

/** Expected slice states by Service key, then slice name. */
export class SliceTracker {
  private readonly expected = new Map<string, Map<string, Expected>>();

  constructor(private readonly now: () => number = Date.now) {}

  private entries(key: string): Map<string, Expected> {
    let m = this.expected.get(key);
    if (!m) this.expected.set(key, (m = new Map()));
    return m;
  }

  /** Records a create or update as returned by the API. */
  wrote(key: string, slice: EndpointSlice): void {
    this.entries(key).set(slice.metadata.name ?? '', { resourceVersion: slice.metadata.resourceVersion ?? '', at: this.now() });
  }

  /** Records a deletion. */
  deleted(key: string, name: string): void {
    this.entries(key).set(name, { resourceVersion: undefined, at: this.now() });
  }

  /**
   * Takes an informer event of a managed slice: clears the expectation it meets and returns true when the
   * event is exactly this controller's own write (nothing new to sync).
   */
  observe(type: 'ADDED' | 'MODIFIED' | 'DELETED', slice: EndpointSlice): boolean {
    const key = serviceKeyOfSlice(slice);
    if (!key) return false;
    const m = this.expected.get(key);
    const name = slice.metadata.name ?? '';
    const e = m?.get(name);
    if (!m || !e) return false;
    if (type === 'DELETED') {
      m.delete(name);
      return e.resourceVersion === undefined;
    }
    if (e.resourceVersion === undefined || !atLeast(slice.metadata.resourceVersion, e.resourceVersion)) return false;
    m.delete(name);
    return slice.metadata.resourceVersion === e.resourceVersion;
  }

  /** True while a write for Service `key` has not shown up in the informer (and is younger than the TTL). */
  stale(key: string): boolean {
    const m = this.expected.get(key);
    if (!m) return false;
    const now = this.now();
    for (const [name, e] of m) if (now - e.at > EXPECTATION_TTL_MS) m.delete(name);
    if (m.size === 0) this.expected.delete(key);
    return m.size > 0;
  }

  /** Forgets a deleted Service. */
  forget(key: string): void {
    this.expected.delete(key);
  }
}
