import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuntimeState } from './runtime-state.js';
import { FakeClock } from '../api/testing/fake-clock.js';

test('RuntimeState: not yet checked, then healthy, then down at once on a failed check', () => {
  const clock = new FakeClock();
  const state = new RuntimeState({ clock });
  assert.equal(state.notReadyMessage(), 'container runtime status check may not have completed yet');
  state.setRuntimeSync();
  assert.equal(state.notReadyMessage(), undefined);
  state.setRuntimeDown();
  assert.equal(state.notReadyMessage(), 'container runtime is down');
  assert.equal(state.runtimeUnavailable(), true);
  state.setRuntimeSync();
  assert.equal(state.runtimeUnavailable(), false);
});

test('RuntimeState: a runtime that stops answering is down after the sync threshold', () => {
  const clock = new FakeClock();
  const state = new RuntimeState({ clock, syncThresholdMs: 30_000 });
  state.setRuntimeSync();
  clock.advance(29_000);
  assert.deepEqual(state.errors(), []);
  clock.advance(1_000);
  assert.deepEqual(state.errors(), ['container runtime is down']);
});

test('RuntimeState: failed conditions and health checks aggregate as apimachinery prints them', () => {
  const clock = new FakeClock();
  const state = new RuntimeState({ clock });
  state.addHealthCheck({ name: 'PLEG', check: () => 'pleg was last seen active 3m5s ago; threshold is 3m0s' });
  state.setRuntimeSync({ network: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:cni plugin not initialized' });
  assert.equal(
    state.notReadyMessage(),
    '[PLEG is not healthy: pleg was last seen active 3m5s ago; threshold is 3m0s, container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:cni plugin not initialized]',
  );
});

test('RuntimeState calls its listeners when the verdict changes, not on every check', () => {
  const clock = new FakeClock();
  const state = new RuntimeState({ clock });
  let calls = 0;
  state.onChange(() => calls++);
  state.setRuntimeSync();
  state.setRuntimeSync();
  state.setRuntimeDown();
  state.setRuntimeDown();
  state.setRuntimeSync();
  assert.equal(calls, 3);
});
