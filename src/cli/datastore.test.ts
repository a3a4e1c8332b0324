/** Tests of `--datastore-endpoint` parsing: k3s's syntax for SQLite and etcd, and refusals of kine's other drivers. */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { parseDatastoreEndpoint, validateDatastoreEndpoint } from './datastore.js';
import { parseServerFlags } from './server-flags.js';

test('an empty endpoint or bare sqlite:// is SQLite in the data dir', () => {
  for (const v of ['', '  ', 'sqlite://']) assert.deepEqual(parseDatastoreEndpoint(v, '/var/lib/k1s'), { kind: 'sqlite', path: '/var/lib/k1s/db/state.db' });
});

test('sqlite://PATH takes the path (absolute or relative to the working directory) and drops query parameters', () => {
  assert.deepEqual(parseDatastoreEndpoint('sqlite:///srv/k1s.db?_journal=WAL&cache=shared', '/d'), { kind: 'sqlite', path: '/srv/k1s.db' });
  assert.deepEqual(parseDatastoreEndpoint('sqlite://state/k.db', '/d'), { kind: 'sqlite', path: resolve('state/k.db') });
});

test('http, https and etcd URLs select etcd with every member', () => {
  assert.deepEqual(parseDatastoreEndpoint('http://127.0.0.1:2379', '/d'), { kind: 'etcd', hosts: ['http://127.0.0.1:2379'] });
  assert.deepEqual(parseDatastoreEndpoint('https://a:2379,https://b:2379', '/d'), { kind: 'etcd', hosts: ['https://a:2379', 'https://b:2379'] });
  assert.deepEqual(parseDatastoreEndpoint('etcd://127.0.0.1:2379', '/d'), { kind: 'etcd', hosts: ['http://127.0.0.1:2379'] });
});

test("kine's SQL and NATS drivers and schemeless values are refused with the reason", () => {
  assert.equal(validateDatastoreEndpoint('mysql://root:pw@tcp(127.0.0.1:3306)/k3s'), 'the mysql datastore is not supported by k1s: use sqlite://PATH or an etcd URL (http://, https://, etcd://)');
  assert.equal(validateDatastoreEndpoint('postgres://u@h/db'), 'the postgres datastore is not supported by k1s: use sqlite://PATH or an etcd URL (http://, https://, etcd://)');
  assert.equal(validateDatastoreEndpoint('127.0.0.1:2379'), 'must be empty, sqlite://PATH, or an etcd URL such as http://127.0.0.1:2379');
  assert.equal(validateDatastoreEndpoint('http://127.0.0.1:2379'), undefined);
});

const inputs = { env: {}, defaultConfigFile: '/nonexistent/k1s-config.yaml' };

test('k1s server takes --datastore-endpoint and the TLS files from flags or the environment', () => {
  const f = parseServerFlags(['--datastore-endpoint', 'https://127.0.0.1:2379', '--datastore-cafile', 'ca.pem'], { ...inputs, env: { K1S_DATASTORE_KEYFILE: '/k/key.pem' } });
  assert.equal(f.datastoreEndpoint, 'https://127.0.0.1:2379');
  assert.equal(f.datastoreCafile, resolve('ca.pem'));
  assert.equal(f.datastoreKeyfile, '/k/key.pem');
  assert.equal(parseServerFlags([], inputs).datastoreEndpoint, undefined);
  assert.throws(() => parseServerFlags(['--datastore-endpoint', 'nats://h:4222'], inputs), /--datastore-endpoint.*nats datastore is not supported/);
});
