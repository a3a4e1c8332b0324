/**
 * An exec terminal: xterm.js over the pod's exec subresource WebSocket (`v5.channel.k8s.io`, else
 * `v4.channel.k8s.io`), as `kubectl exec -it POD -c C -- sh` opens it: channel 0 stdin, 1 stdout, 2 stderr,
 * 3 the exit Status, 4 terminal resizes (`{"Width":…,"Height":…}`).
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'preact/hooks';

export function ExecTerminal({ namespace, pod, container }: { namespace: string; pod: string; container: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState('connecting');
  useEffect(() => {
    const term = new Terminal({ convertEol: false, fontSize: 13, rows: 16, cursorBlink: true });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host.current!);
    fit.fit();
    const q = new URLSearchParams({ container, stdin: 'true', stdout: 'true', tty: 'true' });
    q.append('command', 'sh');
    const ws = new WebSocket(`ws://${location.host}/k8s/api/v1/namespaces/${namespace}/pods/${pod}/exec?${q}`, ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    ws.binaryType = 'arraybuffer';
    const enc = new TextEncoder();
    const send = (channel: number, data: Uint8Array): void => {
      if (ws.readyState !== WebSocket.OPEN) return;
      const frame = new Uint8Array(data.length + 1);
      frame[0] = channel;
      frame.set(data, 1);
      ws.send(frame);
    };
    const resize = (): void => send(4, enc.encode(JSON.stringify({ Width: term.cols, Height: term.rows })));
    ws.onopen = () => {
      setState(`connected (${ws.protocol})`);
      resize();
      term.focus();
    };
    ws.onmessage = (m: MessageEvent<ArrayBuffer>) => {
      const bytes = new Uint8Array(m.data);
      const channel = bytes[0];
      if (channel === 1 || channel === 2) term.write(bytes.subarray(1));
      else if (channel === 3) {
        const status = JSON.parse(new TextDecoder().decode(bytes.subarray(1))) as { status?: string; message?: string };
        setState(status.status === 'Success' ? 'exited' : `exited: ${status.message ?? ''}`);
      }
    };
    ws.onclose = () => setState((s) => (s.startsWith('exited') ? s : 'closed'));
    ws.onerror = () => setState('cannot connect');
    const input = term.onData((d) => send(0, enc.encode(d)));
    const resized = term.onResize(resize);
    const onWindow = (): void => fit.fit();
    addEventListener('resize', onWindow);
    return () => {
      removeEventListener('resize', onWindow);
      input.dispose();
      resized.dispose();
      ws.close();
      term.dispose();
    };
  }, [namespace, pod, container]);
  return (
    <div class="terminal-wrap">
      <p class="terminal-state" data-testid="terminal-state">exec sh in {container}: {state}</p>
      <div class="terminal" data-testid="terminal" ref={host} />
    </div>
  );
}
