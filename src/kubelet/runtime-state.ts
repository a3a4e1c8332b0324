// The kubelet's view of its container runtime's health (pkg/kubelet/runtime.go runtimeState, kubelet.go updateRuntimeUp).

import type { RuntimeHandler, RuntimeService } from '../cri/types.js';
import { goDuration } from './util/clock.js';
import type { Clock } from '../api/clock.js';

/** A named health check: undefined when healthy, else why not (upstream healthCheck). */
export interface HealthCheck {
  name: string;
  check(): string | undefined;
}

/** Options of {@link RuntimeState}. */
export interface RuntimeStateOptions {
  clock: Clock;
  /**
   * How long after the last successful runtime status check the runtime counts as down, ms (upstream
   * maxWaitForContainerRuntime, 30 s). k1s also reports it down at once when a check fails (see
   * {@link RuntimeState.setRuntimeDown}); this threshold catches a runtime that hangs without failing.
   */
  syncThresholdMs?: number;
}

/**
 * The runtime, network and health-check errors the Ready condition reports. Errors read as upstream's:
 * `container runtime status check may not have completed yet`, `container runtime is down`,
 * `PLEG is not healthy: pleg was last seen active 3m5s ago; threshold is 3m0s`,
 * `container runtime not ready: RuntimeReady=false reason:X message:Y`,
 * `container runtime network not ready: NetworkReady=false reason:X message:Y`.
 */
export class RuntimeState {
  private lastSync = 0;
  private down = false;
  private runtimeError: string | undefined;
  private networkError: string | undefined;
  private handlers: RuntimeHandler[] = [];
  private readonly checks: HealthCheck[] = [];
  private readonly listeners: (() => void)[] = [];
  private lastVerdict = '';
  private readonly thresholdMs: number;

  constructor(private readonly options: RuntimeStateOptions) {
    this.thresholdMs = options.syncThresholdMs ?? 30_000;
    this.lastVerdict = this.verdict();
  }

  /** Adds a health check consulted by {@link runtimeErrors} (the kubelet adds the PLEG's). */
  addHealthCheck(check: HealthCheck): void {
    this.checks.push(check);
  }

  /** Calls `fn` whenever the errors change (the node status posts the Ready condition then). */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  /**
   * A status check answered at `now` (setRuntimeSync); `runtime`/`network` are the failed runtime conditions, if any;
   * `handlers` the runtime handlers the Status reported (setRuntimeHandlers; kept when absent).
   */
  setRuntimeSync(conditions: { runtime?: string | undefined; network?: string | undefined; handlers?: RuntimeHandler[] | undefined } = {}): void {
    this.lastSync = this.options.clock.now();
    this.down = false;
    this.runtimeError = conditions.runtime;
    this.networkError = conditions.network;
    if (conditions.handlers) this.handlers = conditions.handlers;
    this.changed();
  }

  /** The runtime handlers of the last status check (runtimeState.runtimeHandlers); empty when the runtime reports none. */
  runtimeHandlers(): RuntimeHandler[] {
    return this.handlers;
  }

  /** A status check failed (the CRI socket refuses connections or the call failed): the runtime is down now. */
  setRuntimeDown(): void {
    this.down = true;
    this.changed();
  }

  /** The runtime errors (runtimeErrors + networkErrors), empty when the node may be Ready. */
  errors(): string[] {
    const errs: string[] = [];
    if (this.lastSync === 0 && !this.down) errs.push('container runtime status check may not have completed yet');
    else if (this.down || this.options.clock.now() - this.lastSync >= this.thresholdMs) errs.push('container runtime is down');
    for (const hc of this.checks) {
      const err = hc.check();
      if (err !== undefined) errs.push(`${hc.name} is not healthy: ${err}`);
    }
    if (this.runtimeError) errs.push(this.runtimeError);
    if (this.networkError) errs.push(this.networkError);
    return errs;
  }

  /** True when {@link errors} says "container runtime is down" or not yet checked (pods cannot be synced). */
  runtimeUnavailable(): boolean {
    return this.down || this.lastSync === 0 || this.options.clock.now() - this.lastSync >= this.thresholdMs;
  }

  /**
   * The Ready condition's message when not ready: one error as it is, several as apimachinery's aggregate
   * prints them (`[a, b]`); undefined when ready.
   */
  notReadyMessage(): string | undefined {
    const errs = this.errors();
    if (errs.length === 0) return undefined;
    return errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
  }

  /** The errors without their elapsed times: what a change of health means. */
  private verdict(): string {
    return this.errors().map((e) => e.replace(/last seen active \S+ ago/, '')).join('\n');
  }

  private changed(): void {
    const verdict = this.verdict();
    if (verdict === this.lastVerdict) return;
    this.lastVerdict = verdict;
    for (const fn of this.listeners) fn();
  }
}

/** `container runtime not ready: RuntimeReady=false reason:X message:Y` for each failed condition of `types`. */
function conditionError(prefix: string, conditions: { type: string; status: boolean; reason: string; message: string }[], type: string): string | undefined {
  const c = conditions.find((x) => x.type === type);
  if (!c) return `${prefix}: ${type} condition is missing`;
  return c.status ? undefined : `${prefix}: ${type}=false reason:${c.reason} message:${c.message}`;
}

/** Options of {@link startRuntimeChecks}. */
export interface RuntimeChecksOptions {
  runtime: RuntimeService;
  state: RuntimeState;
  /** Check period, ms (upstream updateRuntimeUp runs every 5 s; k1s 1 s, so a dead runtime is seen within a second). */
  periodMs?: number;
  /** A status call not answered within this long counts as failed, ms (default 2 s). */
  timeoutMs?: number;
  log?: (msg: string) => void;
}

/**
 * Runs `updateRuntimeUp` every `periodMs`: CRI Status; its RuntimeReady and NetworkReady conditions become the
 * state's runtime and network errors; a failed or timed-out call marks the runtime down. Returns the first
 * check (resolves when done, never rejects) and a stop function.
 */
export function startRuntimeChecks(options: RuntimeChecksOptions): { first: Promise<void>; stop(): void } {
  const { runtime, state } = options;
  const periodMs = options.periodMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 2_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const check = async (): Promise<void> => {
    let deadline: NodeJS.Timeout | undefined;
    try {
      const st = await Promise.race([
        runtime.status(),
        new Promise<never>((_, reject) => {
          deadline = setTimeout(() => reject(new Error(`no answer within ${goDuration(timeoutMs)}`)), timeoutMs);
        }),
      ]);
      state.setRuntimeSync({
        runtime: conditionError('container runtime not ready', st.conditions, 'RuntimeReady'),
        network: conditionError('container runtime network not ready', st.conditions, 'NetworkReady'),
        handlers: st.runtimeHandlers ?? [],
      });
    } catch (err) {
      options.log?.(`container runtime sanity check failed: ${(err as Error).message}`);
      state.setRuntimeDown();
    } finally {
      clearTimeout(deadline);
    }
  };
  const loop = async (): Promise<void> => {
    await check();
    if (!stopped) {
      timer = setTimeout(() => void loop(), periodMs);
      timer.unref?.();
    }
  };
  const first = loop();
  return {
    first,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
