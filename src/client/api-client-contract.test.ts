// Runs the ApiClient contract against the real API server (REST client over HTTPS) and the kubelet's and controllers'
// fakes, and its list/watch part against the collection fakes of the DNS and proxy tests.

import { isNotFound } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { startTestServer } from '../apiserver/testing/test-server.js';
import { FakeApi as ControllersFakeApi } from '../controllers/testing/fake-api.js';
import { FakeCollections as DnsFakeCollections } from '../dns/testing/fake-client.js';
import { FakeApi as KubeletFakeApi } from '../kubelet/testing/fake-api.js';
import { FakeCollections as ProxyFakeCollections } from '../proxy/testing/fake-collections.js';
import { createApiClient } from './rest-client.js';
import { apiClientContract, listWatchContract } from './testing/api-client-contract.js';

apiClientContract('in-process API server through the REST client', async () => {
  const t = await startTestServer();
  const client = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.admin.certPem, keyPem: t.pki.admin.keyPem });
  return {
    client,
    close: async () => {
      client.close();
      await t.close();
    },
  };
});

apiClientContract('controllers/testing FakeApi', async () => ({ client: new ControllersFakeApi(), close: async () => {} }));

apiClientContract('kubelet/testing FakeApi', async () => ({ client: new KubeletFakeApi(), close: async () => {} }));

listWatchContract('in-process API server through the REST client', async () => {
  const t = await startTestServer();
  const client = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.admin.certPem, keyPem: t.pki.admin.keyPem });
  await client.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'contract' } });
  const objectPath = (obj: KubeObject): string => `/api/v1/namespaces/${obj.metadata.namespace ?? ''}/configmaps/${obj.metadata.name ?? ''}`;
  return {
    client,
    put: async (_path, obj) => {
      try {
        const cur = await client.get<KubeObject>(objectPath(obj));
        await client.update(objectPath(obj), { ...obj, metadata: { ...obj.metadata, resourceVersion: cur.metadata.resourceVersion } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await client.create(`/api/v1/namespaces/${obj.metadata.namespace ?? ''}/configmaps`, obj);
      }
    },
    remove: async (_path, obj) => {
      await client.delete(objectPath(obj));
    },
    close: async () => {
      client.close();
      await t.close();
    },
  };
});

listWatchContract('dns/testing FakeCollections', async () => {
  const fake = new DnsFakeCollections();
  return { client: fake, put: async (path, obj) => fake.put(path, obj), remove: async (path, obj) => fake.remove(path, obj), close: async () => {} };
});

listWatchContract('proxy/testing FakeCollections', async () => {
  const fake = new ProxyFakeCollections();
  return { client: fake, put: async (path, obj) => fake.put(path, obj), remove: async (path, obj) => fake.remove(path, obj), close: async () => {} };
});
