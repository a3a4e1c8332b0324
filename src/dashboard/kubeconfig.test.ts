import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterAccessFrom } from './kubeconfig.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test("clusterAccessFrom reads the current context's server, CA, client certificate and namespace from *-data fields", () => {
  const text = `apiVersion: v1
kind: Config
current-context: k1s
clusters:
- name: k1s
  cluster: { server: "https://127.0.0.1:6443/", certificate-authority-data: ${b64('CA')} }
users:
- name: admin
  user: { client-certificate-data: ${b64('CERT')}, client-key-data: ${b64('KEY')} }
- name: bot
  user: { token: abc }
contexts:
- name: k1s
  context: { cluster: k1s, user: admin, namespace: team }
- name: other
  context: { cluster: k1s, user: bot }
`;
  assert.deepEqual(clusterAccessFrom(text, '/nowhere'), { server: 'https://127.0.0.1:6443', caPem: 'CA', certPem: 'CERT', keyPem: 'KEY', insecureSkipTlsVerify: false, namespace: 'team' });
  assert.equal(clusterAccessFrom(text, '/nowhere', 'other').token, 'abc');
  assert.throws(() => clusterAccessFrom(text, '/nowhere', 'gone'), /kubeconfig: no context "gone"/);
  assert.throws(() => clusterAccessFrom('kind: Config', '/nowhere'), /no current-context/);
});
