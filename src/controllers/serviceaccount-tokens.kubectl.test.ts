import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../apiserver/testing/test-server.js';
import { createApiClient } from '../client/rest-client.js';
import { startTokensController, type TokensController } from './serviceaccount-tokens.js';

const run = promisify(execFile);

async function eventually<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('legacy ServiceAccount token Secrets with kubectl 1.32 (LegacyServiceAccountTokenNoAutoGeneration=false)', () => {
  let t: TestServer;
  let controller: TokensController;
  let close: (() => void) | undefined;
  let caFile = '';
  before(async () => {
    t = await startTestServer(undefined, { access: true });
    const client = createApiClient({ server: t.url, caPem: t.pki.caPem, certPem: t.pki.admin.certPem, keyPem: t.pki.admin.keyPem });
    close = (client as { close?: () => void }).close;
    const tokens = t.tokens!;
    controller = startTokensController({ client, generateToken: (c) => tokens.generateLegacy(c), rootCA: t.pki.caPem, autoGenerate: true, retryDelayMs: 50 });
    caFile = join(t.dir, 'ca.crt');
    writeFileSync(caFile, t.pki.caPem);
  });
  after(async () => {
    await controller.stop();
    close?.();
    await t.close();
  });

  /** kubectl with only the token as credential (no client certificate in a kubeconfig). */
  const withToken = async (token: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const r = await run('/usr/bin/kubectl', ['--kubeconfig', '/dev/null', '--server', t.url, '--certificate-authority', caFile, '--token', token, ...args], { env: { ...process.env, HOME: t.dir } });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };

  it('kubectl create sa x: a token Secret appears whose token authenticates as system:serviceaccount:default:x, until the Secret is deleted', async () => {
    const created = await t.kubectl(['create', 'sa', 'x']);
    assert.equal(created.code, 0, created.stderr);
    const secretName = await eventually('x lists a token secret', async () => {
      const r = await t.kubectl(['get', 'sa', 'x', '-o', 'jsonpath={.secrets[0].name}']);
      return r.stdout.trim() || undefined;
    });
    assert.match(secretName, /^x-token-[a-z0-9]{5}$/);
    const type = await t.kubectl(['get', 'secret', secretName, '-o', 'jsonpath={.type}']);
    assert.equal(type.stdout, 'kubernetes.io/service-account-token');
    const encoded = await t.kubectl(['get', 'secret', secretName, '-o', 'jsonpath={.data.token}']);
    const token = Buffer.from(encoded.stdout, 'base64').toString();

    const whoami = await withToken(token, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.equal(whoami.stdout, 'system:serviceaccount:default:x');

    const deleted = await t.kubectl(['delete', 'secret', secretName]);
    assert.equal(deleted.code, 0, deleted.stderr);
    const refused = await withToken(token, ['auth', 'whoami']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /You must be logged in to the server \(Unauthorized\)/);
  });

  it('kubectl create secret for a ServiceAccount by hand: the controller fills it and its token authenticates', async () => {
    const manifest = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x-manual', annotations: { 'kubernetes.io/service-account.name': 'x' } }, type: 'kubernetes.io/service-account-token' });
    const applied = await t.kubectl(['apply', '-f', '-'], manifest);
    assert.equal(applied.code, 0, applied.stderr);
    const token = await eventually('x-manual filled', async () => {
      const r = await t.kubectl(['get', 'secret', 'x-manual', '-o', 'jsonpath={.data.token}']);
      return r.stdout ? Buffer.from(r.stdout, 'base64').toString() : undefined;
    });
    const whoami = await withToken(token, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    assert.equal(whoami.stdout, 'system:serviceaccount:default:x', whoami.stderr);
  });
});
