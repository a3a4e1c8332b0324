/**
 * `k1s` command dispatcher: `server`, `images import|list`, `killall`, `kubectl`, `--version`.
 *
 * Flags follow k3s where k3s has one (`--data-dir`, `--https-listen-port`, `--private-registry`,
 * `--disable-default-registry-endpoint`, `--container-runtime-endpoint`, `--node-name`, `--cluster-cidr`).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { K1S_VERSION } from './version.js';

const usage = `k1s ${K1S_VERSION} — a single-node Kubernetes for multi-container pods

Usage:
  k1s server [flags]                      run the API server, kubelet and containerd in the foreground
  k1s images import [--data-dir D] [--name REPO] FILE…
                                          import OCI-archive or docker-archive tars into the runtime; images the
                                          archive names by tag only become REPO:TAG (default REPO: the file name)
  k1s images list [--data-dir D]          list the runtime's images
  k1s killall [--data-dir D]              stop every pod sandbox and the runtime, unmount, remove the pod network
  k1s kubectl [ARGS…]                     run kubectl with KUBECONFIG=DATA_DIR/kubeconfig.yaml
  k1s --version

Server flags:
  --data-dir DIR                          state directory (default /var/lib/k1s)
  --https-listen-port PORT                API server port on 127.0.0.1 (default 6443)
  --node-name NAME                        node name (default: the host name)
  --cluster-cidr CIDR                     pod network (default 10.42.0.0/16; the node uses its first /24)
  --private-registry FILE                 registries.yaml in k3s's format (mirrors, configs)
  --disable-default-registry-endpoint     never fall back to a registry's public endpoint
  --container-runtime-endpoint SOCKET     use this CRI socket instead of starting containerd
`;

/** Default data directory, as k3s's /var/lib/rancher/k3s. */
export const DEFAULT_DATA_DIR = '/var/lib/k1s';

/** Runs the CLI with `argv` (without node and script). Resolves when a one-shot command ends. */
export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'server': {
      const { runServer } = await import('./server.js');
      await runServer(rest);
      // Shutdown is bounded (shutdown.ts): exit now rather than wait for any handle a stuck step left open.
      process.exit(process.exitCode ?? 0);
    }
    case 'images': {
      const { runImages } = await import('./images.js');
      await runImages(rest);
      return;
    }
    case 'killall': {
      const { runKillall } = await import('./killall.js');
      await runKillall(rest);
      return;
    }
    case 'kubectl': {
      // `k1s kubectl [--data-dir D] ARGS…`: everything but our own --data-dir goes to kubectl unchanged.
      const { values } = parseArgs({ args: rest, options: { 'data-dir': { type: 'string' } }, strict: false, allowPositionals: true });
      const explicit = typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined;
      const kubeconfig = explicit ? join(explicit, 'kubeconfig.yaml') : (process.env['KUBECONFIG'] ?? join(DEFAULT_DATA_DIR, 'kubeconfig.yaml'));
      const args = rest.filter((a, i) => !(a === '--data-dir' || a.startsWith('--data-dir=') || rest[i - 1] === '--data-dir'));
      const r = spawnSync('kubectl', args, {
        stdio: 'inherit',
        env: { ...process.env, KUBECONFIG: kubeconfig },
      });
      process.exitCode = r.status ?? 1;
      return;
    }
    case '--version':
    case 'version':
      console.log(`k1s ${K1S_VERSION}`);
      return;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      console.log(usage);
      return;
    default:
      console.error(`k1s: unknown command "${command}"\n\n${usage}`);
      process.exitCode = 2;
  }
}
