// The Kubernetes remotecommand WebSocket protocol: subprotocol choice, channel framing and exit Status (kubectl-contract §7).

/** Stream ids (apimachinery `pkg/util/remotecommand/constants.go`). */
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
/** v5 only: `[255, id]` closes stream `id` (stdin EOF). */
export const CLOSE = 255;

/** Subprotocols served, most preferred first. */
export const SUPPORTED_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'channel.k8s.io'] as const;
export type RemoteCommandProtocol = (typeof SUPPORTED_PROTOCOLS)[number];

/** Picks the protocol to answer with from the client's offer (server preference order); undefined when none fits. */
export function negotiateProtocol(offered: Iterable<string>): RemoteCommandProtocol | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  return SUPPORTED_PROTOCOLS.find((p) => set.has(p));
}

/** One binary message: stream id byte + payload. */
export function frame(stream: number, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([Buffer.from([stream]), body]);
}

/** Splits a binary message into stream id and payload; undefined for an empty message. */
export function unframe(msg: Buffer): { stream: number; payload: Buffer } | undefined {
  if (msg.length === 0) return undefined;
  return { stream: msg[0]!, payload: msg.subarray(1) };
}

/**
 * The payload of the error stream at the end of a command (client-go `errorDecoderV4` expects JSON Status):
 * v4/v5 send `{"metadata":{},"status":"Success"}` or a Failure with reason NonZeroExitCode and an ExitCode
 * cause; channel.k8s.io (v1) sends only the failure message text, nothing on success.
 */
export function exitStatusPayload(protocol: RemoteCommandProtocol, exitCode: number, command: string[]): Buffer | undefined {
  const message = `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`;
  if (protocol === 'channel.k8s.io') return exitCode === 0 ? undefined : Buffer.from(message);
  if (exitCode === 0) return Buffer.from(JSON.stringify({ metadata: {}, status: 'Success' }));
  return Buffer.from(
    JSON.stringify({
      metadata: {},
      status: 'Failure',
      message,
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
    }),
  );
}

/** The error-stream payload of an internal failure (e.g. the runtime refused the exec). */
export function errorStatusPayload(protocol: RemoteCommandProtocol, message: string): Buffer {
  if (protocol === 'channel.k8s.io') return Buffer.from(message);
  return Buffer.from(JSON.stringify({ metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 }));
}
