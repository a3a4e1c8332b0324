import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSize, importSummary } from './images.js';

test('importSummary gives the image count, size, time and rate of one archive', () => {
  assert.equal(importSummary('/tmp/busybox.tar', 3, 4 * 1024 * 1024, 2000), '/tmp/busybox.tar: 3 images, 4.0MB in 2.0 s (2.0MB/s)');
  assert.equal(importSummary('/tmp/one.tar', 1, 512, 0), '/tmp/one.tar: 1 image, 512B in 0.0 s (500.0kB/s)');
  assert.equal(formatSize(1536), '1.5kB');
});
