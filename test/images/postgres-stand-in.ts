// Builds a stand-in for docker.io/library/postgres:alpine: busybox that refuses to start without a password and then accepts TCP connections on 5432. It is not PostgreSQL.

import type { ImageDescription } from '../../src/containerd/oci-archive.js';
import { accountFiles, busyboxFiles, IMAGE_PATH_ENV, overlayFiles } from './busybox.js';

/** The refs the stand-in is tagged with. */
export const POSTGRES_STAND_IN_REFS = ['docker.io/library/postgres:alpine'];

/**
 * /usr/local/bin/docker-entrypoint.sh: like the official image's, `postgres` (or options) without
 * POSTGRES_PASSWORD (and without POSTGRES_HOST_AUTH_METHOD=trust) exits 1 with the "superuser password is not
 * specified" error; any other command runs as given.
 */
export const POSTGRES_ENTRYPOINT = `#!/bin/sh
set -e
case "$1" in -*) set -- postgres "$@" ;; esac
if [ "$1" = postgres ] && [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
  echo 'Error: Database is uninitialized and superuser password is not specified.' >&2
  echo '       You must specify POSTGRES_PASSWORD to a non-empty value for the superuser.' >&2
  exit 1
fi
exec "$@"
`;

/** /usr/local/bin/postgres: says what it is, then accepts and closes TCP connections on 5432 until stopped. */
export const POSTGRES_STAND_IN_SERVER = `#!/bin/sh
echo 'k1s test stand-in for postgres:alpine (not PostgreSQL): accepting TCP connections on port 5432'
exec nc -ll -p 5432 -e true
`;

/**
 * The stand-in image: busybox applets, {@link POSTGRES_ENTRYPOINT} and {@link POSTGRES_STAND_IN_SERVER}, user
 * postgres (70, as the Alpine image). Entrypoint ["docker-entrypoint.sh"], Cmd ["postgres"], StopSignal SIGINT,
 * port 5432. Enough for the seeds' "wait for the db Service" labs; it speaks no PostgreSQL protocol.
 */
export async function postgresStandInDescription(refs: string[] = POSTGRES_STAND_IN_REFS): Promise<ImageDescription> {
  return {
    files: overlayFiles(await busyboxFiles(), [
      { path: '/usr/local/bin/docker-entrypoint.sh', content: POSTGRES_ENTRYPOINT, mode: 0o755 },
      { path: '/usr/local/bin/postgres', content: POSTGRES_STAND_IN_SERVER, mode: 0o755 },
      ...accountFiles([{ name: 'postgres', uid: 70, gid: 70, home: '/var/lib/postgresql', shell: '/bin/sh' }]),
      { path: '/var/lib/postgresql/data', dir: true, mode: 0o700 },
    ]),
    config: {
      Entrypoint: ['docker-entrypoint.sh'],
      Cmd: ['postgres'],
      Env: [IMAGE_PATH_ENV, 'PGDATA=/var/lib/postgresql/data'],
      ExposedPorts: { '5432/tcp': {} },
      StopSignal: 'SIGINT',
    },
    refs,
  };
}
