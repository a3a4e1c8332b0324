/**
 * `k1s killall`: like k3s-killall.sh for one data dir — stops and removes every pod sandbox, stops
 * containerd, unmounts what is left under the data dir and removes the pod network. Run it after
 * stopping the server to leave nothing of k1s running.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanupRuntime } from '../containerd/cleanup.js';
import { DEFAULT_DATA_DIR } from './main.js';

/** Runs `k1s killall [--data-dir D]`. */
export async function runKillall(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string', short: 'd' } } });
  const dataDir = resolve(values['data-dir'] ?? DEFAULT_DATA_DIR);
  await cleanupRuntime({ dataDir });
}
