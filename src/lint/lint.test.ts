/** Table-driven tests of every multi-container check, through lintPodSpec / lintObject as admission and `k1s lint` call them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatWarning, lintObject, lintPodSpec, podLintEvents, podSpecsOf, podSpecWarningTexts, warningFieldPath } from './lint.js';

type C = Record<string, unknown>;
const shc = (name: string, script: string, extra: C = {}): C => ({ name, image: 'busybox:1.36', command: ['sh', '-c', script], ...extra });
const mount = (name: string, mountPath: string, extra: C = {}): C => ({ name, mountPath, ...extra });
const emptyDir = (name: string): C => ({ name, emptyDir: {} });

/** Seed 004's sidecar pod, correct as the seed has it. */
const sidecarPod = (): C => ({
  containers: [
    shc('main-container', 'counter=0\nwhile true; do\n  echo "$(date): entry $counter" >> /var/log/app.log\n  counter=$((counter+1))\n  sleep 5\ndone\n', { volumeMounts: [mount('shared-logs', '/var/log')] }),
    shc('sidecar-container', 'tail -f /var/log/app.log', { volumeMounts: [mount('shared-logs', '/var/log')] }),
  ],
  volumes: [emptyDir('shared-logs')],
});

/** One case: a spec, and the warnings it must give as [code, field, container fieldPath]. */
type Case = [what: string, spec: C, want: [string, string, string | undefined][]];

const cases: Case[] = [
  ['seed 004 sidecar pod as written: no warning', sidecarPod(), []],
  [
    'PortConflict: two app containers on 8080 (seed 001)',
    { containers: [{ name: 'app1', image: 'nginx', ports: [{ containerPort: 8080 }] }, { name: 'app2', image: 'httpd', ports: [{ containerPort: 8080 }] }] },
    [['PortConflict', 'spec.containers[1].ports[0]', 'spec.containers{app2}']],
  ],
  [
    'PortConflict: a native sidecar and an app container on one port, protocol defaulted',
    { initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always', ports: [{ containerPort: 9000, protocol: 'TCP' }] }], containers: [{ name: 'app', image: 'a', ports: [{ containerPort: 9000 }] }] },
    [['PortConflict', 'spec.containers[0].ports[0]', 'spec.containers{app}']],
  ],
  [
    'PortConflict: three containers on one port warn twice, against the first',
    { containers: ['a', 'b', 'c'].map((name) => ({ name, image: 'x', ports: [{ containerPort: 80 }] })) },
    [
      ['PortConflict', 'spec.containers[1].ports[0]', 'spec.containers{b}'],
      ['PortConflict', 'spec.containers[2].ports[0]', 'spec.containers{c}'],
    ],
  ],
  ['no PortConflict: same port on TCP and UDP', { containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 53 }] }, { name: 'b', image: 'x', ports: [{ containerPort: 53, protocol: 'UDP' }] }] }, []],
  [
    'no PortConflict: a regular init container and an app container run one after the other',
    { initContainers: [{ name: 'setup', image: 'x', ports: [{ containerPort: 80 }] }], containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] },
    [],
  ],
  [
    'PortConflict: a regular init container and a native sidecar declared before it',
    { initContainers: [{ name: 'proxy', image: 'x', restartPolicy: 'Always', ports: [{ containerPort: 80 }] }, { name: 'setup', image: 'x', ports: [{ containerPort: 80 }] }], containers: [{ name: 'app', image: 'x' }] },
    [['PortConflict', 'spec.initContainers[1].ports[0]', 'spec.initContainers{setup}']],
  ],
  [
    'UnmountedVolume: declared, mounted by nobody',
    { containers: [{ name: 'app', image: 'x', volumeMounts: [mount('data', '/data')] }], volumes: [emptyDir('data'), emptyDir('cache')] },
    [['UnmountedVolume', 'spec.volumes[1]', undefined]],
  ],
  [
    'no UnmountedVolume: used by an init container, as a device, or by an ephemeral container',
    {
      initContainers: [{ name: 'i', image: 'x', volumeMounts: [mount('a', '/a')] }],
      containers: [{ name: 'app', image: 'x', volumeDevices: [{ name: 'b', devicePath: '/dev/b' }] }],
      ephemeralContainers: [{ name: 'debug', image: 'x', volumeMounts: [mount('c', '/c')] }],
      volumes: [emptyDir('a'), { name: 'b', persistentVolumeClaim: { claimName: 'b' } }, emptyDir('c')],
    },
    [],
  ],
  [
    'WriterWithoutMount: seed 004 with the writer lacking its mount',
    (() => {
      const p = sidecarPod();
      delete (p['containers'] as C[])[0]!['volumeMounts'];
      return p;
    })(),
    [['WriterWithoutMount', 'spec.containers[0].volumeMounts', 'spec.containers{main-container}']],
  ],
  [
    'WriterWithoutMount: an init container writing the config the app mounts',
    { initContainers: [shc('setup', 'echo ok > /config/app.conf')], containers: [shc('app', 'cat /config/app.conf && sleep 3600', { volumeMounts: [mount('config', '/config', { readOnly: true })] })], volumes: [emptyDir('config')] },
    [
      ['WriterWithoutMount', 'spec.initContainers[0].volumeMounts', 'spec.initContainers{setup}'],
      // …and with the writer's mount missing, nothing mounts the emptyDir read-write.
      ['ReadOnlyEmptyDir', 'spec.volumes[0]', undefined],
    ],
  ],
  [
    'no WriterWithoutMount: the writer mounts its own volume at that path',
    { containers: [shc('w', 'date >> /data/x', { volumeMounts: [mount('own', '/data')] }), shc('r', 'tail -f /data/x', { volumeMounts: [mount('shared', '/data')] })], volumes: [emptyDir('own'), emptyDir('shared')] },
    [],
  ],
  [
    'no WriterWithoutMount: a private file in /tmp where another container mounts a scratch emptyDir',
    { containers: [shc('app', 'echo ok > /tmp/healthy; sleep 3600'), shc('side', 'sleep 3600', { volumeMounts: [mount('tmp', '/tmp')] })], volumes: [emptyDir('tmp')] },
    [],
  ],
  [
    'WriterWithoutMount: a file in /tmp the other container reads from its scratch emptyDir',
    { containers: [shc('app', 'echo ok > /tmp/healthy; sleep 3600'), shc('side', 'tail -f /tmp/healthy', { volumeMounts: [mount('tmp', '/tmp')] })], volumes: [emptyDir('tmp')] },
    [['WriterWithoutMount', 'spec.containers[0].volumeMounts', 'spec.containers{app}']],
  ],
  [
    'no ReadOnlyWrite: mkdir -p of a read-only mount point (it exists)',
    { containers: [shc('a', 'mkdir -p /config && cat /config/x && sleep 3600', { volumeMounts: [mount('c', '/config')] })], volumes: [{ name: 'c', configMap: { name: 'c' } }] },
    [],
  ],
  [
    'ReadOnlyWrite: mkdir of a new directory inside a read-only mount',
    { containers: [shc('a', 'mkdir -p /config/new', { volumeMounts: [mount('c', '/config')] })], volumes: [{ name: 'c', configMap: { name: 'c' } }] },
    [['ReadOnlyWrite', 'spec.containers[0].volumeMounts[0]', 'spec.containers{a}']],
  ],
  [
    'ReadOnlyWrite: the writer mounts the volume readOnly',
    { containers: [shc('writer', 'while true; do date >> /data/log.txt; sleep 5; done', { volumeMounts: [mount('d', '/data', { readOnly: true })] }), shc('reader', 'tail -f /data/log.txt', { volumeMounts: [mount('d', '/data')] })], volumes: [emptyDir('d')] },
    [['ReadOnlyWrite', 'spec.containers[0].volumeMounts[0]', 'spec.containers{writer}']],
  ],
  [
    'ReadOnlyWrite: copying into a configMap volume (seed 001 shared-config)',
    {
      containers: [
        { name: 'web-server', image: 'nginx', volumeMounts: [mount('nginx-config', '/etc/nginx/conf.d')] },
        shc('config-reloader', 'while true; do cp /config/nginx.conf /etc/nginx/conf.d/ && nginx -s reload; sleep 30; done', { volumeMounts: [mount('nginx-config', '/etc/nginx/conf.d'), mount('dynamic', '/config')] }),
      ],
      volumes: [{ name: 'nginx-config', configMap: { name: 'nginx-config' } }, { name: 'dynamic', configMap: { name: 'dynamic' } }],
    },
    [['ReadOnlyWrite', 'spec.containers[1].volumeMounts[0]', 'spec.containers{config-reloader}']],
  ],
  [
    'ReadOnlyEmptyDir: every mount of an emptyDir is readOnly',
    { containers: [{ name: 'a', image: 'x', volumeMounts: [mount('d', '/d', { readOnly: true })] }, { name: 'b', image: 'x', volumeMounts: [mount('d', '/e', { readOnly: true })] }], volumes: [emptyDir('d')] },
    [['ReadOnlyEmptyDir', 'spec.volumes[0]', undefined]],
  ],
  [
    'no ReadOnlyEmptyDir: an init container fills it read-write, the app reads it read-only (seed 003 init-demo)',
    { initContainers: [shc('setup', 'echo x > /config/app.conf', { volumeMounts: [mount('config', '/config')] })], containers: [shc('app', 'cat /config/app.conf && sleep 3600', { volumeMounts: [mount('config', '/config', { readOnly: true })] })], volumes: [emptyDir('config')] },
    [],
  ],
  [
    'OverlappingMounts: one directory written two ways',
    { containers: [{ name: 'a', image: 'x', volumeMounts: [mount('one', '/data'), mount('two', '/data/')] }], volumes: [emptyDir('one'), emptyDir('two')] },
    [['OverlappingMounts', 'spec.containers[0].volumeMounts[1]', 'spec.containers{a}']],
  ],
  [
    'OverlappingMounts: a mount point inside a configMap volume',
    { containers: [{ name: 'a', image: 'x', volumeMounts: [mount('config', '/etc/app'), mount('cache', '/etc/app/cache')] }], volumes: [{ name: 'config', configMap: { name: 'c' } }, emptyDir('cache')] },
    [['OverlappingMounts', 'spec.containers[0].volumeMounts[1]', 'spec.containers{a}']],
  ],
  [
    'OverlappingMounts: a volume mounted inside itself',
    { containers: [{ name: 'a', image: 'x', volumeMounts: [mount('d', '/data'), mount('d', '/data/logs')] }], volumes: [emptyDir('d')] },
    [['OverlappingMounts', 'spec.containers[0].volumeMounts[1]', 'spec.containers{a}']],
  ],
  [
    "no OverlappingMounts: node-exporter's read-only hostPath / with /host/proc inside (seed 001 full-stack-webapp)",
    {
      containers: [{ name: 'm', image: 'x', volumeMounts: [mount('proc', '/host/proc', { readOnly: true }), mount('rootfs', '/host', { readOnly: true })] }],
      volumes: [{ name: 'proc', hostPath: { path: '/proc' } }, { name: 'rootfs', hostPath: { path: '/' } }],
    },
    [],
  ],
  [
    'no OverlappingMounts: a mount point the configMap items create, and a subPath of the same volume',
    {
      containers: [{ name: 'a', image: 'x', volumeMounts: [mount('config', '/etc/app'), mount('certs', '/etc/app/tls'), mount('d', '/d'), mount('d', '/d/sub', { subPath: 'sub' })] }],
      volumes: [{ name: 'config', configMap: { name: 'c', items: [{ key: 'crt', path: 'tls/tls.crt' }] } }, emptyDir('certs'), emptyDir('d')],
    },
    [],
  ],
  [
    'BlockingInitContainer: a log-shipping tail -f in initContainers',
    { initContainers: [shc('log-shipper', 'tail -f /var/log/app.log', { volumeMounts: [mount('logs', '/var/log')] })], containers: [shc('app', 'while true; do date >> /var/log/app.log; sleep 5; done', { volumeMounts: [mount('logs', '/var/log')] })], volumes: [emptyDir('logs')] },
    [['BlockingInitContainer', 'spec.initContainers[0]', 'spec.initContainers{log-shipper}']],
  ],
  [
    'no BlockingInitContainer: the same tail -f as a native sidecar',
    { initContainers: [shc('log-shipper', 'tail -f /var/log/app.log', { restartPolicy: 'Always', volumeMounts: [mount('logs', '/var/log')] })], containers: [shc('app', 'while true; do date >> /var/log/app.log; sleep 5; done', { volumeMounts: [mount('logs', '/var/log')] })], volumes: [emptyDir('logs')] },
    [],
  ],
  [
    'SidecarAfterDependent: an init container waits for a sidecar declared after it',
    {
      initContainers: [shc('wait-proxy', 'until nc -z localhost 15000; do sleep 1; done'), { name: 'proxy', image: 'envoy', restartPolicy: 'Always', ports: [{ containerPort: 15000 }] }],
      containers: [{ name: 'app', image: 'x' }],
    },
    [['SidecarAfterDependent', 'spec.initContainers[0]', 'spec.initContainers{wait-proxy}']],
  ],
  [
    'no SidecarAfterDependent: the sidecar comes first',
    {
      initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always', ports: [{ containerPort: 15000 }] }, shc('wait-proxy', 'until nc -z localhost 15000; do sleep 1; done')],
      containers: [{ name: 'app', image: 'x' }],
    },
    [],
  ],
];

for (const [what, spec, want] of cases) {
  test(`lintPodSpec: ${what}`, () => {
    const got = lintPodSpec(spec).map((w) => [w.code, w.field, warningFieldPath(w)]);
    assert.deepEqual(got, want);
  });
}

test("a PortConflict names both containers and the port, and suggests a free one (seed 001's THIS WILL FAIL)", () => {
  const [w] = lintPodSpec({ containers: [{ name: 'app1', image: 'nginx', ports: [{ containerPort: 8080 }] }, { name: 'app2', image: 'httpd', ports: [{ containerPort: 8080 }, { containerPort: 8081 }] }] });
  assert.equal(
    formatWarning(w!),
    'spec.containers[1].ports[0]: [PortConflict] containers "app1" and "app2" both declare containerPort 8080/TCP, but a pod\'s containers share one network namespace: ' +
      'only one of them can listen on 8080, the other fails with "address already in use"; fix: make "app2" listen on a free port such as 8082 and declare that one',
  );
});

test('a BlockingInitContainer says which Init:N/M the pod stays in and suggests restartPolicy: Always', () => {
  const [w] = lintPodSpec({ initContainers: [shc('ok', 'echo hi'), shc('ship', 'while true; do ship; sleep 5; done')], containers: [{ name: 'app', image: 'x' }] });
  assert.match(formatWarning(w!), /^spec\.initContainers\[1\]: \[BlockingInitContainer\] init container "ship" runs "while true; do \.\.\.; done", which never exits: .* stays in Init:1\/2 .*; fix: add restartPolicy: Always to "ship"/);
});

test('a WriterWithoutMount names the volume and the mount to add', () => {
  const p = sidecarPod();
  delete (p['containers'] as C[])[0]!['volumeMounts'];
  const [w] = lintPodSpec(p);
  assert.match(w!.message, /container "main-container" writes to "\/var\/log\/app\.log", where "sidecar-container" mounts volume "shared-logs" \("\/var\/log"\)/);
  assert.equal(w!.fix, 'add {name: shared-logs, mountPath: /var/log} to the volumeMounts of "main-container"');
});

test('lintPodSpec reads malformed input as empty rather than throwing', () => {
  for (const spec of [undefined, null, 'x', [], { containers: 'no' }, { containers: [null, 3, { ports: 'x', volumeMounts: [null] }] }, { volumes: [null] }]) {
    assert.deepEqual(lintPodSpec(spec), []);
  }
});

test('podSpecsOf finds the pod spec of Pods, workload templates, PodTemplates and CronJobs', () => {
  const spec = { containers: [] };
  const template = { template: { spec } };
  assert.deepEqual(
    [
      { kind: 'Pod', spec },
      { kind: 'Deployment', spec: template },
      { kind: 'ReplicaSet', spec: template },
      { kind: 'StatefulSet', spec: template },
      { kind: 'DaemonSet', spec: template },
      { kind: 'Job', spec: template },
      { kind: 'PodTemplate', template: { spec } },
      { kind: 'CronJob', spec: { jobTemplate: { spec: template } } },
      { kind: 'Service', spec: {} },
    ].map((o) => podSpecsOf(o).map((s) => s.fieldPath)),
    [['spec'], ['spec.template.spec'], ['spec.template.spec'], ['spec.template.spec'], ['spec.template.spec'], ['spec.template.spec'], ['template.spec'], ['spec.jobTemplate.spec.template.spec'], []],
  );
});

test("lintObject prefixes a Deployment's warnings with its template path and walks Lists", () => {
  const spec = { containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80 }] }, { name: 'b', image: 'x', ports: [{ containerPort: 80 }] }] };
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec } } };
  assert.deepEqual(lintObject(deployment).map((w) => w.field), ['spec.template.spec.containers[1].ports[0]']);
  assert.deepEqual(lintObject({ kind: 'List', items: [{ kind: 'ConfigMap' }, deployment] }).map((w) => w.field), ['items[1].spec.template.spec.containers[1].ports[0]']);
});

test('podLintEvents gives one MultiContainerLint event per warning, naming its container; podSpecWarningTexts the header texts', () => {
  const spec = { containers: [{ name: 'app1', image: 'nginx', ports: [{ containerPort: 8080 }] }, { name: 'app2', image: 'httpd', ports: [{ containerPort: 8080 }] }], volumes: [emptyDir('unused')] };
  const texts = podSpecWarningTexts(spec, 'spec');
  assert.deepEqual(podLintEvents({ spec }), [
    { reason: 'MultiContainerLint', message: texts[0], fieldPath: 'spec.containers{app2}' },
    { reason: 'MultiContainerLint', message: texts[1] },
  ]);
  assert.match(texts[1]!, /^spec\.volumes\[0\]: \[UnmountedVolume\] volume "unused"/);
});
