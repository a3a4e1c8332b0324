/** Tests of the configmaps and secrets strategies. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFieldError } from '../api/errors.js';
import type { ConfigMap, Secret } from '../api/types.js';
import { configMapStrategy } from './configmaps.js';
import { secretStrategy } from './secrets.js';

const now = new Date('2024-01-01T00:01:00Z');

test('configmap keys must be valid config keys', () => {
  const cm: ConfigMap = { metadata: { name: 'c', namespace: 'default' }, data: { 'a b': 'x', ok: 'y' } };
  assert.deepEqual(configMapStrategy.validate(cm).map(formatFieldError), [
    `data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
  ]);
});

test('immutable configmaps reject data changes and unsetting immutable', () => {
  const old: ConfigMap = { metadata: { name: 'c', namespace: 'default' }, data: { a: '1' }, immutable: true };
  const next: ConfigMap = { metadata: { name: 'c', namespace: 'default' }, data: { a: '2' } };
  assert.deepEqual(configMapStrategy.validateUpdate(next, old).map(formatFieldError), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
});

test('configmap table counts data and binaryData keys', () => {
  const cm: ConfigMap = { metadata: { name: 'c', creationTimestamp: '2024-01-01T00:00:00Z' }, data: { a: '1' }, binaryData: { b: 'AA==' } };
  assert.deepEqual(configMapStrategy.table?.cells(cm, now), ['c', 2, '60s']);
});

test('secret create defaults type Opaque and merges stringData into base64 data', () => {
  const s: Secret = { metadata: { name: 's', namespace: 'default' }, data: { a: 'eA==', b: 'eQ==' }, stringData: { b: 'héllo' } };
  secretStrategy.prepareForCreate(s);
  assert.equal(s.type, 'Opaque');
  assert.deepEqual(s.data, { a: 'eA==', b: Buffer.from('héllo').toString('base64') });
  assert.equal(s.stringData, undefined);
  assert.deepEqual(secretStrategy.validate(s), []);
});

test('secret validation checks keys, base64 and per-type keys', () => {
  const s: Secret = { metadata: { name: 's', namespace: 'default' }, type: 'kubernetes.io/tls', data: { '..x': 'eA==', y: 'not base64!' } };
  assert.deepEqual(secretStrategy.validate(s).map(formatFieldError), [
    `data[..x]: Invalid value: "..x": must not start with '..'`,
    'data[y]: Invalid value: "<secret contents redacted>": illegal base64 data',
    'data[tls.crt]: Required value',
    'data[tls.key]: Required value',
  ]);
});

test('secret type is immutable and immutable secrets keep their data', () => {
  const old: Secret = { metadata: { name: 's', namespace: 'default' }, type: 'Opaque', data: { a: 'eA==' }, immutable: true };
  const next: Secret = { metadata: { name: 's', namespace: 'default' }, type: 'other', data: { a: 'eQ==' }, immutable: true };
  assert.deepEqual(secretStrategy.validateUpdate(next, old).map(formatFieldError), [
    'type: Invalid value: "other": field is immutable',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
});

test('secret table prints NAME TYPE DATA AGE', () => {
  const s: Secret = { metadata: { name: 's', creationTimestamp: '2024-01-01T00:00:00Z' }, type: 'Opaque', data: { a: 'eA==' } };
  assert.deepEqual(secretStrategy.table?.cells(s, now), ['s', 'Opaque', 1, '60s']);
});
