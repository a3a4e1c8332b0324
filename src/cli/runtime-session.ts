/**
 * Reaches the runtime of a data dir for one-shot commands (`images`, `killall`): uses the running
 * server's containerd when its socket answers, else starts containerd for the duration of the command.
 */
import { existsSync } from 'node:fs';
import { startContainerd } from '../containerd/supervisor.js';
import { runtimePaths } from '../containerd/paths.js';
import { createCriClient, waitForCri, type CriClient } from '../cri/client.js';

/** A CRI connection plus how to let go of it (stopping containerd if we started it). */
export interface RuntimeSession {
  endpoint: string;
  cri: CriClient;
  /** True when this command started containerd itself. */
  startedContainerd: boolean;
  close(): Promise<void>;
}

/** Opens a session on DATA_DIR's containerd, starting it when it is not running. */
export async function openRuntimeSession(dataDir: string): Promise<RuntimeSession> {
  const socket = runtimePaths(dataDir).socket;
  if (existsSync(socket)) {
    try {
      await waitForCri(socket, { timeoutMs: 2000 });
      const cri = createCriClient(socket);
      return { endpoint: socket, cri, startedContainerd: false, close: async () => cri.close() };
    } catch {
      // stale socket: start our own below
    }
  }
  const containerd = await startContainerd({ dataDir });
  await waitForCri(containerd.endpoint);
  const cri = createCriClient(containerd.endpoint);
  return {
    endpoint: containerd.endpoint,
    cri,
    startedContainerd: true,
    close: async () => {
      cri.close();
      await containerd.stop();
    },
  };
}
