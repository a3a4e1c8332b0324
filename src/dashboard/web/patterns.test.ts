import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podDrawing } from './patterns.js';

const vol = (name: string) => ({ name, emptyDir: {} });

test("podDrawing recognises seed 004's log sidecar: main container and a sidecar sharing shared-logs, each mount with its path and rw", () => {
  const d = podDrawing({
    metadata: { name: 'sidecar-pod' },
    spec: {
      containers: [
        { name: 'main-container', image: 'busybox:1.36', command: ['sh', '-c'], args: ['while true; do date >> /var/log/app.log; sleep 5; done'], volumeMounts: [{ name: 'shared-logs', mountPath: '/var/log' }] },
        { name: 'sidecar-container', image: 'busybox:1.36', command: ['sh', '-c', 'tail -f /var/log/app.log'], volumeMounts: [{ name: 'shared-logs', mountPath: '/var/log' }] },
      ],
      volumes: [vol('shared-logs')],
    },
    status: { podIP: '10.42.0.7' },
  });
  assert.equal(d.podIP, '10.42.0.7');
  assert.deepEqual(d.containers.map((c) => [c.name, c.pattern]), [['main-container', 'main'], ['sidecar-container', 'sidecar']]);
  assert.deepEqual(d.containers[1]!.mounts, [{ volume: 'shared-logs', path: '/var/log', readOnly: false }]);
  assert.deepEqual(d.volumes, [{ name: 'shared-logs', source: 'emptyDir', mountedBy: ['main-container', 'sidecar-container'] }]);
});

test("podDrawing calls a container an ambassador when the main container reaches its port on localhost (seed 000's DB_HOST/DB_PORT, seed 001's URL)", () => {
  const byEnv = podDrawing({ spec: { containers: [{ name: 'app', image: 'myapp', env: [{ name: 'DB_HOST', value: 'localhost' }, { name: 'DB_PORT', value: '5432' }] }, { name: 'db-proxy', image: 'ambassador/ambassador:1.0', ports: [{ containerPort: 5432 }] }] } });
  assert.deepEqual(byEnv.containers.map((c) => c.pattern), ['main', 'ambassador']);
  const byUrl = podDrawing({ spec: { containers: [{ name: 'main-app', image: 'myapp', env: [{ name: 'DATABASE_URL', value: 'http://localhost:3306' }] }, { name: 'database-ambassador', image: 'ambassador-proxy', ports: [{ containerPort: 3306 }] }] } });
  assert.match(byUrl.containers[1]!.why, /main-app reaches localhost:3306/);
});

test("podDrawing calls a log formatter reading the main container's volume an adapter, and keeps init containers in order before app containers", () => {
  const d = podDrawing({
    spec: {
      initContainers: [{ name: 'setup', image: 'busybox' }, { name: 'proxy', image: 'busybox', restartPolicy: 'Always' }],
      containers: [
        { name: 'legacy-app', image: 'legacy', volumeMounts: [{ name: 'log-data', mountPath: '/var/log' }] },
        { name: 'log-adapter', image: 'fluentd', volumeMounts: [{ name: 'log-data', mountPath: '/var/log', readOnly: true }] },
      ],
      volumes: [vol('log-data'), { name: 'kube-api-access-x1', projected: { sources: [] } }],
    },
  });
  assert.deepEqual(d.containers.map((c) => [c.name, c.role, c.pattern]), [['setup', 'init', 'init'], ['proxy', 'sidecar', 'sidecar'], ['legacy-app', 'app', 'main'], ['log-adapter', 'app', 'adapter']]);
  assert.deepEqual(d.volumes.map((v) => v.name), ['log-data'], 'the ServiceAccount token volume is not drawn as a shared volume');
  assert.equal(d.serviceAccountVolume?.name, 'kube-api-access-x1');
});
