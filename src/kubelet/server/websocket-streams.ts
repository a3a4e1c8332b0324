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
 * tty), and multiplexes `stdout`, `stderr` and `error` writes into frames, in write order. A write completes
 * when its frame reached the socket. The error frame and the close each go out after a pause of one timer
 * tick, in their own TLS record, and so does every frame for clients without the v5 close signal: clients
 * that wait on the raw socket before reading each frame (the Python client's WSClient, v4) would otherwise
 * leave frames that arrived together unread in their TLS buffer, the status among them. Frames for other
 * channels, and a close signal under v4, are ignored, as wsstream does.
 */
export function acceptWebSocket(ws: WebSocket, protocol: RemoteCommandProtocol, p: ExecParams): RemoteCommandStreams {
  const traits = protocolTraits(protocol);
  const abort = new AbortController();
  const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));
  // Frames leave one at a time, in the order written; `paced` ones a timer tick after the previous one.
  let lastSend: Promise<void> = Promise.resolve();
  const send = (channel: number, payload: Buffer, paced: boolean): Promise<void> => {
    const sent = lastSend.then(async () => {
      if (paced) await tick();
      if (ws.readyState !== WebSocket.OPEN) return;
      const message = traits.base64 ? frameBase64(channel, payload) : frame(channel, payload);
      await new Promise<void>((resolve) => ws.send(message, { binary: !traits.base64 }, () => resolve()));
    });
    lastSend = sent;
    return sent;
  };
  // Clients without the close signal are the ones known to poll the socket once per frame (v4: the Python
  // client): every frame gets its own record there. v5 clients read what arrives; only the end is paced.
  const pacedData = !traits.closeSignal;
  const output = (channel: number, paced: boolean): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        void send(channel, chunk, paced).then(() => cb());
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

  void send(p.stdout ? STDOUT : p.stderr ? STDERR : ERROR, Buffer.alloc(0), false);
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
  if (p.stdout) streams.stdout = output(STDOUT, pacedData);
  if (p.stderr) streams.stderr = output(STDERR, pacedData);
  return streams;
}
