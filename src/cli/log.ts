/** Minimal leveled logger of the k1s processes: timestamped lines on stderr, errors with their cause chain. */

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  let text = err.stack ?? `${err.name}: ${err.message}`;
  let cause: unknown = err.cause;
  while (cause instanceof Error) {
    text += `\n  caused by: ${cause.message}`;
    cause = cause.cause;
  }
  return text;
}

function write(level: string, message: string, err?: unknown): void {
  const line = `${new Date().toISOString()} ${level} ${message}${err === undefined ? '' : `: ${describe(err)}`}`;
  process.stderr.write(line + '\n');
}

/** The process logger: `info`, `warn`, `error` write one line each (plus an error's stack). */
export const log = {
  info: (message: string) => write('INFO ', message),
  warn: (message: string, err?: unknown) => write('WARN ', message, err),
  error: (message: string, err?: unknown) => write('ERROR', message, err),
};
