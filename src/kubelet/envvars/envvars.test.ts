// Service environment variables: FromServices' names and values, which Services a pod sees, and how they meet the container's env.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Service, ServicePort } from '../../api/services.js';
import { makeEnvironmentVariables, type EnvFacts, type ObjectSource } from '../container/env.js';
import { serviceEnvFor } from '../kuberuntime/container-config.js';
import { container, makePod } from '../testing/builders.js';
import { envVarName, fromServices, serviceEnvVarMap } from './envvars.js';
import { staticServiceLister, type ServiceLister } from './service-lister.js';

const svc = (ns: string, name: string, clusterIP: string, ports: ServicePort[] = [{ port: 80, protocol: 'TCP' }]): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { clusterIP, ports },
});

const kubernetes = svc('default', 'kubernetes', '10.43.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]);
const db = svc('team', 'my-db', '10.43.0.50', [{ port: 5432, protocol: 'TCP' }, { name: 'metrics', port: 9187, protocol: 'TCP' }, { name: 'dns-udp', port: 53, protocol: 'UDP' }]);

describe('fromServices', () => {
  it('gives SERVICE_HOST, SERVICE_PORT, named ports and Docker link variables in upstream order', () => {
    assert.deepEqual(fromServices([db]), [
      ['MY_DB_SERVICE_HOST', '10.43.0.50'],
      ['MY_DB_SERVICE_PORT', '5432'],
      ['MY_DB_SERVICE_PORT_METRICS', '9187'],
      ['MY_DB_SERVICE_PORT_DNS_UDP', '53'],
      ['MY_DB_PORT', 'tcp://10.43.0.50:5432'],
      ['MY_DB_PORT_5432_TCP', 'tcp://10.43.0.50:5432'],
      ['MY_DB_PORT_5432_TCP_PROTO', 'tcp'],
      ['MY_DB_PORT_5432_TCP_PORT', '5432'],
      ['MY_DB_PORT_5432_TCP_ADDR', '10.43.0.50'],
      ['MY_DB_PORT_9187_TCP', 'tcp://10.43.0.50:9187'],
      ['MY_DB_PORT_9187_TCP_PROTO', 'tcp'],
      ['MY_DB_PORT_9187_TCP_PORT', '9187'],
      ['MY_DB_PORT_9187_TCP_ADDR', '10.43.0.50'],
      ['MY_DB_PORT_53_UDP', 'udp://10.43.0.50:53'],
      ['MY_DB_PORT_53_UDP_PROTO', 'udp'],
      ['MY_DB_PORT_53_UDP_PORT', '53'],
      ['MY_DB_PORT_53_UDP_ADDR', '10.43.0.50'],
    ]);
  });

  it('skips headless and IP-less Services and brackets IPv6 addresses in URLs', () => {
    assert.deepEqual(fromServices([svc('team', 'headless', 'None'), svc('team', 'ext', '')]), []);
    const v6 = fromServices([svc('team', 'v6', 'fd00::10')]);
    assert.deepEqual(v6.find(([k]) => k === 'V6_PORT'), ['V6_PORT', 'tcp://[fd00::10]:80']);
    assert.equal(envVarName('a-b-c'), 'A_B_C');
  });
});

describe('serviceEnvVarMap', () => {
  const all = [kubernetes, db, svc('other', 'elsewhere', '10.43.0.60'), svc('team', 'headless', 'None')];
  const names = (m: Map<string, string>): string[] => [...new Set([...m.keys()].map((k) => k.replace(/_(SERVICE|PORT).*$/, '')))];

  it('gives a pod its namespace\'s Services and the kubernetes Service', () => {
    assert.deepEqual(names(serviceEnvVarMap('team', true, all)), ['KUBERNETES', 'MY_DB']);
  });

  it('gives only the kubernetes Service when enableServiceLinks is false', () => {
    assert.deepEqual(names(serviceEnvVarMap('team', false, all)), ['KUBERNETES']);
  });

  it('lets a Service of the pod\'s namespace named kubernetes win over the master one, in either order', () => {
    const mine = svc('team', 'kubernetes', '10.43.0.99');
    assert.equal(serviceEnvVarMap('team', true, [kubernetes, mine]).get('KUBERNETES_SERVICE_HOST'), '10.43.0.99');
    assert.equal(serviceEnvVarMap('team', true, [mine, kubernetes]).get('KUBERNETES_SERVICE_HOST'), '10.43.0.99');
  });
});

describe('service variables in a container', () => {
  const facts: EnvFacts = { podIP: '10.42.0.5', podIPs: ['10.42.0.5'], hostIP: '127.0.0.1', nodeName: 'n', allocatable: {} };
  const objects: ObjectSource = { getConfigMap: async () => ({ metadata: { name: 'cm' }, data: { MY_DB_SERVICE_PORT: 'from-configmap' } }), getSecret: async () => undefined };

  it('come after the container\'s own env, which wins, and $(VAR) sees them', async () => {
    const pod = makePod('p', [], {
      containers: [
        container('c', {
          envFrom: [{ configMapRef: { name: 'cm' } }],
          env: [
            { name: 'MY_DB_SERVICE_HOST', value: 'explicit' },
            { name: 'URL', value: 'postgres://$(MY_DB_PORT_5432_TCP_ADDR):$(MY_DB_SERVICE_PORT)' },
          ],
        }),
      ],
    });
    pod.metadata.namespace = 'team';
    const serviceEnv = serviceEnvVarMap('team', true, [kubernetes, db]);
    const env = await makeEnvironmentVariables(pod, pod.spec.containers[0]!, objects, facts, serviceEnv);
    assert.equal(env.get('MY_DB_SERVICE_HOST'), 'explicit');
    assert.equal(env.get('MY_DB_SERVICE_PORT'), 'from-configmap');
    assert.equal(env.get('URL'), 'postgres://10.43.0.50:from-configmap');
    assert.equal(env.get('KUBERNETES_SERVICE_HOST'), '10.43.0.1');
    assert.deepEqual([...env.keys()].slice(0, 3), ['MY_DB_SERVICE_PORT', 'MY_DB_SERVICE_HOST', 'URL']);
  });

  it('fail the container config until the Services have been listed once', async () => {
    const unsynced: ServiceLister = { list: () => [], hasSynced: () => false, waitForSync: async () => false };
    await assert.rejects(serviceEnvFor(makePod('p', ['c']), unsynced), { name: 'ContainerConfigError', message: 'services have not yet been read at least once, cannot construct envvars' });
    const env = await serviceEnvFor(makePod('p', ['c'], { enableServiceLinks: false }), staticServiceLister([kubernetes, svc('default', 'web', '10.43.0.70')]));
    assert.deepEqual([...env.keys()].filter((k) => k.endsWith('_SERVICE_HOST')), ['KUBERNETES_SERVICE_HOST']);
    assert.equal((await serviceEnvFor(makePod('p', ['c']), undefined)).size, 0);
  });
});
