/**
 * The namespace page: the pods of one namespace with kubectl's columns (NAME, READY, STATUS, RESTARTS, AGE — the
 * API server's Table, so STATUS is computed exactly as `kubectl get pods` prints it), refreshed on every watch
 * event and every few seconds (AGE).
 */
import { useEffect, useState } from 'preact/hooks';
import { getJson, listWatch, NotLoggedIn, TABLE_ACCEPT } from './api.js';
import { LoginRequired } from './login.js';

/** meta.k8s.io/v1 Table, the parts shown. */
export interface Table {
  columnDefinitions: { name: string; priority?: number }[];
  rows: { cells: unknown[]; object?: { metadata?: { name?: string } } }[];
}

/** Renders a Table's priority-0 columns (kubectl's default output); the NAME cell links to the pod page. */
export function PodTable({ table, namespace }: { table: Table; namespace: string }) {
  const shown = table.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => !c.priority);
  return (
    <table class="pods" data-testid="pod-table">
      <thead>
        <tr>{shown.map(({ c }) => <th>{c.name.toUpperCase()}</th>)}</tr>
      </thead>
      <tbody>
        {table.rows.map((r) => {
          const name = String(r.cells[0] ?? '');
          return (
            <tr data-pod={name}>
              {shown.map(({ c, i }) => (
                <td data-column={c.name.toUpperCase()}>{i === 0 ? <a href={`#/namespaces/${namespace}/pods/${name}`}>{name}</a> : String(r.cells[i] ?? '')}</td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function NamespacePage({ namespace }: { namespace: string }) {
  const [table, setTable] = useState<Table | undefined>();
  const [namespaces, setNamespaces] = useState<string[]>([]);
  const [error, setError] = useState<Error | undefined>();
  useEffect(() => {
    const ctl = new AbortController();
    let pending: ReturnType<typeof setTimeout> | undefined;
    const refresh = (): void => {
      getJson<Table>(`/api/v1/namespaces/${namespace}/pods`, TABLE_ACCEPT, ctl.signal).then((t) => { setTable(t); setError(undefined); }, (err: Error) => { if (!ctl.signal.aborted) setError(err); });
    };
    // Coalesce a burst of watch events into one Table request.
    const soon = (): void => {
      if (pending === undefined) pending = setTimeout(() => { pending = undefined; refresh(); }, 150);
    };
    void listWatch(`/api/v1/namespaces/${namespace}/pods`, soon, soon, ctl.signal, setError);
    const ages = setInterval(refresh, 5000);
    getJson<{ items: { metadata: { name: string } }[] }>('/api/v1/namespaces', 'application/json', ctl.signal).then((l) => setNamespaces(l.items.map((n) => n.metadata.name)), () => undefined);
    return () => { ctl.abort(); clearInterval(ages); if (pending) clearTimeout(pending); };
  }, [namespace]);
  if (error instanceof NotLoggedIn) return <LoginRequired />;
  return (
    <div>
      <h1>Pods in {namespace}</h1>
      <p class="namespaces">
        {namespaces.map((n) => <a class={n === namespace ? 'current' : ''} href={`#/namespaces/${n}`}>{n}</a>)}
      </p>
      {error ? <p class="error">{error.message}</p> : null}
      {table ? (table.rows.length ? <PodTable table={table} namespace={namespace} /> : <p>No pods in {namespace}.</p>) : <p>Loading…</p>}
    </div>
  );
}
