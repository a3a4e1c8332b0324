/**
 * The browser's side of the API proxy: GET JSON (and kubectl's Table), list-then-watch streams that resume after
 * a dropped connection, and text streams (logs), all under the dashboard's `/k8s/` prefix with its session cookie.
 */

/** Thrown when the dashboard answers 401: no session cookie (the login token was not used in this browser). */
export class NotLoggedIn extends Error {}

/** Kubernetes' Table media type, as kubectl asks for it. */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

/** GETs `/k8s{path}` as JSON; throws NotLoggedIn on 401 and an Error with the Status message otherwise. */
export async function getJson<T>(path: string, accept = 'application/json', signal?: AbortSignal): Promise<T> {
  const res = await fetch(`/k8s${path}`, { headers: { accept }, credentials: 'same-origin', ...(signal ? { signal } : {}) });
  if (res.status === 401) throw new NotLoggedIn('not logged in');
  const body = (await res.json()) as T & { kind?: string; message?: string };
  if (!res.ok) throw new Error(body.message ?? `GET ${path}: HTTP ${res.status}`);
  return body;
}

/** Reads a streamed response body, handing each chunk of text to `onText` until it ends or `signal` aborts. */
export async function streamText(path: string, onText: (text: string) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(`/k8s${path}`, { credentials: 'same-origin', signal });
  if (res.status === 401) throw new NotLoggedIn('not logged in');
  if (!res.ok || !res.body) {
    const text = await res.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // plain text
    }
    throw new Error(message);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onText(value);
  }
}

/** One watch event. */
export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/** A list's items and resourceVersion. */
interface List<T> {
  metadata: { resourceVersion?: string };
  items: T[];
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> => new Promise((r) => {
  const t = setTimeout(r, ms);
  signal.addEventListener('abort', () => { clearTimeout(t); r(); }, { once: true });
});

/**
 * Lists `path` (a collection, with its own query such as `?fieldSelector=…`) and watches it from the list's
 * resourceVersion, as client-go's reflector does: `onList` gets every (re)list, `onEvent` every change after it.
 * Resumes after a dropped watch (relisting), until `signal` aborts; NotLoggedIn ends it through `onError`.
 */
export async function listWatch<T>(path: string, onList: (items: T[]) => void, onEvent: (ev: WatchEvent<T>) => void, signal: AbortSignal, onError: (err: Error) => void): Promise<void> {
  const sep = path.includes('?') ? '&' : '?';
  while (!signal.aborted) {
    try {
      const list = await getJson<List<T>>(path, 'application/json', signal);
      onList(list.items);
      let buffered = '';
      await streamText(`${path}${sep}watch=1&allowWatchBookmarks=true&resourceVersion=${list.metadata.resourceVersion ?? ''}`, (text) => {
        buffered += text;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.trim()) continue;
          const ev = JSON.parse(line) as WatchEvent<T>;
          if (ev.type === 'ERROR') throw new Error('watch expired');
          if (ev.type !== 'BOOKMARK') onEvent(ev);
        }
      }, signal);
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof NotLoggedIn) return onError(err);
      onError(err as Error);
    }
    await sleep(1000, signal);
  }
}
