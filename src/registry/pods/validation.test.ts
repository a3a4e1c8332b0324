/** Tests of pod validation messages and field paths (create, update, status). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFieldError, invalid } from '../../api/errors.js';
import type { Container, Pod } from '../../api/types.js';
import { podStrategy, preparePodForCreate } from './strategy.js';
import { validatePodCreate, validatePodStatusUpdate, validatePodUpdate } from './validation.js';

function pod(spec: Partial<Pod['spec']> = {}, name = 'web'): Pod {
  const p: Pod = { metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }], ...spec } };
  preparePodForCreate(p);
  return p;
}

function errors(p: Pod): string[] {
  return validatePodCreate(p).map(formatFieldError);
}

const c = (extra: Partial<Container> & { name?: string } = {}): Container => ({ name: 'app', image: 'busybox:1.36', ...extra });

test('a defaulted minimal pod is valid', () => {
  assert.deepEqual(errors(pod()), []);
});

test('containers are required', () => {
  assert.deepEqual(errors(pod({ containers: [] })), ['spec.containers: Required value']);
});

test('container name and image are required', () => {
  assert.deepEqual(errors(pod({ containers: [{ name: '', image: '' }] })), [
    'spec.containers[0].name: Required value',
    'spec.containers[0].image: Required value',
  ]);
});

test('container names must be DNS-1123 labels', () => {
  assert.deepEqual(errors(pod({ containers: [c({ name: 'App_1' })] })), [
    `spec.containers[0].name: Invalid value: "App_1": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
  ]);
});

test('container names are unique across init and app containers', () => {
  assert.deepEqual(errors(pod({ initContainers: [c({ name: 'app' })], containers: [c(), c()] })), [
    'spec.containers[1].name: Duplicate value: "app"',
    'spec.initContainers[0].name: Duplicate value: "app"',
  ]);
});

test('restartPolicy must be a supported value', () => {
  assert.deepEqual(errors(pod({ restartPolicy: 'Sometimes' as 'Always' })), [
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  ]);
});

test('init container restartPolicy only allows Always and app containers forbid it', () => {
  assert.deepEqual(
    errors(pod({ initContainers: [c({ name: 'i', restartPolicy: 'Never' as 'Always' })], containers: [c({ restartPolicy: 'Always' })] })),
    ['spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers', 'spec.initContainers[0].restartPolicy: Unsupported value: "Never": supported values: "Always"'],
  );
});

test('probes are forbidden on regular init containers but allowed on sidecars', () => {
  const probe = { exec: { command: ['true'] } };
  assert.deepEqual(errors(pod({ initContainers: [c({ name: 'i', readinessProbe: probe })] })), [
    'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
  ]);
  assert.deepEqual(errors(pod({ initContainers: [c({ name: 'i', restartPolicy: 'Always', readinessProbe: probe, lifecycle: { preStop: probe } })] })), []);
});

test('liveness probe successThreshold must be 1 and a handler is required', () => {
  assert.deepEqual(errors(pod({ containers: [c({ livenessProbe: { exec: { command: ['x'] }, successThreshold: 2 } })] })), [
    'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
  ]);
  assert.deepEqual(errors(pod({ containers: [c({ readinessProbe: {} })] })), ['spec.containers[0].readinessProbe: Required value: must specify a handler type']);
  assert.deepEqual(errors(pod({ containers: [c({ readinessProbe: { exec: { command: ['x'] }, tcpSocket: { port: 80 } } })] })), [
    'spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
  ]);
});

test('volume names are unique DNS labels with exactly one source', () => {
  assert.deepEqual(
    errors(
      pod({
        volumes: [
          { name: 'data', emptyDir: {} },
          { name: 'data', emptyDir: {} },
          { name: 'two', emptyDir: {}, hostPath: { path: '/x' } },
          { name: 'Bad', emptyDir: {} },
        ],
      }),
    ),
    [
      'spec.volumes[1].name: Duplicate value: "data"',
      'spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type',
      `spec.volumes[3].name: Invalid value: "Bad": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ],
  );
});

test('volumeMounts must name an existing volume and use unique mount paths', () => {
  const p = pod({
    volumes: [{ name: 'data', emptyDir: {} }],
    containers: [
      c({
        volumeMounts: [
          { name: 'x', mountPath: '/a' },
          { name: 'data', mountPath: '/a' },
          { name: 'data', mountPath: '' },
          { name: 'data', mountPath: '/b', subPath: '../up' },
          { name: 'data', mountPath: '/c', subPath: '/abs' },
        ],
      }),
    ],
  });
  assert.deepEqual(errors(p), [
    'spec.containers[0].volumeMounts[0].name: Not found: "x"',
    'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/a": must be unique',
    'spec.containers[0].volumeMounts[2].mountPath: Required value',
    `spec.containers[0].volumeMounts.subPath: Invalid value: "../up": must not contain '..'`,
    'spec.containers[0].volumeMounts.subPath: Invalid value: "/abs": must be a relative path',
  ]);
});

test('hostPath needs a path and a supported type', () => {
  assert.deepEqual(errors(pod({ volumes: [{ name: 'h', hostPath: { path: '' } }] })), ['spec.volumes[0].hostPath.path: Required value']);
  assert.deepEqual(errors(pod({ volumes: [{ name: 'h', hostPath: { path: '/x', type: 'Dir' as 'Directory' } }] })), [
    'spec.volumes[0].hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
  ]);
});

test('configMap and secret volumes need names and valid modes', () => {
  assert.deepEqual(errors(pod({ volumes: [{ name: 'c', configMap: { defaultMode: 0o1000 } }, { name: 's', secret: {} }] })), [
    'spec.volumes[0].configMap.name: Required value',
    'spec.volumes[0].configMap.defaultMode: Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive',
    'spec.volumes[1].secret.secretName: Required value',
  ]);
});

test('container ports must be in range with unique names', () => {
  assert.deepEqual(errors(pod({ containers: [c({ ports: [{ containerPort: 70000, name: 'http' }, { containerPort: 80, name: 'http' }] })] })), [
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[1].name: Duplicate value: "http"',
  ]);
});

test('env names and valueFrom sources are validated', () => {
  assert.deepEqual(
    errors(
      pod({
        containers: [
          c({
            env: [
              { name: '' },
              { name: 'A=B' },
              { name: 'X', valueFrom: {} },
              { name: 'Y', value: 'v', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'Z', valueFrom: { fieldRef: { fieldPath: 'spec.restartPolicy' } } },
              { name: 'K', valueFrom: { configMapKeyRef: { name: 'cm', key: '' } } },
            ],
          }),
        ],
      }),
    ),
    [
      'spec.containers[0].env[0].name: Required value',
      'spec.containers[0].env[0].name: Invalid value: "": environment variable name must be non-empty',
      `spec.containers[0].env[1].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
      'spec.containers[0].env[2].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      'spec.containers[0].env[3].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
      'spec.containers[0].env[4].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.restartPolicy": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
      'spec.containers[0].env[5].valueFrom.configMapKeyRef.key: Required value',
    ],
  );
});

test('resource quantities must parse and requests may not exceed limits', () => {
  assert.deepEqual(errors(pod({ containers: [c({ resources: { limits: { cpu: '1x' } } })] })), [
    `spec.containers[0].resources.limits[cpu]: Invalid value: "1x": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    `spec.containers[0].resources.requests[cpu]: Invalid value: "1x": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
  ]);
  assert.deepEqual(errors(pod({ containers: [c({ resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } })] })), [
    'spec.containers[0].resources.requests: Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi',
  ]);
});

test('metadata name must be a DNS-1123 subdomain and the 422 message aggregates errors', () => {
  const p = pod({ containers: [] }, 'Web');
  const errs = validatePodCreate(p);
  assert.equal(
    invalid('Pod', '', 'Web', errs).message,
    `Pod "Web" is invalid: [metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), spec.containers: Required value]`,
  );
});

test('activeDeadlineSeconds must be positive', () => {
  assert.deepEqual(errors(pod({ activeDeadlineSeconds: 0 })), ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive']);
});

test('pod update allows image, activeDeadlineSeconds and added tolerations', () => {
  const old = pod({ nodeName: 'n1' });
  old.metadata.resourceVersion = '5';
  const next = structuredClone(old);
  next.spec.containers[0] = { ...(next.spec.containers[0] as Container), image: 'busybox:1.37' };
  next.spec.activeDeadlineSeconds = 60;
  next.spec.tolerations = [...(next.spec.tolerations ?? []), { key: 'k', operator: 'Exists' }];
  assert.deepEqual(validatePodUpdate(next, old).map(formatFieldError), []);
});

test('pod update forbids other spec changes with the upstream message', () => {
  const old = pod();
  const next = structuredClone(old);
  next.spec.restartPolicy = 'Never';
  const errs = validatePodUpdate(next, old).map(formatFieldError);
  assert.equal(errs.length, 1);
  assert.ok(
    errs[0]?.startsWith(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n  core.PodSpec{\n',
    ),
    errs[0],
  );
  assert.match(errs[0] ?? '', /- \trestartPolicy: "Always",\n\+ \trestartPolicy: "Never",/);
});

test('pod update forbids adding containers and removing tolerations', () => {
  const old = pod();
  const more = structuredClone(old);
  more.spec.containers.push(c({ name: 'b' }));
  podStrategy.prepareForUpdate(more, old);
  assert.deepEqual(validatePodUpdate(more, old).map(formatFieldError), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
  const fewer = structuredClone(old);
  fewer.spec.tolerations = [];
  assert.deepEqual(validatePodUpdate(fewer, old).map(formatFieldError), [
    'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
  ]);
});

test('status update forbids un-terminating a container under restartPolicy Never', () => {
  const old = pod({ restartPolicy: 'Never' });
  old.status = { phase: 'Failed', qosClass: 'BestEffort', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode: 1 } } }] };
  const next = structuredClone(old);
  next.status = { ...next.status, phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: '', imageID: '', state: { running: {} } }] };
  assert.deepEqual(validatePodStatusUpdate(next, old).map(formatFieldError), [
    'status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state',
  ]);
});

test('status update rejects an unknown phase and a changed qosClass', () => {
  const old = pod();
  const next = structuredClone(old);
  next.status = { phase: 'Done' as 'Running', qosClass: 'Guaranteed' };
  assert.deepEqual(validatePodStatusUpdate(next, old).map(formatFieldError), [
    'status.phase: Unsupported value: "Done": supported values: "Pending", "Running", "Succeeded", "Failed", "Unknown"',
    'status.qosClass: Invalid value: "Guaranteed": field is immutable',
  ]);
});
