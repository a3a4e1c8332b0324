/**
 * `--datastore-endpoint` in k3s's syntax: which Store `k1s server` opens (embedded SQLite or an etcd cluster).
 *
 * Mirrors k3s `pkg/cli/cmds/server.go` (--datastore-endpoint, --datastore-cafile/certfile/keyfile) and kine's
 * endpoint parsing (`pkg/endpoint/endpoint.go`): empty = SQLite at `<data-dir>/server/db/state.db` in k3s, here
 * `<data-dir>/db/state.db`; `sqlite://PATH[?params]` = SQLite at PATH; `http://`, `https://` (comma-separated
 * members) and `etcd://` (= http) = etcd. kine's MySQL/Postgres/NATS drivers are not part of k1s.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { EtcdStore, etcdHosts, type EtcdTls } from '../storage/etcd.js';
import { SqliteStore } from '../storage/sqlite.js';
import type { Store } from '../storage/store.js';

/** A parsed `--datastore-endpoint`. */
export type Datastore = { kind: 'sqlite'; path: string } | { kind: 'etcd'; hosts: string[] };

/** Why `value` is not a datastore endpoint k1s can open (FlagDef.validate), or undefined when it is one. */
export function validateDatastoreEndpoint(value: string): string | undefined {
  try {
    parseDatastoreEndpoint(value, '/');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Parses a `--datastore-endpoint` value; `dataDir` places the default SQLite file. Relative SQLite paths
 * are resolved against the working directory. Throws Error naming the scheme k1s does not support.
 */
export function parseDatastoreEndpoint(value: string, dataDir: string): Datastore {
  const v = value.trim();
  if (v === '' || v === 'sqlite://') return { kind: 'sqlite', path: join(dataDir, 'db', 'state.db') };
  if (v.startsWith('sqlite://')) {
    const path = v.slice('sqlite://'.length).replace(/\?.*$/, '');
    if (path === '') return { kind: 'sqlite', path: join(dataDir, 'db', 'state.db') };
    return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(path) };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(v)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https' || scheme === 'etcd') return { kind: 'etcd', hosts: etcdHosts(v) };
  if (scheme === undefined) throw new Error('must be empty, sqlite://PATH, or an etcd URL such as http://127.0.0.1:2379');
  throw new Error(`the ${scheme} datastore is not supported by k1s: use sqlite://PATH or an etcd URL (http://, https://, etcd://)`);
}

/** The TLS files of an https:// etcd endpoint (k3s --datastore-cafile, --datastore-certfile, --datastore-keyfile). */
export interface DatastoreTlsFiles {
  cafile?: string;
  certfile?: string;
  keyfile?: string;
}

/**
 * Opens the Store `datastore` names: a SqliteStore (the file's directory must exist), or an EtcdStore
 * connected to the members. Throws when etcd does not answer or a TLS file cannot be read.
 */
export async function openDatastore(datastore: Datastore, tlsFiles: DatastoreTlsFiles = {}): Promise<Store> {
  switch (datastore.kind) {
    case 'sqlite':
      return new SqliteStore(datastore.path);
    case 'etcd': {
      const tls: EtcdTls = {};
      if (tlsFiles.cafile) tls.caPem = await readFile(tlsFiles.cafile);
      if (tlsFiles.certfile) tls.certPem = await readFile(tlsFiles.certfile);
      if (tlsFiles.keyfile) tls.keyPem = await readFile(tlsFiles.keyfile);
      return EtcdStore.connect(datastore.hosts, { tls });
    }
  }
}
