/**
 * One line for a failed command, instead of a stack trace: what failed, the state, and what to do
 * (`port 6443 is in use by pid 123 (k1s server): stop it, or choose another port with --https-listen-port`).
 * `--debug` / $K1S_DEBUG adds the stack and causes.
 */
import { findPortOwner } from './port-owner.js';

/** A refusal to start or run: one line for the user (what is wrong, then the fix), exit code 1. */
export class StartupError extends Error {
  readonly exitCode = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
};

/** The message of `err` and of its causes, each once, joined by ": ". */
function chain(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && depth < 8; depth++) {
    const text = e instanceof Error ? e.message : String(e);
    if (text && !parts.some((p) => p.includes(text))) parts.push(text.split('\n')[0]!);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(': ');
}

function findErrno(err: unknown): NodeJS.ErrnoException | undefined {
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 8; depth++) {
    if (typeof (e as NodeJS.ErrnoException).code === 'string' && (e as NodeJS.ErrnoException).syscall !== undefined) return e as NodeJS.ErrnoException;
    e = e.cause;
  }
  return undefined;
}

/**
 * One line describing `err` for the user. A listen failure (EADDRINUSE) names the port, the process holding
 * it (from /proc, when visible) and the flag that moves it (`portFlag`); other system errors name the call and
 * path in words (`open "/x": no such file or directory`); everything else is its message and its causes'.
 */
export function errorLine(err: unknown, options: { portFlag?: string; owner?: typeof findPortOwner } = {}): string {
  // Our own errors (UsageError, StartupError) are worded for the user already.
  if (err instanceof Error && typeof (err as { exitCode?: unknown }).exitCode === 'number') return err.message;
  const errno = findErrno(err);
  if (errno?.code === 'EADDRINUSE' || (errno?.code === 'EACCES' && errno.syscall === 'listen')) {
    const port = (errno as { port?: number }).port;
    if (errno.code === 'EACCES') return `cannot listen on port ${port ?? '?'}: permission denied: run as root or choose a port above 1023${options.portFlag ? ` with ${options.portFlag}` : ''}`;
    const owner = port !== undefined ? (options.owner ?? findPortOwner)(port) : undefined;
    return `port ${port ?? '?'} is already in use${owner ? ` by pid ${owner.pid} (${owner.command})` : ''}: stop ${owner ? 'it' : 'the process holding it'}${options.portFlag ? `, or choose another port with ${options.portFlag}` : ''}`;
  }
  if (errno && errno.code !== undefined && ERRNO_TEXT[errno.code] !== undefined && errno.path !== undefined && err === errno) {
    return `${errno.syscall ?? 'access'} "${errno.path}": ${ERRNO_TEXT[errno.code]}`;
  }
  return chain(err);
}

/** The exit code for `err`: its own `exitCode` (2 for usage errors, 1 for start-up refusals), else 1. */
export function exitCodeOf(err: unknown): number {
  const code = (err as { exitCode?: unknown } | undefined)?.exitCode;
  return typeof code === 'number' && Number.isInteger(code) && code > 0 ? code : 1;
}
