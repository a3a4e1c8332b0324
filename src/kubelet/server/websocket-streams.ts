/**
 * exec and attach over WebSocket: the channels of one connection (binary or base64, kubelet
 * `remotecommand/websocket.go` on apiserver `wsstream.Conn`) as a {@link RemoteCommandStreams}, with the
 * v5 close signal (`[255, 0]`) ending stdin, as kube-apiserver's stream translator reads it.
 */
import { Readable, Writable } from 'node:stream';
import WebSocket from 'ws';
import { CLOSE, ERROR, frame, frameBase64, protocolTraits, RESIZE, STDERR, STDIN, STDOUT, unframe, unframeBase64, type RemoteCommandProtocol } from './remote-command.js';
import type { ExecParams, RemoteCommandStreams } from './stream-session.js';

/** Bytes of stdin held before the socket stops being read (back-pressure towards the client). */
const STDIN_HIGH_WATER_MARK = 256 * 1024;

/**
 * Wraps an accepted WebSocket: sends the kubelet's readiness message (an empty frame on the lowest
 * writable channel: stdout, else stderr, else error) at once, then demultiplexes the client's frames into
 * `stdin` (when asked for; it ends at the v5 close signal or when the client leaves) and `resize` (under
 * tty), and multiplexes `stdout`, `stderr` and `error` writes into frames. A write completes when its frame
 * reached the socket. The error frame and the close each go out after a pause of one timer tick, in their
 * own TLS record: clients that wait on the raw socket before reading each frame (the Python client's
 * WSClient) would otherwise leave them unread in their TLS buffer. Frames for other channels, and a close
 * signal under v4, are ignored, as wsstream does.
 */
export function acceptWebSocket(ws: WebSocket, protocol: RemoteCommandProtocol, p: ExecParams): RemoteCommandStreams {
  const traits = protocolTraits(protocol);
  const abort = new AbortController();
  let lastSend: Promise<void> = Promise.resolve();
  const send = (channel: number, payload: Buffer): Promise<void> => {
    const sent = new Promise<void>((resolve) => {
      if (ws.readyState !== WebSocket.OPEN) return resolve();
      const message = traits.base64 ? frameBase64(channel, payload) : frame(channel, payload);
      ws.send(message, { binary: !traits.base64 }, () => resolve());
    });
    lastSend = sent;
    return sent;
  };
  const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));
  const output = (channel: number, paced = false): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        const go = paced ? tick().then(() => send(channel, chunk)) : send(channel, chunk);
        void go.then(() => cb());
      },
    });

  const stdin = p.stdin ? new Readable({ highWaterMark: STDIN_HIGH_WATER_MARK, read: () => ws.resume() }) : undefined;
  const resize = p.tty ? new Readable({ read: () => undefined }) : undefined;
  const endInput = (): void => {
    if (stdin && !stdin.readableEnded) stdin.push(null);
    if (resize && !resize.readableEnded) resize.push(null);
  };
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    let f: { stream: number; payload: Buffer } | undefined;
    try {
      f = traits.base64 && !isBinary ? unframeBase64(data.toString('latin1')) : unframe(isBinary ? data : Buffer.from(data));
    } catch {
      return;
    }
    if (!f) return;
    if (f.stream === STDIN && stdin && !stdin.readableEnded) {
      if (f.payload.length && !stdin.push(f.payload)) ws.pause();
    } else if (f.stream === RESIZE && resize && !resize.readableEnded) {
      resize.push(f.payload);
    } else if (f.stream === CLOSE && traits.closeSignal && f.payload[0] === STDIN && stdin && !stdin.readableEnded) {
      stdin.push(null);
    }
  });
  ws.on('close', () => {
    endInput();
    abort.abort();
  });
  ws.on('error', () => undefined);

  void send(p.stdout ? STDOUT : p.stderr ? STDERR : ERROR, Buffer.alloc(0));
  const streams: RemoteCommandStreams = {
    protocol,
    statusEncoding: traits.status,
    error: output(ERROR, true),
    signal: abort.signal,
    close: async () => {
      await lastSend;
      await tick();
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    },
  };
  if (stdin) streams.stdin = stdin;
  if (resize) streams.resize = resize;
  if (p.stdout) streams.stdout = output(STDOUT);
  if (p.stderr) streams.stderr = output(STDERR);
  return streams;
}
