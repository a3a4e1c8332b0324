// Builds the curl test image (docker.io/curlimages/curl:8.4.0, :latest) from Debian's curl on a busybox userland.

import type { ImageDescription } from '../../src/containerd/oci-archive.js';
import { accountFiles, busyboxFiles, IMAGE_PATH_ENV, overlayFiles } from './busybox.js';
import { binariesWithLibraries } from './host-files.js';

/** The refs the curl test image is tagged with. */
export const CURL_REFS = ['docker.io/curlimages/curl:8.4.0', 'docker.io/curlimages/curl:latest'];

/**
 * /entrypoint.sh, behaving as curlimages/curl's: when the first argument is an option ("-s") or not a command
 * found on PATH, the arguments are curl's; otherwise they are run as given (`sh -c ...`).
 */
export const CURL_ENTRYPOINT = `#!/bin/sh
set -e
case "$1" in
  -*) set -- curl "$@" ;;
  *) command -v "$1" >/dev/null 2>&1 || set -- curl "$@" ;;
esac
exec "$@"
`;

/**
 * The curl image: busybox applets (sh, date, sleep...), Debian's /usr/bin/curl with every library ldd
 * resolves, /entrypoint.sh ({@link CURL_ENTRYPOINT}); user curl_user (100, group curl_group 101) with
 * home and working directory /home/curl_user, as curlimages/curl. Entrypoint ["/entrypoint.sh"], Cmd ["curl"].
 * It is Debian's curl (7.88 on bookworm) whatever the tag says. Throws when curl or a library is missing.
 */
export async function curlImageDescription(refs: string[] = CURL_REFS): Promise<ImageDescription> {
  return {
    files: overlayFiles(await busyboxFiles(), [
      ...(await binariesWithLibraries(['/usr/bin/curl'])),
      { path: '/entrypoint.sh', content: CURL_ENTRYPOINT, mode: 0o755 },
      ...accountFiles([{ name: 'curl_user', uid: 100, gid: 101, group: 'curl_group', home: '/home/curl_user', shell: '/sbin/nologin' }]),
      { path: '/home/curl_user', dir: true },
    ]),
    config: {
      Entrypoint: ['/entrypoint.sh'],
      Cmd: ['curl'],
      Env: [IMAGE_PATH_ENV],
      User: 'curl_user',
      WorkingDir: '/home/curl_user',
    },
    refs,
  };
}
