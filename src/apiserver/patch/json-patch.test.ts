// Tests of RFC 6902 JSON patch and RFC 7386 merge patch as the API server applies them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPatch, patchTypeOf } from './apply-patch.js';

const POD = { group: '', version: 'v1', kind: 'Pod' };
const base = { metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ name: 'a', image: 'x' }] } };

function code(e: unknown): number {
  return (e as { status: { code: number } }).status.code;
}

test('json patch applies add, replace, remove, copy, move and test in order', () => {
  const out = applyPatch(base, [
    { op: 'test', path: '/metadata/name', value: 'p' },
    { op: 'add', path: '/metadata/labels/b', value: '2' },
    { op: 'replace', path: '/spec/containers/0/image', value: 'y' },
    { op: 'add', path: '/spec/containers/-', value: { name: 'b' } },
    { op: 'copy', from: '/metadata/labels/a', path: '/metadata/labels/c' },
    { op: 'move', from: '/metadata/labels/b', path: '/metadata/labels/d' },
    { op: 'remove', path: '/metadata/labels/a' },
    { op: 'add', path: '/metadata/labels/x~1y', value: 'z' },
  ], 'json', POD);
  assert.deepEqual(out, { metadata: { name: 'p', labels: { c: '1', d: '2', 'x/y': 'z' } }, spec: { containers: [{ name: 'a', image: 'y' }, { name: 'b' }] } });
  assert.equal(base.spec.containers[0]?.image, 'x', 'original untouched');
});

test('json patch replace of a missing key fails with 422 and kube wording', () => {
  assert.throws(() => applyPatch(base, [{ op: 'replace', path: '/spec/foo', value: 1 }], 'json', POD), (e: unknown) =>
    code(e) === 422 && (e as Error).message === 'replace operation does not apply: doc is missing key: /spec/foo: missing value');
});

test('json patch remove of a missing key and add under a missing parent fail with 422', () => {
  assert.throws(() => applyPatch(base, [{ op: 'remove', path: '/metadata/labels/zz' }], 'json', POD), (e: unknown) =>
    code(e) === 422 && /Unable to remove nonexistent key: zz: missing value/.test((e as Error).message));
  assert.throws(() => applyPatch(base, [{ op: 'add', path: '/spec/nope/x', value: 1 }], 'json', POD), (e: unknown) =>
    code(e) === 422 && (e as Error).message === 'add operation does not apply: doc is missing path: "/spec/nope/x": missing value');
});

test('json patch test failure, bad index and unknown op fail with 422', () => {
  assert.throws(() => applyPatch(base, [{ op: 'test', path: '/metadata/name', value: 'q' }], 'json', POD), /testing value \/metadata\/name failed: test failed/);
  assert.throws(() => applyPatch(base, [{ op: 'replace', path: '/spec/containers/5', value: {} }], 'json', POD), /invalid index referenced/);
  assert.throws(() => applyPatch(base, [{ op: 'frob', path: '/x' }], 'json', POD), /Unexpected kind: frob/);
});

test('json patch that is not a list is a 400', () => {
  assert.throws(() => applyPatch(base, { op: 'add' }, 'json', POD), (e: unknown) => code(e) === 400);
});

test('merge patch merges maps, deletes on null and replaces lists', () => {
  const out = applyPatch(base, { metadata: { labels: { a: null, b: '2' } }, spec: { containers: [{ name: 'n' }] } }, 'merge', POD);
  assert.deepEqual(out, { metadata: { name: 'p', labels: { b: '2' } }, spec: { containers: [{ name: 'n' }] } });
});

test('patchTypeOf maps patch media types and ignores parameters', () => {
  assert.equal(patchTypeOf('application/strategic-merge-patch+json; charset=utf-8'), 'strategic');
  assert.equal(patchTypeOf('application/merge-patch+json'), 'merge');
  assert.equal(patchTypeOf('application/json-patch+json'), 'json');
  assert.equal(patchTypeOf('application/apply-patch+yaml'), undefined);
});
