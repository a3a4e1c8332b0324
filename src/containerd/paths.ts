// Where k1s keeps containerd's files under a data dir, including the unix socket path-length workaround.

import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';

/**
 * Longest unix socket path we use. The kernel's sockaddr_un.sun_path holds 108 bytes including the
 * terminating NUL; containerd also derives `<socket>.ttrpc` from the grpc address, so keep 6 bytes spare.
 */
export const MAX_SOCKET_PATH = 100;

/** Every file and directory of the containerd child k1s runs for one data dir. All paths are absolute. */
export interface RuntimePaths {
  /** DATA_DIR/containerd */
  base: string;
  /** config.toml rendered by renderContainerdConfig. */
  config: string;
  /** containerd's persistent root (content store, snapshots, metadata). */
  root: string;
  /** containerd's state dir (sockets, fifos, bundles; cleared on reboot in a normal install). */
  state: string;
  /**
   * The CRI/containerd grpc socket: DATA_DIR/containerd/containerd.sock, or
   * /run/k1s-<sha256(base)[0:12]>/containerd.sock when that path would exceed {@link MAX_SOCKET_PATH}.
   */
  socket: string;
  /** runc's --root (container state), inside `state`. */
  runcRoot: string;
  /** containerd.log: stdout and stderr of the child. */
  log: string;
  /** CNI config dir (conf_dir) holding the k1s conflist. */
  cniConfDir: string;
  /** host-local IPAM dataDir. */
  cniIpamDir: string;
  /** Registry hosts dir (CRI `config_path`): certs.d/<host>/hosts.toml. */
  certsDir: string;
  /** The opt plugin's directory (containerd would otherwise use /opt/containerd). */
  opt: string;
  /** Where pod logs go unless the kubelet chooses otherwise. */
  podLogs: string;
  /** Built images (pause) written here before import. */
  images: string;
}

/** Computes the {@link RuntimePaths} of `dataDir` (resolved against the cwd). Pure apart from path resolution. */
export function runtimePaths(dataDir: string): RuntimePaths {
  const base = join(resolve(dataDir), 'containerd');
  let socket = join(base, 'containerd.sock');
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    const hash = createHash('sha256').update(base).digest('hex').slice(0, 12);
    socket = join('/run', `k1s-${hash}`, 'containerd.sock');
  }
  return {
    base,
    config: join(base, 'config.toml'),
    root: join(base, 'root'),
    state: join(base, 'state'),
    socket,
    runcRoot: join(base, 'state', 'runc'),
    log: join(base, 'containerd.log'),
    cniConfDir: join(base, 'cni', 'net.d'),
    cniIpamDir: join(base, 'cni', 'ipam'),
    certsDir: join(base, 'certs.d'),
    opt: join(base, 'opt'),
    podLogs: join(base, 'pod-logs'),
    images: join(base, 'images'),
  };
}
