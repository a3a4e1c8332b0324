// Tests of the test registry and the busybox test image builder.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sha256Digest, type BuiltImage } from '../../src/containerd/oci-archive.js';
import { buildBusyboxArchive } from '../images/busybox.js';
import { repositoryAndTag, startOciRegistry, type OciRegistry } from './oci-registry.js';

describe('startOciRegistry', () => {
  let dir = '';
  let registry: OciRegistry;
  let image: BuiltImage;
  let buildMs = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k1s-reg-'));
    const start = performance.now();
    image = await buildBusyboxArchive(join(dir, 'busybox.tar'));
    buildMs = performance.now() - start;
    registry = await startOciRegistry([join(dir, 'busybox.tar')]);
  });

  after(async () => {
    await registry.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('builds the busybox archive in well under 10 s', () => {
    assert.ok(buildMs < 5_000, `${buildMs} ms`);
  });

  it('with basicAuth answers 401 with a Basic challenge unless the credentials match', async () => {
    const locked = await startOciRegistry([join(dir, 'busybox.tar')], { basicAuth: { username: 'u', password: 'p' } });
    try {
      const path = `${locked.url}/v2/library/busybox/manifests/1.36`;
      const anonymous = await fetch(path);
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.headers.get('www-authenticate'), 'Basic realm="k1s-test-registry"');
      assert.deepEqual(await anonymous.json(), { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: null }] });
      const basic = (cred: string): Record<string, string> => ({ Authorization: `Basic ${Buffer.from(cred).toString('base64')}` });
      assert.equal((await fetch(path, { headers: basic('u:wrong') })).status, 401);
      const ok = await fetch(path, { headers: { ...basic('u:p'), Accept: 'application/vnd.oci.image.manifest.v1+json' } });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('docker-content-digest'), image.manifest.digest);
    } finally {
      await locked.close();
    }
  });

  it('answers the API version check on 127.0.0.1', async () => {
    assert.match(registry.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${registry.url}/v2/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('docker-distribution-api-version'), 'registry/2.0');
  });

  it('serves a manifest by tag and by digest with its digest header', async () => {
    for (const ref of ['1.36', 'latest', image.manifest.digest]) {
      const res = await fetch(`${registry.url}/v2/library/busybox/manifests/${ref}`);
      assert.equal(res.status, 200, ref);
      assert.equal(res.headers.get('content-type'), 'application/vnd.oci.image.manifest.v1+json');
      assert.equal(res.headers.get('docker-content-digest'), image.manifest.digest);
      assert.equal(sha256Digest(Buffer.from(await res.arrayBuffer())), image.manifest.digest);
    }
    const head = await fetch(`${registry.url}/v2/library/busybox/manifests/1.36`, { method: 'HEAD' });
    assert.equal(head.headers.get('content-length'), String(image.manifest.data.length));
  });

  it('serves blobs and answers 404 with distribution error codes for unknown names', async () => {
    const layer = image.layers[0]!;
    const res = await fetch(`${registry.url}/v2/library/busybox/blobs/${layer.digest}`);
    assert.equal(sha256Digest(Buffer.from(await res.arrayBuffer())), layer.digest);
    const missing = await fetch(`${registry.url}/v2/library/busybox/manifests/9.9`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { errors: { code: string }[] }).errors[0]?.code, 'MANIFEST_UNKNOWN');
    assert.equal((await fetch(`${registry.url}/v2/library/busybox/blobs/sha256:${'0'.repeat(64)}`)).status, 404);
  });

  it('records requests without their query', async () => {
    await fetch(`${registry.url}/v2/library/busybox/manifests/1.36?ns=docker.io`);
    assert.equal(registry.requests.at(-1), 'GET /v2/library/busybox/manifests/1.36');
  });
});

describe('repositoryAndTag', () => {
  it('strips the registry domain and defaults the tag', () => {
    assert.deepEqual(repositoryAndTag('docker.io/library/busybox:1.36'), ['library/busybox', '1.36']);
    assert.deepEqual(repositoryAndTag('localhost:5000/a/b'), ['a/b', 'latest']);
    assert.deepEqual(repositoryAndTag('busybox:1'), ['busybox', '1']);
  });
});
