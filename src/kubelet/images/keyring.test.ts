/** Unit tests of the pull-secret keyring: secret parsing, host/port/path matching and Docker Hub aliases. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Secret } from '../../api/types.js';
import { imageRepository, keyMatches, keyringFromSecrets, keyringKey, DockerKeyring } from './keyring.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const jsonSecret = (name: string, auths: Record<string, unknown>): Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name },
  type: 'kubernetes.io/dockerconfigjson',
  data: { '.dockerconfigjson': b64(JSON.stringify({ auths })) },
});

describe('keyring', () => {
  it('imageRepository qualifies Docker Hub names and strips tags and digests', () => {
    assert.equal(imageRepository('busybox:1.36'), 'docker.io/library/busybox');
    assert.equal(imageRepository('busybox'), 'docker.io/library/busybox');
    assert.equal(imageRepository('user/app@sha256:abc'), 'docker.io/user/app');
    assert.equal(imageRepository('index.docker.io/library/busybox:1'), 'docker.io/library/busybox');
    assert.equal(imageRepository('127.0.0.1:5000/private/busybox:1.36'), '127.0.0.1:5000/private/busybox');
    assert.equal(imageRepository('localhost/app'), 'localhost/app');
  });

  it('keyringKey strips the scheme and a /v1/ or /v2/ prefix, keeping other paths', () => {
    assert.equal(keyringKey('https://index.docker.io/v1/'), 'index.docker.io');
    assert.equal(keyringKey('http://127.0.0.1:5000'), '127.0.0.1:5000');
    assert.equal(keyringKey('quay.io/coreos'), 'quay.io/coreos');
    assert.equal(keyringKey('registry.example.com/v2/team'), 'registry.example.com/team');
  });

  it('keyMatches requires the same port, the same label count (globs allowed) and a path prefix', () => {
    assert.ok(keyMatches('127.0.0.1:5000', '127.0.0.1:5000/private/busybox'));
    assert.ok(!keyMatches('127.0.0.1:5001', '127.0.0.1:5000/private/busybox'));
    assert.ok(!keyMatches('127.0.0.1', '127.0.0.1:5000/private/busybox'));
    assert.ok(keyMatches('*.example.com', 'registry.example.com/a'));
    assert.ok(!keyMatches('*.example.com', 'example.com/a'));
    assert.ok(keyMatches('quay.io/coreos', 'quay.io/coreos/etcd'));
    assert.ok(!keyMatches('quay.io/coreos', 'quay.io/other/etcd'));
  });

  it('lookup returns the most specific key first and every credential of equal keys in secret order', () => {
    const keyring = keyringFromSecrets([
      jsonSecret('host', { 'quay.io': { username: 'host', password: 'h' } }),
      jsonSecret('path', { 'https://quay.io/coreos': { auth: b64('path:p') } }),
      jsonSecret('host2', { 'quay.io': { username: 'host2', password: 'h2' } }),
    ]);
    assert.deepEqual(keyring.lookup('quay.io/coreos/etcd:3').map((c) => c.username), ['path', 'host', 'host2']);
    assert.deepEqual(keyring.lookup('quay.io/other/etcd').map((c) => c.username), ['host', 'host2']);
    assert.deepEqual(keyring.lookup('gcr.io/x/y'), []);
  });

  it('Docker Hub credentials under index.docker.io, docker.io or registry-1.docker.io apply to Docker Hub images only', () => {
    for (const location of ['https://index.docker.io/v1/', 'docker.io', 'registry-1.docker.io']) {
      const keyring = keyringFromSecrets([jsonSecret('hub', { [location]: { username: 'hub', password: 'x' } })]);
      assert.deepEqual(keyring.lookup('busybox:1.36').map((c) => c.username), ['hub'], location);
      assert.deepEqual(keyring.lookup('127.0.0.1:5000/busybox'), [], location);
    }
  });

  it('reads kubernetes.io/dockercfg Secrets and ignores other types', () => {
    const keyring = keyringFromSecrets([
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cfg' }, type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64(JSON.stringify({ 'reg.example.com': { username: 'u', password: 'p' } })) } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'opaque' }, type: 'Opaque', data: { '.dockerconfigjson': b64(JSON.stringify({ auths: { 'reg.example.com': { username: 'no', password: 'no' } } })) } },
    ]);
    assert.deepEqual(keyring.lookup('reg.example.com/app'), [{ username: 'u', password: 'p' }]);
  });

  it('a malformed .dockerconfigjson throws', () => {
    const bad: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bad' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{not json') } };
    assert.throws(() => keyringFromSecrets([bad]));
    assert.deepEqual(new DockerKeyring().lookup('busybox'), []);
  });
});
