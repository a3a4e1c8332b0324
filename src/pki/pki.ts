/**
 * Cluster PKI: a self-signed CA and the serving/client certificates of the API server, the kubelet and the admin.
 *
 * Laid out like k3s's `server/tls` (one CA, leaf certificates per identity), generated once per data dir with
 * ECDSA P-256 keys (node:crypto WebCrypto) and X.509 certificates from @peculiar/x509. Identities follow
 * Kubernetes' conventions: admin `CN=system:admin,O=system:masters`, kubelet client `CN=system:node:<node>,
 * O=system:nodes`, apiserver→kubelet client `CN=kube-apiserver-kubelet-client,O=system:masters`.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, createPublicKey, generateKeyPair, webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const alg: EcKeyGenParams & EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** A certificate and its private key, PEM-encoded. */
export interface KeyPair {
  certPem: string;
  keyPem: string;
}

/** Every credential a k1s server needs. `caPem` verifies them all. */
export interface ClusterPki {
  caPem: string;
  /** API server serving certificate (SANs 127.0.0.1, localhost, kubernetes, kubernetes.default...). */
  apiserver: KeyPair;
  /** kubectl's admin identity (system:masters). */
  admin: KeyPair;
  /** The kubelet's identity towards the API server. */
  kubeletClient: KeyPair;
  /** The kubelet server's serving certificate. */
  kubeletServing: KeyPair;
  /** The API server's identity towards the kubelet (log, exec proxying). */
  apiserverKubeletClient: KeyPair;
  /** The key that signs ServiceAccount tokens (RSA 2048, PKCS#8 PEM) and its public half (SPKI PEM), `service.key` as k3s keeps it. */
  serviceAccount: { keyPem: string; publicKeyPem: string };
}

interface Signer {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

async function keyToPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

async function pemToKey(pem: string): Promise<CryptoKey> {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return webcrypto.subtle.importKey('pkcs8', Buffer.from(b64, 'base64'), alg, true, ['sign']);
}

const tenYears = 10 * 365 * 24 * 3600 * 1000;

async function createCa(commonName: string): Promise<Signer & { keyPem: string }> {
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${commonName}`,
    keys,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + tenYears),
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, key: keys.privateKey, keyPem: await keyToPem(keys.privateKey) };
}

/** Options of one leaf certificate. */
interface LeafOptions {
  /** Subject DN, e.g. `CN=system:admin, O=system:masters`. */
  subject: string;
  server?: { dns: string[]; ips: string[] };
  client?: boolean;
}

async function createLeaf(ca: Signer, options: LeafOptions): Promise<KeyPair> {
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const usages: x509.ExtendedKeyUsage[] = [];
  if (options.server) usages.push(x509.ExtendedKeyUsage.serverAuth);
  if (options.client) usages.push(x509.ExtendedKeyUsage.clientAuth);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(usages),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
  ];
  if (options.server) {
    const names: x509.JsonGeneralNames = [
      ...options.server.dns.map((value) => ({ type: 'dns' as const, value })),
      ...options.server.ips.map((value) => ({ type: 'ip' as const, value })),
    ];
    extensions.push(new x509.SubjectAlternativeNameExtension(names));
  }
  const cert = await x509.X509CertificateGenerator.create({
    subject: options.subject,
    issuer: ca.cert.subject,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + tenYears),
    signingAlgorithm: alg,
    extensions,
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await keyToPem(keys.privateKey) };
}

/** True when a serving certificate names every SAN `options` asks for (a new service CIDR or gateway needs a new one). */
function coversSans(certPem: string, options: LeafOptions): boolean {
  if (!options.server) return true;
  const ext = new x509.X509Certificate(certPem).getExtension(x509.SubjectAlternativeNameExtension);
  const have = new Set((ext?.names.toJSON() ?? []).map((n) => `${n.type}:${n.value}`));
  return [...options.server.dns.map((v) => `dns:${v}`), ...options.server.ips.map((v) => `ip:${v}`)].every((n) => have.has(n));
}

const files = {
  ca: ['ca.crt', 'ca.key'],
  apiserver: ['apiserver.crt', 'apiserver.key'],
  admin: ['admin.crt', 'admin.key'],
  kubeletClient: ['kubelet-client.crt', 'kubelet-client.key'],
  kubeletServing: ['kubelet-serving.crt', 'kubelet-serving.key'],
  apiserverKubeletClient: ['apiserver-kubelet-client.crt', 'apiserver-kubelet-client.key'],
} as const;

type LeafName = Exclude<keyof typeof files, 'ca'>;

async function readPair(dir: string, name: keyof typeof files): Promise<KeyPair | undefined> {
  const [c, k] = files[name];
  if (!existsSync(join(dir, c)) || !existsSync(join(dir, k))) return undefined;
  return { certPem: await readFile(join(dir, c), 'utf8'), keyPem: await readFile(join(dir, k), 'utf8') };
}

async function writePair(dir: string, name: keyof typeof files, pair: KeyPair): Promise<void> {
  const [c, k] = files[name];
  await writeFile(join(dir, c), pair.certPem, { mode: 0o644 });
  await writeFile(join(dir, k), pair.keyPem, { mode: 0o600 });
}

/**
 * Loads the cluster PKI from `dir` (DATA_DIR/tls), creating whatever is missing. Existing certificates are
 * kept, so a restarted server keeps working with kubeconfigs written before. `nodeName` goes into the
 * kubelet's identities; `apiserverIps` and `kubeletIps` (the node IP) join the serving certificates' IP SANs
 * beside 127.0.0.1 (a certificate lacking one is issued anew). Throws on unreadable or corrupt files.
 */
export async function ensurePki(dir: string, nodeName: string, options: { apiserverIps?: string[]; kubeletIps?: string[] } = {}): Promise<ClusterPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let caPair = await readPair(dir, 'ca');
  let ca: Signer;
  if (caPair) {
    ca = { cert: new x509.X509Certificate(caPair.certPem), key: await pemToKey(caPair.keyPem) };
  } else {
    const created = await createCa(`k1s-ca@${Math.floor(Date.now() / 1000)}`);
    ca = created;
    caPair = { certPem: created.cert.toString('pem') + '\n', keyPem: created.keyPem };
    await writePair(dir, 'ca', caPair);
  }
  const leaves: Record<LeafName, LeafOptions> = {
    apiserver: {
      subject: 'CN=kube-apiserver',
      server: {
        dns: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
        ips: ['127.0.0.1', '::1', ...(options.apiserverIps ?? [])],
      },
    },
    admin: { subject: 'CN=system:admin, O=system:masters', client: true },
    kubeletClient: { subject: `CN=system:node:${nodeName}, O=system:nodes`, client: true },
    kubeletServing: { subject: `CN=${nodeName}`, server: { dns: ['localhost', nodeName], ips: [...new Set(['127.0.0.1', ...(options.kubeletIps ?? [])])] } },
    apiserverKubeletClient: { subject: 'CN=kube-apiserver-kubelet-client, O=system:masters', client: true },
  };
  const out: Partial<Record<LeafName, KeyPair>> = {};
  for (const name of Object.keys(leaves) as LeafName[]) {
    let pair = await readPair(dir, name);
    if (!pair || !coversSans(pair.certPem, leaves[name])) {
      pair = await createLeaf(ca, leaves[name]);
      await writePair(dir, name, pair);
    }
    out[name] = pair;
  }
  return {
    serviceAccount: await ensureServiceAccountKey(dir),
    caPem: caPair.certPem,
    apiserver: out.apiserver!,
    admin: out.admin!,
    kubeletClient: out.kubeletClient!,
    kubeletServing: out.kubeletServing!,
    apiserverKubeletClient: out.apiserverKubeletClient!,
  };
}

/**
 * Loads `<dir>/service.key`, the ServiceAccount token signing key, creating an RSA 2048 key when missing (kube-apiserver
 * `--service-account-signing-key-file`, k3s `server/tls/service.key`). Tokens signed before a restart stay valid.
 */
async function ensureServiceAccountKey(dir: string): Promise<{ keyPem: string; publicKeyPem: string }> {
  const file = join(dir, 'service.key');
  let keyPem: string;
  if (existsSync(file)) keyPem = await readFile(file, 'utf8');
  else {
    keyPem = await new Promise<string>((resolve, reject) =>
      generateKeyPair('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }, (err, _pub, priv) =>
        err ? reject(err) : resolve(priv),
      ),
    );
    await writeFile(file, keyPem, { mode: 0o600 });
  }
  const publicKeyPem = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'pem' }).toString();
  return { keyPem, publicKeyPem };
}

/**
 * Renders an admin kubeconfig (YAML-compatible JSON is valid YAML, but we write YAML by hand for readability)
 * for a server URL like `https://127.0.0.1:6443`, with embedded CA and client credentials.
 */
export function renderKubeconfig(server: string, caPem: string, user: KeyPair, clusterName = 'default'): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${b64(caPem)}`,
    `    server: ${server}`,
    `  name: ${clusterName}`,
    'contexts:',
    '- context:',
    `    cluster: ${clusterName}`,
    `    user: ${clusterName}`,
    `  name: ${clusterName}`,
    `current-context: ${clusterName}`,
    'preferences: {}',
    'users:',
    `- name: ${clusterName}`,
    '  user:',
    `    client-certificate-data: ${b64(user.certPem)}`,
    `    client-key-data: ${b64(user.keyPem)}`,
    '',
  ].join('\n');
}
