/** Unit tests of the image manager's use of pull secrets: CRI auth per matching credential, in order, and errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod, Secret } from '../../api/types.js';
import type { AuthConfig, CriImage, ImageService } from '../../cri/types.js';
import type { EventRecorder } from '../events/recorder.js';
import { FakeClock } from '../../api/testing/fake-clock.js';
import { ImageError, ImageManager } from './image-manager.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** An ImageService whose registry accepts only `good:pw`, recording the auth of each PullImage. */
function registry(): ImageService & { auths: (AuthConfig | undefined)[] } {
  const auths: (AuthConfig | undefined)[] = [];
  return {
    auths,
    async listImages(): Promise<CriImage[]> {
      return [];
    },
    async imageStatus(): Promise<CriImage | undefined> {
      return undefined;
    },
    async pullImage(image, _sandbox, auth) {
      auths.push(auth);
      if (auth?.username === 'good' && auth.password === 'pw') return `sha256:${image}`;
      throw Object.assign(new Error('x'), { details: `failed to pull "${image}": 401 Unauthorized (as ${auth?.username ?? 'anonymous'})` });
    },
    async removeImage() {},
  };
}

function recorder(): EventRecorder & { events: string[] } {
  const events: string[] = [];
  return { events, event: (_p, type, reason, message) => events.push(`${type} ${reason} ${message}`), flush: async () => {} };
}

const secret = (name: string, user: string, password: string, host = '127.0.0.1:5000'): Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'ns' },
  type: 'kubernetes.io/dockerconfigjson',
  data: { '.dockerconfigjson': b64(JSON.stringify({ auths: { [host]: { username: user, password, auth: b64(`${user}:${password}`) } } })) },
});

const pod = (uid: string, pullSecrets: string[]): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', uid },
  spec: { containers: [{ name: 'c', image: '127.0.0.1:5000/private/busybox:1.36' }], imagePullSecrets: pullSecrets.map((name) => ({ name })) },
});

describe('ImageManager pull secrets', () => {
  const secrets = new Map([
    ['wrong', secret('wrong', 'wrong', 'nope')],
    ['right', secret('right', 'good', 'pw')],
    ['other-host', secret('other-host', 'good', 'pw', '127.0.0.1:5001')],
  ]);
  const source = { getSecret: async (_ns: string, name: string) => secrets.get(name) };

  it('tries each matching credential in order and stops at the first that pulls', async () => {
    const images = registry();
    const events = recorder();
    const m = new ImageManager(images, events, new FakeClock(), source);
    const p = pod('u1', ['wrong', 'missing', 'right', 'other-host']);
    const ref = await m.ensureImageExists(p, p.spec!.containers[0]!, undefined);
    assert.equal(ref, 'sha256:127.0.0.1:5000/private/busybox:1.36');
    assert.deepEqual(images.auths.map((a) => a?.username), ['wrong', 'good']);
    assert.deepEqual(images.auths[1], { username: 'good', password: 'pw' });
    assert.ok(events.events.includes('Warning FailedToRetrieveImagePullSecret Unable to retrieve some image pull secrets (missing); attempting to pull the image may not succeed.'));
  });

  it('pulls without auth when no credential matches, and reports the registry error as ErrImagePull', async () => {
    const images = registry();
    const m = new ImageManager(images, recorder(), new FakeClock(), source);
    const p = pod('u2', ['other-host']);
    await assert.rejects(m.ensureImageExists(p, p.spec!.containers[0]!, undefined), (err: ImageError) => {
      assert.equal(err.reason, 'ErrImagePull');
      assert.equal(err.message, 'failed to pull "127.0.0.1:5000/private/busybox:1.36": 401 Unauthorized (as anonymous)');
      return true;
    });
    assert.deepEqual(images.auths, [undefined]);
  });

  it('aggregates the errors of every failed credential', async () => {
    const images = registry();
    const m = new ImageManager(images, recorder(), new FakeClock(), { getSecret: async (_ns, name) => (name === 'a' ? secret('a', 'a', 'x') : secret('b', 'b', 'y')) });
    const p = pod('u3', ['a', 'b']);
    await assert.rejects(m.ensureImageExists(p, p.spec!.containers[0]!, undefined), (err: ImageError) => {
      assert.equal(err.reason, 'ErrImagePull');
      assert.equal(err.message, '[failed to pull "127.0.0.1:5000/private/busybox:1.36": 401 Unauthorized (as a), failed to pull "127.0.0.1:5000/private/busybox:1.36": 401 Unauthorized (as b)]');
      return true;
    });
  });
});
