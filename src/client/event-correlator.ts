// client-go's EventCorrelator (tools/record/events_cache.go): spam filter, aggregation of similar events, and counting of identical ones.

import type { PassiveClock } from '../api/clock.js';
import { rfc3339 as formatTime } from '../api/meta.js';
import type { Event } from '../api/types.js';


function rfc3339(ms: number): string {
  return formatTime(new Date(ms));
}

/** Upstream defaults (`events_cache.go`). */
export const MAX_LRU_CACHE_ENTRIES = 4096;
/** More than this many similar events (differing only by message) inside the interval are combined. */
export const AGGREGATE_MAX_EVENTS = 10;
/** Aggregation interval, ms (600 s). */
export const AGGREGATE_INTERVAL_MS = 600_000;
/** A source may burst this many events about one object... */
export const SPAM_BURST = 25;
/** ...then one more every 5 minutes (tokens per ms). */
export const SPAM_QPS_PER_MS = 1 / 300_000;

/** Prefix of an aggregate event's message (`EventAggregatorByReasonMessageFunc`). */
export const COMBINED_PREFIX = '(combined from similar events): ';

/** A small LRU map (groupcache `lru.Cache`): `get` refreshes an entry, `set` evicts the oldest past `max`. */
class Lru<V> {
  private readonly m = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value as string);
  }
}

function objectKey(e: Event): string[] {
  const o = e.involvedObject;
  return [e.source?.component ?? '', e.source?.host ?? '', o.kind ?? '', o.namespace ?? '', o.name ?? ''];
}

/** `getEventKey`: source, involved object (with fieldPath), type, reason and message. */
export function eventKey(e: Event): string {
  const o = e.involvedObject;
  return [...objectKey(e), o.fieldPath ?? '', o.uid ?? '', o.apiVersion ?? '', e.type ?? '', e.reason ?? '', e.message ?? ''].join('\u0000');
}

/** `getSpamKey`: source and involved object (without fieldPath). */
export function spamKey(e: Event): string {
  const o = e.involvedObject;
  return [...objectKey(e), o.uid ?? '', o.apiVersion ?? ''].join('\u0000');
}

/** `EventAggregatorByReasonFunc`: [aggregate key, local key (the message)]. */
function aggregatorKeys(e: Event): [string, string] {
  const o = e.involvedObject;
  const agg = [...objectKey(e), o.uid ?? '', o.apiVersion ?? '', e.type ?? '', e.reason ?? '', e.reportingComponent ?? '', e.reportingInstance ?? ''].join('\u0000');
  return [agg, e.message ?? ''];
}

/**
 * A token bucket (client-go flowcontrol `NewTokenBucketRateLimiterWithClock`): starts full with `burst` tokens,
 * refills `perMs` tokens per ms up to `burst`; `tryAccept` takes one token if there is one.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly perMs: number,
    private readonly burst: number,
    private readonly clock: PassiveClock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }
  /** True (and one token spent) when a token is available now. */
  tryAccept(): boolean {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

/** The outcome of {@link EventCorrelator.correlate}. */
export type CorrelateResult =
  | { skip: true }
  /** `patch` set: the event exists on the server as `event.metadata.name`; send `patch` (strategic merge). */
  | { skip: false; event: Event; patch?: { count: number; lastTimestamp: string; message: string } };

interface AggregateRecord {
  localKeys: Set<string>;
  last: number;
}

interface EventLog {
  count: number;
  firstTimestamp: string;
  name: string;
  resourceVersion: string;
}

/**
 * Correlates events before they reach the API server (client-go `EventCorrelator.EventCorrelate`):
 * 1. EventAggregator: once 10 distinct messages with the same source, object, type and reason were seen within
 *    10 minutes of each other, the event is replaced by one aggregate event whose message is
 *    `(combined from similar events): <msg>` (keyed by the aggregate key, so later ones count onto it);
 * 2. EventLogger: an event seen before under the same key becomes a patch of the first one (count + 1,
 *    lastTimestamp now, firstTimestamp and name kept);
 * 3. EventSourceObjectSpamFilter: each source+object has a token bucket (burst 25, refill 1 per 5 minutes);
 *    an event with no token is skipped.
 * The caller writes the result and reports the server's copy back with {@link updateState}.
 */
export class EventCorrelator {
  private readonly aggregates: Lru<AggregateRecord>;
  private readonly logs: Lru<EventLog>;
  private readonly spam: Lru<TokenBucket>;

  constructor(
    private readonly clock: PassiveClock,
    private readonly options: { maxEvents?: number; intervalMs?: number; burst?: number; qpsPerMs?: number; cacheSize?: number } = {},
  ) {
    const size = options.cacheSize ?? MAX_LRU_CACHE_ENTRIES;
    this.aggregates = new Lru(size);
    this.logs = new Lru(size);
    this.spam = new Lru(size);
  }

  /** `EventAggregator.EventAggregate`: the event to record and the cache key it counts under. */
  private aggregate(ev: Event): [Event, string] {
    const now = this.clock.now();
    const key = eventKey(ev);
    const [aggKey, localKey] = aggregatorKeys(ev);
    let rec = this.aggregates.get(aggKey);
    if (!rec || now - rec.last > (this.options.intervalMs ?? AGGREGATE_INTERVAL_MS)) rec = { localKeys: new Set(), last: 0 };
    rec.localKeys.add(localKey);
    rec.last = now;
    this.aggregates.set(aggKey, rec);
    const max = this.options.maxEvents ?? AGGREGATE_MAX_EVENTS;
    if (rec.localKeys.size < max) return [ev, key];
    // do not grow the local key set past max (sets.String.PopAny)
    const any = rec.localKeys.values().next().value;
    if (any !== undefined) rec.localKeys.delete(any);
    const ts = rfc3339(now);
    const combined: Event = {
      ...ev,
      metadata: { name: `${ev.involvedObject.name ?? ''}.${(BigInt(now) * 1_000_000n).toString(16)}`, namespace: ev.metadata.namespace ?? '' },
      count: 1,
      firstTimestamp: ts,
      lastTimestamp: ts,
      message: COMBINED_PREFIX + (ev.message ?? ''),
    };
    return [combined, aggKey];
  }

  /** `eventLogger.eventObserve`: turns a repeat into a patch of the first occurrence. */
  private observe(ev: Event, key: string): CorrelateResult {
    const last = this.logs.get(key);
    let out: CorrelateResult;
    let event = ev;
    if (last && last.count > 0) {
      event = {
        ...ev,
        metadata: { ...ev.metadata, name: last.name, resourceVersion: last.resourceVersion },
        firstTimestamp: last.firstTimestamp,
        count: last.count + 1,
      };
      out = { skip: false, event, patch: { count: event.count ?? 1, lastTimestamp: event.lastTimestamp ?? '', message: event.message ?? '' } };
    } else {
      out = { skip: false, event };
    }
    this.logs.set(key, { count: event.count ?? 1, firstTimestamp: event.firstTimestamp ?? '', name: event.metadata.name ?? '', resourceVersion: event.metadata.resourceVersion ?? '' });
    return out;
  }

  /** `EventSourceObjectSpamFilter.Filter`: true when the event must be dropped. */
  private filter(ev: Event): boolean {
    const key = spamKey(ev);
    let bucket = this.spam.get(key);
    if (!bucket) bucket = new TokenBucket(this.options.qpsPerMs ?? SPAM_QPS_PER_MS, this.options.burst ?? SPAM_BURST, this.clock);
    const ok = bucket.tryAccept();
    this.spam.set(key, bucket);
    return !ok;
  }

  /** Aggregates, counts and filters `ev` (a fresh event with count 1 and both timestamps now). */
  correlate(ev: Event): CorrelateResult {
    const [aggregated, key] = this.aggregate(ev);
    const observed = this.observe(aggregated, key);
    if (observed.skip || this.filter(observed.event)) return { skip: true };
    return observed;
  }

  /** `UpdateState`: remembers the server's copy (name, resourceVersion, count) of a written event. */
  updateState(ev: Event): void {
    this.logs.set(eventKey(ev), { count: ev.count ?? 1, firstTimestamp: ev.firstTimestamp ?? '', name: ev.metadata.name ?? '', resourceVersion: ev.metadata.resourceVersion ?? '' });
  }

  /** Forgets the count of `ev`'s key (the server lost it), so the next one is created afresh. */
  forget(ev: Event): void {
    this.logs.set(eventKey(ev), { count: 0, firstTimestamp: '', name: '', resourceVersion: '' });
  }
}
