// Runs the ApiClient contract against the real API server (REST client over HTTPS) and the kubelet's and controllers' fakes.

import { startTestServer } from '../apiserver/testing/test-server.js';
import { FakeApi as ControllersFakeApi } from '../controllers/testing/fake-api.js';
import { FakeApi as KubeletFakeApi } from '../kubelet/testing/fake-api.js';
import { createApiClient } from './rest-client.js';
import { apiClientContract } from './testing/api-client-contract.js';

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
