/**
 * Pulling from a registry that needs a password, as the conformance spec "Container Runtime blackbox test ...
 * should be able to pull from private registry with secret" does: a local registry with HTTP Basic auth
 * (reachable over plain HTTP through a registries.yaml mirror entry that carries no credentials), a pod without
 * imagePullSecrets or with a wrong password failing with ErrImagePull and the registry's 401, and the same pod
 * with a `kubectl create secret docker-registry` Secret running.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBusyboxArchive } from '../images/busybox.js';
import { startOciRegistry, type OciRegistry } from '../registry/oci-registry.js';
import { applyAndWait, e2eSkip, podRow, useCluster, type ClusterOptions } from './harness.js';

const USER = 'k1s-e2e';
const PASSWORD = 's3cret-pa55';

describe('private registry with an image pull secret', { skip: e2eSkip }, () => {
  let registry: OciRegistry | undefined;
  let dir = '';
  const options: ClusterOptions & { mirrors: Record<string, string[]> } = { nodeName: 'k1s-private-registry', mirrors: {} };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k1s-private-registry-'));
    const archive = join(dir, 'private-busybox.tar');
    await buildBusyboxArchive(archive, ['registry.invalid/private/busybox:1.36']);
    registry = await startOciRegistry([archive], { basicAuth: { username: USER, password: PASSWORD } });
    options.mirrors[registry.host] = [registry.url];
  });
  after(async () => {
    await registry?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const cluster = useCluster(options);
  const image = (): string => `${registry?.host ?? ''}/private/busybox:1.36`;
  const manifest = (name: string, secret?: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  restartPolicy: Never
${secret ? `  imagePullSecrets:\n  - name: ${secret}\n` : ''}  containers:
  - name: main
    image: ${image()}
    command: ['sh', '-c', 'echo pulled with a secret; sleep 3600']
`;
  const waitingMessage = async (name: string): Promise<string> =>
    cluster().kubectlOk(['get', 'pod', name, '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.message}']);

  it('a pod without imagePullSecrets cannot pull and reports the registry 401', async () => {
    await applyAndWait(cluster(), manifest('no-secret'), 'no-secret', /^(ErrImagePull|ImagePullBackOff)$/);
    assert.match(await waitingMessage('no-secret'), /401 Unauthorized/);
    await cluster().kubectlOk(['delete', 'pod', 'no-secret', '--wait=true', '--timeout=60s']);
  });

  it('a pod whose docker-registry Secret has a wrong password cannot pull', async () => {
    await cluster().kubectlOk(['create', 'secret', 'docker-registry', 'wrong-cred', `--docker-server=${registry?.host ?? ''}`, `--docker-username=${USER}`, '--docker-password=not-it']);
    await applyAndWait(cluster(), manifest('wrong-secret', 'wrong-cred'), 'wrong-secret', /^(ErrImagePull|ImagePullBackOff)$/);
    assert.match(await waitingMessage('wrong-secret'), /401 Unauthorized/);
    await cluster().kubectlOk(['delete', 'pod', 'wrong-secret', '--wait=true', '--timeout=60s']);
  });

  it('the same pod with a kubectl create secret docker-registry Secret pulls and runs', async () => {
    await cluster().kubectlOk(['create', 'secret', 'docker-registry', 'regcred', `--docker-server=${registry?.host ?? ''}`, `--docker-username=${USER}`, `--docker-password=${PASSWORD}`, '--docker-email=e2e@example.com']);
    await applyAndWait(cluster(), manifest('with-secret', 'regcred'), 'with-secret', /^Running$/);
    assert.equal((await podRow(cluster(), 'with-secret'))?.ready, '1/1');
    await cluster().waitFor('the container log', async () => (await cluster().kubectlOk(['logs', 'with-secret'])) === 'pulled with a secret\n');
    const imageID = await cluster().kubectlOk(['get', 'pod', 'with-secret', '-o', 'jsonpath={.status.containerStatuses[0].imageID}']);
    assert.match(imageID, new RegExp(`^${(registry?.host ?? '').replace(/\./g, '\\.')}/private/busybox@sha256:[0-9a-f]{64}$`));
    await cluster().kubectlOk(['delete', 'pod', 'with-secret', '--grace-period=1', '--wait=true', '--timeout=60s']);
  });
});
