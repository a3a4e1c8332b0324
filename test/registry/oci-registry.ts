// A tiny read-only OCI distribution registry on 127.0.0.1 that serves images from OCI archives, for tests.

import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extract as tarExtract } from 'tar-stream';
import { ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME } from '../../src/containerd/oci-archive.js';

/** A running test registry. */
export interface OciRegistry {
  /** "http://127.0.0.1:<port>" */
  url: string;
  /** "127.0.0.1:<port>" */
  host: string;
  /** Every request as "METHOD /path" (query stripped), in arrival order. */
  requests: string[];
  close(): Promise<void>;
}

interface Stored {
  blobs: Map<string, Buffer>;
  /** "<repository>:<tag>" → manifest digest, e.g. "library/busybox:1.36". */
  tags: Map<string, string>;
  mediaTypes: Map<string, string>;
}

/** Strips the registry domain of a full ref: "docker.io/library/busybox:1.36" → ["library/busybox", "1.36"]. */
export function repositoryAndTag(ref: string): [string, string] {
  const slash = ref.indexOf('/');
  const first = slash >= 0 ? ref.slice(0, slash) : '';
  const rest = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost') ? ref.slice(slash + 1) : ref;
  const colon = rest.lastIndexOf(':');
  return colon > rest.lastIndexOf('/') ? [rest.slice(0, colon), rest.slice(colon + 1)] : [rest, 'latest'];
}

async function loadArchive(file: string, into: Stored): Promise<void> {
  const files = new Map<string, Buffer>();
  const extract = tarExtract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(Buffer.from(c as Uint8Array)));
      stream.on('end', () => {
        if (header.type === 'file') files.set(header.name.replace(/^\.\//, ''), Buffer.concat(chunks));
        next();
      });
      stream.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  createReadStream(file).pipe(extract as unknown as NodeJS.WritableStream);
  await done;
  const index = JSON.parse(files.get('index.json')?.toString() ?? '{"manifests":[]}') as {
    manifests: { digest: string; mediaType: string; annotations?: Record<string, string> }[];
  };
  for (const [name, data] of files) {
    const m = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(name);
    if (m) into.blobs.set(`sha256:${m[1]}`, data);
  }
  for (const entry of index.manifests) {
    into.mediaTypes.set(entry.digest, entry.mediaType);
    const name = entry.annotations?.[ANNOTATION_IMAGE_NAME] ?? entry.annotations?.[ANNOTATION_REF_NAME];
    if (!name) continue;
    const [repository, tag] = repositoryAndTag(name);
    into.tags.set(`${repository}:${tag}`, entry.digest);
  }
}

function authorized(header: string | undefined, want: { username: string; password: string }): boolean {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return false;
  return Buffer.from(m[1] ?? '', 'base64').toString('utf8') === `${want.username}:${want.password}`;
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ errors: [{ code, message, detail: null }] });
}

/** Options of a test registry. */
export interface OciRegistryOptions {
  /**
   * Require HTTP Basic credentials on every request, as distribution's htpasswd auth does: otherwise (or with
   * wrong ones) 401 UNAUTHORIZED with `WWW-Authenticate: Basic realm="k1s-test-registry"`.
   */
  basicAuth?: { username: string; password: string };
}

/**
 * Serves the images of `archives` (OCI image-layout tars, as written by writeOciArchive) read-only on
 * 127.0.0.1:<ephemeral port>: GET /v2/, HEAD/GET /v2/<repo>/manifests/<tag|digest>, HEAD/GET
 * /v2/<repo>/blobs/<digest>. Repositories are the image names without their registry domain
 * ("library/busybox"). Unknown names answer 404 MANIFEST_UNKNOWN / BLOB_UNKNOWN like distribution.
 * With `options.basicAuth` every request needs those credentials.
 */
export async function startOciRegistry(archives: string[], options: OciRegistryOptions = {}): Promise<OciRegistry> {
  const stored: Stored = { blobs: new Map(), tags: new Map(), mediaTypes: new Map() };
  for (const file of archives) await loadArchive(file, stored);
  const requests: string[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push(`${req.method} ${path}`);
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    const send = (status: number, body: Buffer | string, type: string, digest?: string): void => {
      const data = Buffer.from(body);
      res.statusCode = status;
      res.setHeader('Content-Type', type);
      res.setHeader('Content-Length', data.length);
      if (digest) res.setHeader('Docker-Content-Digest', digest);
      res.end(req.method === 'HEAD' ? undefined : data);
    };
    if (options.basicAuth && !authorized(req.headers.authorization, options.basicAuth)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="k1s-test-registry"');
      return send(401, errorBody('UNAUTHORIZED', 'authentication required'), 'application/json');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, errorBody('UNSUPPORTED', 'read-only registry'), 'application/json');
    if (path === '/v2/' || path === '/v2') return send(200, '{}', 'application/json');
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(path);
    if (!m) return send(404, errorBody('NOT_FOUND', `no route for ${path}`), 'application/json');
    const [, repository, kind, reference] = m as unknown as [string, string, string, string];
    if (kind === 'manifests') {
      const digest = reference.startsWith('sha256:') ? reference : stored.tags.get(`${repository}:${reference}`);
      const known = digest !== undefined && (reference.startsWith('sha256:') || stored.tags.has(`${repository}:${reference}`));
      const data = known ? stored.blobs.get(digest) : undefined;
      if (!digest || !data) return send(404, errorBody('MANIFEST_UNKNOWN', `manifest unknown: ${repository}:${reference}`), 'application/json');
      const type = stored.mediaTypes.get(digest) ?? (JSON.parse(data.toString()) as { mediaType?: string }).mediaType ?? 'application/vnd.oci.image.manifest.v1+json';
      return send(200, data, type, digest);
    }
    const blob = stored.blobs.get(reference);
    if (!blob) return send(404, errorBody('BLOB_UNKNOWN', `blob unknown: ${reference}`), 'application/json');
    return send(200, blob, 'application/octet-stream', reference);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
