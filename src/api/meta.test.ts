/** Tests of name validation messages and ObjectMeta validation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFieldError } from './errors.js';
import { rfc3339, validateObjectMeta, validateObjectMetaUpdate, nameIsDNSSubdomain } from './meta.js';
import { isConfigMapKey, isDNS1123Label, isDNS1123Subdomain } from './validation.js';

test('isDNS1123Label returns the exact upstream message', () => {
  assert.deepEqual(isDNS1123Label('My_Name'), [
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ]);
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  assert.deepEqual(isDNS1123Label('ok-1'), []);
});

test('isDNS1123Subdomain returns the exact upstream message', () => {
  assert.deepEqual(isDNS1123Subdomain('Bad'), [
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
  assert.deepEqual(isDNS1123Subdomain('a.b-c'), []);
});

test('isConfigMapKey rejects bad characters and dot prefixes', () => {
  assert.match(isConfigMapKey('a b')[0] ?? '', /^a valid config key must consist of alphanumeric characters, '-', '_' or '.'/);
  assert.deepEqual(isConfigMapKey('..x'), ["must not start with '..'"]);
  assert.deepEqual(isConfigMapKey('a.b_c-D'), []);
});

test('validateObjectMeta requires a name and a namespace for namespaced kinds', () => {
  const errs = validateObjectMeta({}, true, nameIsDNSSubdomain).map(formatFieldError);
  assert.deepEqual(errs, ['metadata.name: Required value: name or generateName is required', 'metadata.namespace: Required value']);
});

test('validateObjectMeta accepts a generateName with a trailing dash', () => {
  assert.deepEqual(validateObjectMeta({ generateName: 'web-', name: 'web-abcde', namespace: 'default' }, true, nameIsDNSSubdomain), []);
});

test('validateObjectMeta forbids a namespace on cluster-scoped kinds and checks labels', () => {
  const errs = validateObjectMeta({ name: 'n', namespace: 'x', labels: { 'a b': 'c' } }, false, nameIsDNSSubdomain).map(formatFieldError);
  assert.equal(errs[0], 'metadata.namespace: Forbidden: not allowed on this type');
  assert.match(errs[1] ?? '', /^metadata\.labels: Invalid value: "a b": name part must consist of/);
});

test('validateObjectMetaUpdate reports an immutable name', () => {
  const errs = validateObjectMetaUpdate({ name: 'b', namespace: 'd' }, { name: 'a', namespace: 'd' }).map(formatFieldError);
  assert.deepEqual(errs, ['metadata.name: Invalid value: "b": field is immutable']);
});

test('rfc3339 drops milliseconds', () => {
  assert.equal(rfc3339(new Date('2024-05-01T10:00:00.123Z')), '2024-05-01T10:00:00Z');
});
