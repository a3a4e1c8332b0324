// ProberManager on a fake clock: workers per running container, startup gating end to end, readiness reset on restart, Unhealthy events.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecSyncResponse } from '../../cri/types.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import type { EventRecorder } from '../events/recorder.js';
import { container, instance, makePod, runtimeStatus, sandbox } from '../testing/builders.js';
import { ProberManager } from './prober-manager.js';
import type { ProbeRuntime } from './prober.js';

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/** Fires what is due now, then moves the clock in 1 s steps, letting each probe finish. */
async function advance(clock: FakeClock, ms: number): Promise<void> {
  clock.advance(0);
  await settle();
  for (let t = 0; t < ms; t += 1000) {
    clock.advance(Math.min(1000, ms - t));
    await settle();
  }
}

/** An exec-only runtime: `exit[command]` is the exit code of `sh -c <command>`-less probes (default 0); calls are logged. */
function scriptedRuntime(clock: FakeClock, t0: number): ProbeRuntime & { exit: Record<string, number>; calls: string[] } {
  const rt = {
    exit: {} as Record<string, number>,
    calls: [] as string[],
    async execSync(id: string, cmd: string[]): Promise<ExecSyncResponse> {
      const name = cmd.join(' ');
      rt.calls.push(`${(clock.now() - t0) / 1000}s ${id} ${name}`);
      const exitCode = rt.exit[name] ?? 0;
      return { exitCode, stdout: Buffer.from(exitCode ? `${name} failed` : ''), stderr: Buffer.alloc(0) };
    },
  };
  return rt;
}

function recorder(): EventRecorder & { events: string[] } {
  const events: string[] = [];
  return { events, event: (_pod, type, reason, message, fieldPath) => void events.push(`${type} ${reason} ${fieldPath ?? ''}: ${message}`), flush: async () => {} };
}

function setup(): { clock: FakeClock; t0: number; rt: ReturnType<typeof scriptedRuntime>; events: ReturnType<typeof recorder>; woken: string[]; prober: ProberManager } {
  const clock = new FakeClock();
  const t0 = clock.now();
  const rt = scriptedRuntime(clock, t0);
  const events = recorder();
  const woken: string[] = [];
  const prober = new ProberManager(rt, events, (uid) => woken.push(uid), clock);
  return { clock, t0, rt, events, woken, prober };
}

test('ProberManager holds liveness and readiness until the startup probe succeeds, then probes them', async () => {
  const app = container('app', {
    startupProbe: { exec: { command: ['started'] }, periodSeconds: 1, failureThreshold: 10 },
    livenessProbe: { exec: { command: ['alive'] }, periodSeconds: 1 },
    readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 1 },
  });
  const pod = makePod('p', [], { containers: [app] });
  const env = setup();
  const inst = instance(app, 'running', { id: 'c1', startedAt: env.t0 });
  env.rt.exit['started'] = 1;
  env.prober.sync(pod, runtimeStatus(pod, [sandbox()], [inst]));
  assert.equal(env.prober.started('c1', app), false);
  assert.equal(env.prober.ready('c1', app), false);
  assert.equal(env.prober.liveness('c1'), 'success');
  assert.equal(env.prober.startup('c1'), undefined);
  await advance(env.clock, 1_000);
  env.rt.exit['started'] = 0;
  await advance(env.clock, 2_000);
  assert.deepEqual(env.rt.calls, ['0s c1 started', '1s c1 started', '2s c1 started', '3s c1 alive', '3s c1 ready']);
  assert.equal(env.prober.started('c1', app), true);
  assert.equal(env.prober.startup('c1'), 'success');
  assert.equal(env.prober.ready('c1', app), true);
  assert.deepEqual(env.woken, ['uid-p', 'uid-p']); // startup success, then readiness success
  assert.deepEqual(env.events.events, ['Warning Unhealthy spec.containers{app}: Startup probe failed: started failed', 'Warning Unhealthy spec.containers{app}: Startup probe failed: started failed']);
  env.prober.stop();
});

test('ProberManager resets readiness when the container restarts: the new instance starts not ready', async () => {
  const app = container('app', { readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 5 } });
  const pod = makePod('p', [], { containers: [app] });
  const env = setup();
  const first = instance(app, 'running', { id: 'c1', startedAt: env.t0 });
  env.prober.sync(pod, runtimeStatus(pod, [sandbox()], [first]));
  await advance(env.clock, 0);
  assert.equal(env.prober.ready('c1', app), true);
  const second = instance(app, 'running', { id: 'c2', startedAt: env.clock.now(), restartCount: 1 });
  env.prober.sync(pod, runtimeStatus(pod, [sandbox()], [second, { ...first, state: 'exited' }]));
  assert.equal(env.prober.ready('c2', app), false);
  assert.equal(env.prober.ready('c1', app), false); // the old instance's worker and result are gone
  await advance(env.clock, 0);
  assert.equal(env.prober.ready('c2', app), true);
  await advance(env.clock, 10_000);
  assert.deepEqual(env.rt.calls, ['0s c1 ready', '0s c2 ready', '5s c2 ready', '10s c2 ready']);
  env.prober.stop();
});

test('ProberManager probes running app containers and sidecars only, and forget stops a pod', async () => {
  const probe = { exec: { command: ['ready'] }, periodSeconds: 1 };
  const sidecar = container('side', { restartPolicy: 'Always', readinessProbe: probe });
  const init = container('init', { readinessProbe: probe });
  const app = container('app', { readinessProbe: probe });
  const idle = container('idle', { readinessProbe: probe });
  const pod = makePod('p', [], { initContainers: [init, sidecar], containers: [app, idle] });
  const env = setup();
  const status = runtimeStatus(pod, [sandbox()], [
    instance(init, 'running', { id: 'i1', startedAt: env.t0 }),
    instance(sidecar, 'running', { id: 's1', startedAt: env.t0 }),
    instance(app, 'running', { id: 'a1', startedAt: env.t0 }),
    instance(idle, 'created', { id: 'x1' }),
  ]);
  env.prober.sync(pod, status);
  await advance(env.clock, 1_000);
  assert.deepEqual(env.rt.calls.sort(), ['0s a1 ready', '0s s1 ready', '1s a1 ready', '1s s1 ready']);
  env.prober.forget('uid-p');
  await advance(env.clock, 3_000);
  assert.equal(env.rt.calls.length, 4);
  assert.equal(env.prober.ready('a1', app), false);
  assert.equal(env.clock.pendingTimers(), 0);
});

test('ProberManager answers undefined for containers without that probe and liveness success without a worker', () => {
  const env = setup();
  assert.equal(env.prober.ready('c9', container('app')), undefined);
  assert.equal(env.prober.started('c9', container('app')), undefined);
  assert.equal(env.prober.liveness('c9'), 'success');
  assert.equal(env.prober.startup('c9'), undefined);
});
