/**
 * `k1s dashboard`: picks the kubeconfig (--kubeconfig, else --data-dir given on the command line, else
 * $KUBECONFIG, else DATA_DIR/kubeconfig.yaml, as `k1s kubectl` does), starts the dashboard on 127.0.0.1, prints its
 * one-time login URL, opens a browser with --open, and runs until SIGINT or SIGTERM.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadClusterAccess } from '../dashboard/kubeconfig.js';
import { startDashboard } from '../dashboard/server.js';
import { errorLine, StartupError } from './error-line.js';

/** What runDashboard needs, resolved from the flags. */
export interface DashboardRun {
  kubeconfig: string | undefined;
  dataDir: string;
  /** True when --data-dir was given on the command line (it then wins over $KUBECONFIG). */
  dataDirFromFlag: boolean;
  port: number;
  open: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

/** The kubeconfig file `k1s dashboard` reads (see the file comment for the order). */
export function dashboardKubeconfig(run: Omit<DashboardRun, 'port' | 'open'>): string {
  if (run.kubeconfig) return run.kubeconfig;
  const fromEnv = run.env['KUBECONFIG']?.split(':')[0];
  return run.dataDirFromFlag || !fromEnv ? join(run.dataDir, 'kubeconfig.yaml') : fromEnv;
}

/** Runs the dashboard until a signal; throws StartupError when the kubeconfig cannot be read or the port is taken. */
export async function runDashboard(run: DashboardRun): Promise<void> {
  const path = dashboardKubeconfig(run);
  let access;
  try {
    access = loadClusterAccess(path);
  } catch (err) {
    throw new StartupError(`k1s dashboard: cannot read kubeconfig ${path}: ${errorLine(err)}: start 'k1s server' or pass --kubeconfig`, { cause: err });
  }
  let dashboard;
  try {
    dashboard = await startDashboard({ access, port: run.port });
  } catch (err) {
    throw new StartupError(`k1s dashboard: cannot start on 127.0.0.1:${run.port}: ${errorLine(err)}`, { cause: err });
  }
  console.log(`k1s dashboard for ${access.server} (kubeconfig ${path})`);
  console.log(`open ${dashboard.url}`);
  console.log(`a pod: ${dashboard.url}#/namespaces/${access.namespace}/pods/NAME`);
  if (run.open) {
    const child = spawn('xdg-open', [dashboard.url], { stdio: 'ignore', detached: true });
    child.on('error', (err) => process.stderr.write(`k1s dashboard: --open: cannot run xdg-open: ${err.message}\n`));
    child.unref();
  }
  await new Promise<void>((resolveRun) => {
    const stop = (): void => resolveRun();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await dashboard.close();
}
