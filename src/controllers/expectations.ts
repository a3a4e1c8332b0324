// Expectations of creates and deletes a controller made but has not yet seen through its informers (client-go's role in pkg/controller).

import type { Clock } from '../api/clock.js';

/** How long an unmet expectation blocks a controller before it syncs anyway (upstream ExpectationsTimeout, 5 min). */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  at: number;
  /** Keys (`ns/name`) of pods whose deletion is expected. */
  deleting: Set<string>;
}

/**
 * UIDTrackingControllerExpectations (`pkg/controller/controller_utils.go`): per controller key, the number of
 * creations still to be observed and the set of objects whose deletion is still to be observed (each observed
 * once, by its deletionTimestamp or its DELETED event). A controller syncs its replicas only when its
 * expectations are satisfied: none recorded, all observed, or recorded more than 5 minutes ago.
 */
export class Expectations {
  private readonly byKey = new Map<string, Expectation>();
  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /** SatisfiedExpectations. */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    return (e.add <= 0 && e.del <= 0) || this.clock.now() - e.at > EXPECTATIONS_TIMEOUT_MS;
  }

  /** ExpectCreations: `n` creations (replacing earlier expectations). */
  expectCreations(key: string, n: number): void {
    this.byKey.set(key, { add: n, del: 0, at: this.clock.now(), deleting: new Set() });
  }

  /** ExpectDeletions: the deletion of each of `objectKeys`. */
  expectDeletions(key: string, objectKeys: string[]): void {
    const deleting = new Set(objectKeys);
    this.byKey.set(key, { add: 0, del: deleting.size, at: this.clock.now(), deleting });
  }

  /** CreationObserved (also used to take back a creation that failed). */
  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.add--;
  }

  /** DeletionObserved: counts `objectKey` once if its deletion was expected. */
  deletionObserved(key: string, objectKey: string): void {
    const e = this.byKey.get(key);
    if (e?.deleting.delete(objectKey)) e.del--;
  }

  /** DeleteExpectations (the controller object is gone). */
  forget(key: string): void {
    this.byKey.delete(key);
  }
}
