// The Kubernetes remotecommand WebSocket protocols: subprotocol choice, channel framing (binary and base64) and the exit Status.

/** Stream ids (apimachinery `pkg/util/remotecommand/constants.go`). */
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
/** v5 only: `[255, id]` closes stream `id` (stdin EOF). */
export const CLOSE = 255;

/**
 * WebSocket subprotocols served, most preferred first: v5 (v4 with the close signal, which kube-apiserver
 * translates for kubectl ≥ 1.30), the kubelet's v4 and pre-v4 channel protocols in binary and base64, and
 * `''` for a client that names none (kubelet `createWebSocketStreams`: binary, v1 status).
 */
export const SUPPORTED_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v4.base64.channel.k8s.io', 'channel.k8s.io', 'base64.channel.k8s.io'] as const;
export type RemoteCommandProtocol = (typeof SUPPORTED_PROTOCOLS)[number] | '';

/**
 * How the final status is written on the error stream: `v4` as a JSON Status (`{"status":"Success"}` too),
 * `v1` as the failure message only and nothing on success (kubelet `v4WriteStatusFunc`/`v1WriteStatusFunc`).
 */
export type StatusEncoding = 'v4' | 'v1';

/** Picks the protocol to answer with from the client's offer (server preference order); undefined when none fits. */
export function negotiateProtocol(offered: Iterable<string>): RemoteCommandProtocol | undefined {
  const set = new Set([...offered].map((p) => p.trim()).filter(Boolean));
  if (set.size === 0) return '';
  return SUPPORTED_PROTOCOLS.find((p) => set.has(p));
}

/** The properties of a negotiated WebSocket protocol. */
export function protocolTraits(protocol: RemoteCommandProtocol): { base64: boolean; status: StatusEncoding; closeSignal: boolean } {
  return {
    base64: protocol.includes('base64'),
    status: protocol.startsWith('v4.') || protocol.startsWith('v5.') ? 'v4' : 'v1',
    closeSignal: protocol === 'v5.channel.k8s.io',
  };
}

/** One binary message: stream id byte + payload. */
export function frame(stream: number, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([Buffer.from([stream]), body]);
}

/** One base64 message (text): the stream id as an ASCII digit, then the payload in base64 (wsstream `base64Codec`). */
export function frameBase64(stream: number, payload: Buffer = Buffer.alloc(0)): string {
  return String.fromCharCode(48 + stream) + payload.toString('base64');
}

/** Splits a binary message into stream id and payload; undefined for an empty message. */
export function unframe(msg: Buffer): { stream: number; payload: Buffer } | undefined {
  if (msg.length === 0) return undefined;
  return { stream: msg[0]!, payload: msg.subarray(1) };
}

/** Splits a base64 message; undefined for an empty one. Throws on a payload that is not base64. */
export function unframeBase64(msg: string): { stream: number; payload: Buffer } | undefined {
  if (msg.length === 0) return undefined;
  const text = msg.slice(1);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Error('illegal base64 data in message');
  return { stream: msg.charCodeAt(0) - 48, payload: Buffer.from(text, 'base64') };
}

/** A Kubernetes Status as the remotecommand error stream carries it. */
interface WireStatus {
  status?: string;
  message?: string;
}

/**
 * The final error-stream payload for `encoding`, from the runtime's v4 answer (a JSON Status, or nothing
 * when the runtime closed the stream without one). v4 passes the runtime's bytes unchanged; v1 keeps only
 * a failure's message. Undefined when nothing is to be written.
 */
export function encodeStatus(encoding: StatusEncoding, v4Payload: Buffer): Buffer | undefined {
  if (v4Payload.length === 0) return undefined;
  if (encoding === 'v4') return v4Payload;
  let status: WireStatus;
  try {
    status = JSON.parse(v4Payload.toString('utf8')) as WireStatus;
  } catch {
    return v4Payload;
  }
  if (status.status === 'Success') return undefined;
  return Buffer.from(status.message ?? 'error executing remote command');
}

/**
 * The error-stream payload of an internal failure (the runtime refused the exec, its streaming server is
 * unreachable): apimachinery `NewInternalError` — message `Internal error occurred: <message>`, reason
 * InternalError, code 500, the bare message as the one cause; v1 carries the message text only.
 */
export function errorStatusPayload(encoding: StatusEncoding, message: string): Buffer {
  const full = `Internal error occurred: ${message}`;
  if (encoding === 'v1') return Buffer.from(full);
  return Buffer.from(JSON.stringify({ metadata: {}, status: 'Failure', message: full, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 }));
}
