// Runs postStart/preStop lifecycle handlers: exec, httpGet and sleep (pkg/kubelet/lifecycle/handlers.go).

import type { Container, LifecycleHandler } from '../../api/types.js';
import type { RuntimeService } from '../../cri/types.js';
import { doHTTPGet, httpGetRequest } from '../probe/http-get.js';

/**
 * Runs `handler` for `container` (instance `containerId`) with a deadline of `timeoutSeconds` (0 = none).
 * Resolves with '' on success, or the failure message (exec: `Exec lifecycle hook ([cmd]) for Container "c" in
 * Pod "p" failed - error: command '...' exited with N: , message: "..."`); HTTP status codes are not checked.
 */
export async function runLifecycleHandler(
  runtime: RuntimeService,
  containerId: string,
  container: Container,
  podDesc: string,
  handler: LifecycleHandler,
  podIP: string,
  timeoutSeconds: number,
  signal?: AbortSignal,
): Promise<string> {
  if (handler.exec?.command) {
    const cmd = handler.exec.command;
    try {
      const res = await runtime.execSync(containerId, cmd, timeoutSeconds);
      if (res.exitCode === 0) return '';
      const out = Buffer.concat([res.stdout, res.stderr]).toString('utf8');
      return `Exec lifecycle hook ([${cmd.join(' ')}]) for Container "${container.name}" in Pod "${podDesc}" failed - error: command '${cmd.join(' ')}' exited with ${res.exitCode}: , message: ${JSON.stringify(out)}`;
    } catch (err) {
      return `Exec lifecycle hook ([${cmd.join(' ')}]) for Container "${container.name}" in Pod "${podDesc}" failed - error: ${(err as Error).message}, message: ""`;
    }
  }
  if (handler.httpGet) {
    const request = httpGetRequest(handler.httpGet, container, podIP);
    try {
      await doHTTPGet(request, { timeoutMs: (timeoutSeconds || 30) * 1000, timeoutMessage: 'timeout', untilBodyEnd: true });
      return '';
    } catch (err) {
      return `HTTP lifecycle hook (${request.path}) for Container "${container.name}" in Pod "${podDesc}" failed - error: ${(err as Error).message}`;
    }
  }
  if (handler.sleep) {
    const ms = handler.sleep.seconds * 1000;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
    return '';
  }
  return '';
}
