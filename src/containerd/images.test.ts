// Unit tests of image reference normalisation.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeImageRef } from './images.js';

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
