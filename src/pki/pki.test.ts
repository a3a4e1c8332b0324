/** Tests of the cluster PKI: certificates chain to the CA and carry the identities TLS peers check. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki } from './pki.js';

describe('ensurePki', () => {
  it('creates certificates signed by the CA with Kubernetes identities, and reuses them on a second call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k1s-pki-'));
    try {
      const pki = await ensurePki(join(dir, 'tls'), 'node-a');
      const ca = new X509Certificate(pki.caPem);
      const server = new X509Certificate(pki.apiserver.certPem);
      assert.ok(server.verify(ca.publicKey), 'apiserver cert is signed by the CA');
      assert.ok(server.checkIP('127.0.0.1'), 'apiserver cert is valid for 127.0.0.1');
      const admin = new X509Certificate(pki.admin.certPem);
      assert.match(admin.subject, /O=system:masters/);
      assert.ok(admin.verify(ca.publicKey));
      const kubelet = new X509Certificate(pki.kubeletClient.certPem);
      assert.match(kubelet.subject, /CN=system:node:node-a/);
      const again = await ensurePki(join(dir, 'tls'), 'node-a');
      assert.equal(again.caPem, pki.caPem);
      assert.equal(again.admin.certPem, pki.admin.certPem);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('puts the node IP into the kubelet serving certificate, issuing it anew when the node IP changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k1s-pki-'));
    try {
      const first = await ensurePki(join(dir, 'tls'), 'node-a');
      const plain = new X509Certificate(first.kubeletServing.certPem);
      assert.ok(plain.checkIP('127.0.0.1'));
      assert.equal(plain.checkIP('10.42.0.1'), undefined);
      const withIP = await ensurePki(join(dir, 'tls'), 'node-a', { kubeletIps: ['10.42.0.1'] });
      const cert = new X509Certificate(withIP.kubeletServing.certPem);
      assert.ok(cert.checkIP('10.42.0.1'), 'kubelet serving cert is valid for the node IP');
      assert.ok(cert.checkIP('127.0.0.1'), 'and still for 127.0.0.1');
      assert.equal(withIP.caPem, first.caPem);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
