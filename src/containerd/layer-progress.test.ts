import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { pack as tarPack } from 'tar-stream';
import { layerName, watchLayers, type LayerProgress } from './layer-progress.js';

const LAYER = 'a'.repeat(64);
const MANIFEST = 'b'.repeat(64);

/** An OCI layout tar: a JSON manifest blob and a 600 KiB gzip-looking layer blob, delivered in 64 KiB chunks. */
async function ociTar(): Promise<PassThrough> {
  const p = tarPack();
  p.entry({ name: 'oci-layout' }, '{"imageLayoutVersion":"1.0.0"}');
  p.entry({ name: 'index.json' }, '{"manifests":[]}');
  p.entry({ name: 'blobs/sha256/' + MANIFEST }, '{"layers":[]}');
  const layer = Buffer.alloc(600 * 1024, 7);
  layer[0] = 0x1f;
  layer[1] = 0x8b;
  p.entry({ name: 'blobs/sha256/' + LAYER }, layer);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  const whole = Buffer.concat(chunks);
  const out = new PassThrough();
  setImmediate(() => {
    for (let i = 0; i < whole.length; i += 64 * 1024) out.write(whole.subarray(i, i + 64 * 1024));
    out.end();
  });
  return out;
}

test('layer names: OCI blobs by short digest, docker layer.tar entries by name, nothing else', () => {
  assert.equal(layerName(`blobs/sha256/${LAYER}`), 'sha256:aaaaaaaaaaaa');
  assert.equal(layerName(`./blobs/sha256/${LAYER}`), 'sha256:aaaaaaaaaaaa');
  assert.equal(layerName('0123abcd/layer.tar'), '0123abcd/layer.tar');
  assert.equal(layerName('index.json'), undefined);
  assert.equal(layerName('manifest.json'), undefined);
});

test('reports the layer blob in steps up to its size, and not the JSON blobs, while another consumer reads', async () => {
  const stream = await ociTar();
  const seen: LayerProgress[] = [];
  const other: Buffer[] = [];
  stream.on('data', (c: Buffer) => other.push(c));
  await watchLayers(stream, (p) => seen.push(p), 256 * 1024);
  assert.equal(seen.length, 3, JSON.stringify(seen));
  assert.ok(seen.every((p) => p.layer === 'sha256:aaaaaaaaaaaa' && p.totalBytes === 600 * 1024));
  assert.equal(seen[2]!.doneBytes, 600 * 1024);
  assert.ok(seen[0]!.doneBytes >= 256 * 1024 && seen[1]!.doneBytes - seen[0]!.doneBytes >= 256 * 1024);
  assert.ok(seen.every((p, i) => i === 0 || p.archiveDoneBytes >= seen[i - 1]!.archiveDoneBytes));
  assert.ok(Buffer.concat(other).length > 600 * 1024, 'the other consumer got the whole stream');
});

test('a stream that is not a tar ends the reports without an error', async () => {
  const stream = new PassThrough();
  const done = watchLayers(stream, () => assert.fail('no layer in garbage'));
  stream.end(Buffer.alloc(2048, 0x41));
  await done;
});
