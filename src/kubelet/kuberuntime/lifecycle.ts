// Runs postStart/preStop lifecycle handlers: exec, httpGet and sleep (pkg/kubelet/lifecycle/handlers.go), spec §8.1.

import * as http from 'node:http';
import * as https from 'node:https';
import type { Container, LifecycleHandler } from '../../api/types.js';
import type { RuntimeService } from '../../cri/types.js';

function resolvePort(port: number | string, container: Container): number {
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port);
  if (named) return named.containerPort;
  const n = Number.parseInt(port, 10);
  if (!Number.isFinite(n)) throw new Error(`couldn't find port: ${port} in ${JSON.stringify(container.ports ?? [])}`);
  return n;
}

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
    const g = handler.httpGet;
    const scheme = g.scheme === 'HTTPS' ? https : http;
    const port = resolvePort(g.port, container);
    const headers: Record<string, string> = {};
    for (const h of g.httpHeaders ?? []) headers[h.name] = h.value;
    return new Promise<string>((resolve) => {
      const req = scheme.request(
        { host: g.host || podIP, port, path: g.path || '/', method: 'GET', headers, timeout: (timeoutSeconds || 30) * 1000, rejectUnauthorized: false },
        (res) => {
          res.resume();
          res.on('end', () => resolve(''));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => resolve(`HTTP lifecycle hook (${g.path || '/'}) for Container "${container.name}" in Pod "${podDesc}" failed - error: ${err.message}`));
      req.end();
    });
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
