import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dashboardKubeconfig } from './dashboard.js';

test('k1s dashboard reads --kubeconfig, else --data-dir given on the command line, else $KUBECONFIG, else the data dir\'s', () => {
  const base = { kubeconfig: undefined, dataDir: '/var/lib/k1s', dataDirFromFlag: false, env: {} };
  assert.equal(dashboardKubeconfig({ ...base, kubeconfig: '/k.yaml', dataDirFromFlag: true, env: { KUBECONFIG: '/e.yaml' } }), '/k.yaml');
  assert.equal(dashboardKubeconfig({ ...base, dataDir: '/d', dataDirFromFlag: true, env: { KUBECONFIG: '/e.yaml' } }), '/d/kubeconfig.yaml');
  assert.equal(dashboardKubeconfig({ ...base, env: { KUBECONFIG: '/e.yaml:/f.yaml' } }), '/e.yaml');
  assert.equal(dashboardKubeconfig(base), '/var/lib/k1s/kubeconfig.yaml');
});
