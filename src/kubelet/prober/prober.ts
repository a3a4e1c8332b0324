// Runs one probe of a container once and words its outcome (pkg/kubelet/prober/prober.go `runProbe`).

import * as net from 'node:net';
import type { Container, Probe } from '../../api/types.js';
import type { CommandRunner } from '../container/runtime.js';
import { KUBERNETES_VERSION } from '../../api/version.js';
import { doHTTPGet, httpGetRequest, requestURL, resolveContainerPort } from '../probe/http-get.js';
import type { Result } from './results/results-manager.js';

/** The runtime call a probe needs: exec probes run through CRI ExecSync. */
export type ProbeRuntime = CommandRunner;

/**
 * Runs `probe` once against container instance `containerId` (spec `c`) of a pod at `podIP`, with the probe's
 * `timeoutSeconds` (default 1). Resolves `[result, output]`, never rejects:
 * - exec: success on exit code 0; output is stdout then stderr; a failed call fails with its message;
 * - httpGet: success on a status in [200, 400); else `HTTP probe failed with statuscode: N`, or
 *   `Get "http://host:port/path": <error>` when the request fails (User-Agent `kube-probe/<version>`);
 * - tcpSocket: success once connected; else `dial tcp host:port: <error>`;
 * - an httpGet/tcpSocket port name the container does not declare fails with `couldn't find port: ...`;
 * - any other probe (grpc included, not implemented) counts as success.
 */
export async function runProbe(runtime: ProbeRuntime, containerId: string, c: Container, probe: Probe, podIP: string): Promise<[Result, string]> {
  const timeout = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.exec?.command) {
    try {
      const r = await runtime.execSync(containerId, probe.exec.command, probe.timeoutSeconds ?? 1);
      return [r.exitCode === 0 ? 'success' : 'failure', Buffer.concat([r.stdout, r.stderr]).toString()];
    } catch (err) {
      return ['failure', (err as { details?: string }).details ?? (err as Error).message];
    }
  }
  if (probe.httpGet) {
    let request;
    try {
      request = httpGetRequest(probe.httpGet, c, podIP, { 'User-Agent': `kube-probe/${KUBERNETES_VERSION.replace(/^v?(\d+\.\d+).*$/, '$1')}` });
    } catch (err) {
      return ['failure', (err as Error).message];
    }
    try {
      const code = await doHTTPGet(request, { timeoutMs: timeout, timeoutMessage: 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)', untilBodyEnd: false });
      return code >= 200 && code < 400 ? ['success', ''] : ['failure', `HTTP probe failed with statuscode: ${code}`];
    } catch (err) {
      return ['failure', `Get "${requestURL(request)}": ${(err as Error).message}`];
    }
  }
  if (probe.tcpSocket) {
    let port: number;
    try {
      port = resolveContainerPort(probe.tcpSocket.port, c);
    } catch (err) {
      return ['failure', (err as Error).message];
    }
    const host = probe.tcpSocket.host || podIP;
    return new Promise((resolve) => {
      const sock = net.connect({ host, port, timeout });
      sock.on('connect', () => {
        sock.destroy();
        resolve(['success', '']);
      });
      sock.on('timeout', () => {
        sock.destroy();
        resolve(['failure', `dial tcp ${host}:${port}: i/o timeout`]);
      });
      sock.on('error', (err) => resolve(['failure', `dial tcp ${host}:${port}: ${err.message}`]));
    });
  }
  return ['success', ''];
}
