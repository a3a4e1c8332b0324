/** Tests of the pods/ephemeralcontainers update rules: what may change, defaults, and kube-apiserver's messages. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFieldError } from '../../api/errors.js';
import type { EphemeralContainer, Pod } from '../../api/types.js';
import { prepareEphemeralContainersUpdate, validateEphemeralContainersUpdate } from './ephemeral-containers.js';
import { preparePodForCreate } from './strategy.js';
import { validatePodCreate } from './validation.js';

function running(): Pod {
  const p: Pod = {
    metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: { app: 'web' } },
    spec: {
      initContainers: [{ name: 'init', image: 'busybox:1.36' }],
      containers: [{ name: 'app', image: 'busybox:1.36' }],
      volumes: [{ name: 'data', emptyDir: {} }],
    },
  };
  preparePodForCreate(p);
  p.spec.nodeName = 'node-1';
  return p;
}

/** The request as kubectl debug sends it (the stored pod plus one more ephemeral container), prepared and validated. */
function update(old: Pod, edit: (p: Pod) => void): { pod: Pod; errors: string[] } {
  const pod = structuredClone(old);
  edit(pod);
  prepareEphemeralContainersUpdate(pod, old);
  return { pod, errors: validateEphemeralContainersUpdate(pod, old).map(formatFieldError) };
}

const debug = (extra: Partial<EphemeralContainer> = {}): EphemeralContainer => ({ name: 'debugger', image: 'busybox:1.36', stdin: true, tty: true, ...extra });

test('an added ephemeral container is accepted and defaulted like any container', () => {
  const { pod, errors } = update(running(), (p) => (p.spec.ephemeralContainers = [debug({ targetContainerName: 'app' })]));
  assert.deepEqual(errors, []);
  assert.deepEqual(pod.spec.ephemeralContainers, [
    {
      name: 'debugger',
      image: 'busybox:1.36',
      stdin: true,
      tty: true,
      targetContainerName: 'app',
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      resources: {},
    },
  ]);
});

test('changes outside spec.ephemeralContainers are dropped, the resourceVersion of the request is kept', () => {
  const old = running();
  const { pod, errors } = update(old, (p) => {
    p.metadata.labels = { app: 'other' };
    p.metadata.resourceVersion = '6';
    p.spec.containers[0]!.image = 'busybox:1.35';
    p.spec.activeDeadlineSeconds = 5;
    p.spec.ephemeralContainers = [debug()];
  });
  assert.deepEqual(errors, []);
  assert.deepEqual(pod.metadata.labels, { app: 'web' });
  assert.equal(pod.metadata.resourceVersion, '6');
  assert.equal(pod.spec.containers[0]?.image, 'busybox:1.36');
  assert.equal(pod.spec.activeDeadlineSeconds, undefined);
  assert.equal(pod.spec.nodeName, 'node-1');
});

test('existing ephemeral containers may not be removed', () => {
  const old = update(running(), (p) => (p.spec.ephemeralContainers = [debug()])).pod;
  const { errors } = update(old, (p) => (p.spec.ephemeralContainers = []));
  assert.deepEqual(errors, ['spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be removed\n']);
});

test('existing ephemeral containers may not be changed, and the message shows the change', () => {
  const old = update(running(), (p) => (p.spec.ephemeralContainers = [debug()])).pod;
  const { errors } = update(old, (p) => (p.spec.ephemeralContainers = [{ ...p.spec.ephemeralContainers![0]!, image: 'busybox:1.35' }]));
  assert.deepEqual(errors, [
    'spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be changed\n  core.EphemeralContainer{\n- \timage: "busybox:1.36",\n+ \timage: "busybox:1.35",\n  }\n',
  ]);
});

test('a second ephemeral container may be added beside an existing one, in any order', () => {
  const old = update(running(), (p) => (p.spec.ephemeralContainers = [debug()])).pod;
  const { pod, errors } = update(old, (p) => (p.spec.ephemeralContainers = [debug({ name: 'debugger-2' }), ...(p.spec.ephemeralContainers ?? [])]));
  assert.deepEqual(errors, []);
  assert.deepEqual(pod.spec.ephemeralContainers?.map((c) => c.name), ['debugger-2', 'debugger']);
});

test('ephemeral container names are unique across app, init and ephemeral containers', () => {
  const { errors } = update(running(), (p) => (p.spec.ephemeralContainers = [debug({ name: 'app' }), debug({ name: 'init' }), debug(), debug()]));
  assert.deepEqual(errors, [
    'spec.ephemeralContainers[0].name: Duplicate value: "app"',
    'spec.ephemeralContainers[1].name: Duplicate value: "init"',
    'spec.ephemeralContainers[3].name: Duplicate value: "debugger"',
  ]);
});

test('the target container must be an app or init container of the pod', () => {
  const old = update(running(), (p) => (p.spec.ephemeralContainers = [debug()])).pod;
  const { errors } = update(old, (p) => p.spec.ephemeralContainers!.push(debug({ name: 'd2', targetContainerName: 'debugger' }), debug({ name: 'd3', targetContainerName: 'nope' })));
  assert.deepEqual(errors, [
    'spec.ephemeralContainers[1].targetContainerName: Not found: "debugger"',
    'spec.ephemeralContainers[2].targetContainerName: Not found: "nope"',
  ]);
  assert.deepEqual(update(old, (p) => p.spec.ephemeralContainers!.push(debug({ name: 'd4', targetContainerName: 'init' }))).errors, []);
});

test('ports, resources, probes, lifecycle and restartPolicy cannot be set for an ephemeral container', () => {
  const probe = { exec: { command: ['true'] } };
  const { errors } = update(running(), (p) => {
    p.spec.ephemeralContainers = [
      debug({
        ports: [{ containerPort: 80 }],
        resources: { limits: { cpu: '1' } },
        restartPolicy: 'Always',
        livenessProbe: probe,
        readinessProbe: probe,
        startupProbe: probe,
        lifecycle: { preStop: { exec: { command: ['true'] } } },
      }),
    ];
  });
  const forbidden = ['ports', 'resources', 'restartPolicy', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'];
  assert.deepEqual(
    errors.filter((e) => e.includes('Forbidden')),
    forbidden.map((f) => `spec.ephemeralContainers[0].${f}: Forbidden: cannot be set for an Ephemeral Container`),
  );
});

test('volume mounts of an ephemeral container name pod volumes and take no subPath', () => {
  const { errors } = update(running(), (p) => {
    p.spec.ephemeralContainers = [
      debug({ volumeMounts: [{ name: 'data', mountPath: '/data', subPath: 'x' }, { name: 'data', mountPath: '/d2', subPathExpr: '$(POD)' }, { name: 'gone', mountPath: '/g' }] }),
    ];
  });
  assert.deepEqual(errors, [
    'spec.ephemeralContainers[0].volumeMounts[2].name: Not found: "gone"',
    'spec.ephemeralContainers[0].volumeMounts[0].subPath: Forbidden: cannot be set for an Ephemeral Container',
    'spec.ephemeralContainers[0].volumeMounts[1].subPathExpr: Forbidden: cannot be set for an Ephemeral Container',
  ]);
});

test('an ephemeral container needs a DNS-1123 name and an image', () => {
  const { errors } = update(running(), (p) => (p.spec.ephemeralContainers = [{ name: '', image: '' }]));
  assert.deepEqual(errors, ['spec.ephemeralContainers[0].name: Required value', 'spec.ephemeralContainers[0].image: Required value']);
});

test('static pods do not support ephemeral containers', () => {
  const old = running();
  old.metadata.annotations = { 'kubernetes.io/config.mirror': 'abc' };
  assert.deepEqual(update(old, (p) => (p.spec.ephemeralContainers = [debug()])).errors, [': Forbidden: static pods do not support ephemeral containers']);
});

test('ephemeral containers cannot be set on create', () => {
  const p: Pod = { metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }], ephemeralContainers: [debug()] } };
  preparePodForCreate(p);
  assert.deepEqual(validatePodCreate(p).map(formatFieldError), ['spec.ephemeralContainers: Forbidden: cannot be set on create']);
});
