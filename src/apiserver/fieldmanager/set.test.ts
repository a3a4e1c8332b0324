/** Tests of field paths and FieldSet: ordering, printing, the FieldsV1 encoding and set algebra. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyElement, parseElement, pathString, serializeElement, type Path } from './path.js';
import { FieldSet } from './set.js';

const image: Path = [{ field: 'spec' }, { field: 'containers' }, keyElement([['name', 'app']]), { field: 'image' }];

test('pathString prints fields, keys, values and indexes as conflict messages do', () => {
  assert.equal(pathString(image), '.spec.containers[name="app"].image');
  assert.equal(pathString([{ field: 'ports' }, keyElement([['protocol', 'TCP'], ['containerPort', 80]])]), '.ports[containerPort=80,protocol="TCP"]');
  assert.equal(pathString([{ field: 'finalizers' }, { value: 'a' }, { index: 2 }]), '.finalizers[="a"][2]');
});

test('serializeElement and parseElement round-trip the f:, k:, v: and i: forms', () => {
  for (const s of ['f:image', 'k:{"containerPort":80,"protocol":"TCP"}', 'v:"example.com/x"', 'i:3']) assert.equal(serializeElement(parseElement(s)), s);
  assert.throws(() => parseElement('x:1'), /unknown path element type/);
});

test('toFieldsV1 writes members as {}, children as objects and "." for both, keys in element order', () => {
  const s = FieldSet.of(
    [{ field: 'spec' }, { field: 'containers' }, keyElement([['name', 'app']])],
    image,
    [{ field: 'spec' }, { field: 'containers' }, keyElement([['name', 'app']]), { field: 'name' }],
    [{ field: 'metadata' }, { field: 'labels' }, { field: 'app' }],
  );
  const v1 = s.toFieldsV1();
  assert.deepEqual(v1, {
    'f:metadata': { 'f:labels': { 'f:app': {} } },
    'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
  });
  assert.deepEqual(Object.keys(v1), ['f:metadata', 'f:spec']);
  assert.ok(FieldSet.fromFieldsV1(v1).equals(s));
});

test('union, intersection and difference keep children non-empty', () => {
  const a = FieldSet.of(image, [{ field: 'metadata' }, { field: 'labels' }, { field: 'a' }]);
  const b = FieldSet.of(image);
  assert.deepEqual(a.difference(b).toFieldsV1(), { 'f:metadata': { 'f:labels': { 'f:a': {} } } });
  assert.deepEqual(a.intersection(b).paths().map(pathString), ['.spec.containers[name="app"].image']);
  assert.equal(a.union(b).paths().length, 2);
  assert.ok(b.difference(a).isEmpty());
});

test('withoutPrefix drops a subtree and parents left empty', () => {
  const s = FieldSet.of(image, [{ field: 'metadata' }, { field: 'name' }]);
  assert.deepEqual(s.withoutPrefix([{ field: 'metadata' }, { field: 'name' }]).toFieldsV1(), {
    'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:image': {} } } },
  });
  assert.ok(s.hasDescendants([{ field: 'spec' }, { field: 'containers' }]));
});
