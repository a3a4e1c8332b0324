// Builds the nginx test images (docker.io/library/nginx:latest, :1.25, :alpine, :1.25-alpine ...) from Debian's nginx, nginx-common and curl, on a busybox userland.

import type { ImageDescription, LayerFile } from '../../src/containerd/oci-archive.js';
import { accountFiles, busyboxFiles, IMAGE_PATH_ENV, overlayFiles } from './busybox.js';
import { binariesWithLibraries, copyFiles, type PackageSource } from './host-files.js';

/** Tags of the official image built on Debian (these images also have /bin/bash, as the official ones do). */
export const NGINX_DEBIAN_REFS = ['docker.io/library/nginx:latest', 'docker.io/library/nginx:1.25'];

/** Tags of the official image built on Alpine (busybox sh, no bash). */
export const NGINX_ALPINE_REFS = ['docker.io/library/nginx:alpine', 'docker.io/library/nginx:1.25-alpine', 'docker.io/library/nginx:1.23-alpine'];

/** Which official image a build stands in for: Debian-based (`nginx`, with bash) or Alpine-based (`nginx:alpine`). */
export type NginxFlavour = 'debian' | 'alpine';

/**
 * /etc/nginx/nginx.conf, laid out as the official image's: master as root, workers as `nginx`, the access log
 * in the "main" format at /var/log/nginx/access.log, errors (level notice) at /var/log/nginx/error.log, and
 * every /etc/nginx/conf.d/*.conf included (so a configMap mounted there replaces the default server).
 */
export const NGINX_CONF = `user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;

events {
    worker_connections  1024;
}

http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    keepalive_timeout  65;

    include /etc/nginx/conf.d/*.conf;
}
`;

/** /etc/nginx/conf.d/default.conf: port 80, the stock welcome page from /usr/share/nginx/html. */
export const NGINX_DEFAULT_SERVER = `server {
    listen       80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }
}
`;

/**
 * The nginx image: busybox applets (sh, cat, tail, ls, wget...), Debian's /usr/sbin/nginx with its libraries,
 * curl with its libraries (the official images ship curl), and for the Debian flavour /bin/bash; mime.types and
 * the stock "Welcome to nginx!" index.html from nginx-common; {@link NGINX_CONF} and
 * {@link NGINX_DEFAULT_SERVER}; /var/log/nginx/access.log → /dev/stdout and error.log → /dev/stderr as in the
 * official image (an emptyDir mounted on /var/log/nginx hides them, and nginx then writes real files there);
 * user and group nginx (101). Cmd `nginx -g 'daemon off;'`, StopSignal SIGQUIT, port 80.
 *
 * It is Debian's nginx (1.22 on bookworm) whatever the tag says: a stand-in for the official images' behaviour
 * that the seeds rely on, not their exact content. `nginx` and `nginxCommon` are where those packages' files
 * are (see packageSource); curl and bash come from the host. Throws when a file or library is missing.
 */
export async function nginxImageDescription(
  flavour: NginxFlavour,
  nginx: PackageSource,
  nginxCommon: PackageSource,
  refs: string[] = flavour === 'debian' ? NGINX_DEBIAN_REFS : NGINX_ALPINE_REFS,
): Promise<ImageDescription> {
  const shell = flavour === 'debian' ? '/bin/bash' : '/bin/sh';
  const extras: LayerFile[] = [
    ...(await binariesWithLibraries(['/usr/sbin/nginx'], nginx.root)),
    ...(await binariesWithLibraries(['/usr/bin/curl', ...(flavour === 'debian' ? ['/bin/bash'] : [])])),
    ...(await copyFiles(['/etc/nginx/mime.types', '/usr/share/nginx/html/index.html'], nginxCommon.root)),
    { path: '/etc/nginx/nginx.conf', content: NGINX_CONF },
    { path: '/etc/nginx/conf.d/default.conf', content: NGINX_DEFAULT_SERVER },
    { path: '/etc/nsswitch.conf', content: 'passwd: files\ngroup: files\nhosts: files dns\n' },
    ...accountFiles([{ name: 'nginx', uid: 101, gid: 101, gecos: 'nginx user', home: '/nonexistent', shell: '/bin/false' }]).map((f) =>
      f.path === '/etc/passwd' ? { ...f, content: String(f.content).replace('/root:/bin/sh', `/root:${shell}`) } : f,
    ),
    { path: '/var/log/nginx/access.log', symlink: '/dev/stdout' },
    { path: '/var/log/nginx/error.log', symlink: '/dev/stderr' },
    { path: '/var/lib/nginx', dir: true },
    { path: '/var/cache/nginx', dir: true },
    { path: '/run', dir: true },
    { path: '/var/run', symlink: '/run' },
  ];
  return {
    files: overlayFiles(await busyboxFiles(), extras),
    config: {
      Cmd: ['nginx', '-g', 'daemon off;'],
      Env: [IMAGE_PATH_ENV],
      ExposedPorts: { '80/tcp': {} },
      StopSignal: 'SIGQUIT',
    },
    refs,
  };
}
