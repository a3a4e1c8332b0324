// Unit tests of image reference normalisation.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultRepositoryFor, importedImageName, normalizeImageRef, normalizeRepository, ociIndexNaming } from './images.js';

describe('normalizeImageRef', () => {
  it('expands docker hub short names like CRI does', () => {
    assert.equal(normalizeImageRef('busybox'), 'docker.io/library/busybox:latest');
    assert.equal(normalizeImageRef('busybox:1.36'), 'docker.io/library/busybox:1.36');
    assert.equal(normalizeImageRef('me/app'), 'docker.io/me/app:latest');
    assert.equal(normalizeImageRef('index.docker.io/library/busybox:1'), 'docker.io/library/busybox:1');
  });
  it('keeps other registries, ports and digests', () => {
    assert.equal(normalizeImageRef('localhost:5000/x'), 'localhost:5000/x:latest');
    assert.equal(normalizeImageRef('quay.io/a/b@sha256:abc'), 'quay.io/a/b@sha256:abc');
    assert.equal(normalizeImageRef('k1s.local/pause:3.9'), 'k1s.local/pause:3.9');
  });
  it('rejects upper-case repositories', () => {
    assert.throws(() => normalizeImageRef('BusyBox'), /invalid image reference "BusyBox"/);
  });
});

describe('importedImageName (tag-only OCI refs)', () => {
  it('names an image the archive names by tag only after the file, like docker.io/library/<file>:<tag>', () => {
    assert.deepEqual(importedImageName('import-2026-12-01:1.36', '/tmp/busybox.tar'), {
      name: 'docker.io/library/busybox:1.36',
      file: '/tmp/busybox.tar',
      tagOnlyRef: '1.36',
    });
    assert.equal(importedImageName('import-2026-12-01:v2', '/x/app.oci.tar.gz').name, 'docker.io/library/app:v2');
  });
  it('uses --name as the repository, normalised', () => {
    assert.equal(importedImageName('import-2026-12-01:1.36', '/tmp/out.tar', 'busybox').name, 'docker.io/library/busybox:1.36');
    assert.equal(importedImageName('import-2026-12-01:1', '/tmp/out.tar', 'registry.local:5000/team/app').name, 'registry.local:5000/team/app:1');
    assert.equal(importedImageName('import-2026-12-01:1', '/tmp/out.tar', 'me/app').name, 'docker.io/me/app:1');
  });
  it('keeps names the archive gives in full (io.containerd.image.name, docker RepoTags)', () => {
    assert.deepEqual(importedImageName('docker.io/library/busybox:1.35', '/tmp/x.tar', 'other'), { name: 'docker.io/library/busybox:1.35', file: '/tmp/x.tar' });
  });
  it('asks for --name when the file name is no repository name', () => {
    assert.throws(() => importedImageName('import-2026-12-01:1.36', '/tmp/My Image.tar'), /"My Image" is not a repository name; give one with --name/);
  });
  it('rejects a --name with a tag, digest or upper case', () => {
    assert.throws(() => normalizeRepository('busybox:1.36'), /invalid repository "busybox:1.36"/);
    assert.throws(() => normalizeRepository('busybox@sha256:abc'), /invalid repository/);
    assert.throws(() => normalizeRepository('BusyBox'), /invalid repository/);
    assert.equal(normalizeRepository('localhost:5000/x'), 'localhost:5000/x');
  });
  it('derives the default repository from the file name', () => {
    assert.equal(defaultRepositoryFor('/a/busybox.tar'), 'busybox');
    assert.equal(defaultRepositoryFor('nginx.tgz'), 'nginx');
    assert.equal(defaultRepositoryFor('my-app_1.oci'), 'my-app_1');
    assert.equal(defaultRepositoryFor('/x/agent/images/pause.tar.zst'), 'pause');
    assert.equal(defaultRepositoryFor('alpine.tzst'), 'alpine');
    assert.equal(defaultRepositoryFor('redis.tar.gz'), 'redis');
  });
});

describe('ociIndexNaming', () => {
  it('sees a umoci/skopeo index as tag-only', () => {
    const umoci = '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:158d","size":349,"annotations":{"org.opencontainers.image.ref.name":"1.36"}}]}';
    assert.deepEqual(ociIndexNaming(umoci), { fullNames: [], tagOnly: ['1.36'] });
  });
  it('sees containerd/k1s names and whole-reference ref.names as full names, and skips unnamed entries', () => {
    const index = JSON.stringify({
      manifests: [
        { annotations: { 'io.containerd.image.name': 'docker.io/library/busybox:1.36', 'org.opencontainers.image.ref.name': '1.36' } },
        { annotations: { 'org.opencontainers.image.ref.name': 'quay.io/x/y:2' } },
        { annotations: { 'org.opencontainers.image.ref.name': 'latest' } },
        {},
      ],
    });
    assert.deepEqual(ociIndexNaming(index), { fullNames: ['docker.io/library/busybox:1.36', 'quay.io/x/y:2'], tagOnly: ['latest'] });
  });
  it('rejects text that is no index', () => {
    assert.throws(() => ociIndexNaming('{}'), /invalid OCI index/);
  });
});
