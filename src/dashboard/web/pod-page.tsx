/**
 * A pod's page: the pod drawn, its lifecycle timeline, the multi-container warnings (lint/, as admission sends
 * them), and tabs with each container's logs and exec terminal, the pod's events and its YAML. The pod and its
 * events are listed and watched, so everything follows the pod live.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { stringify } from 'yaml';
import { formatWarning, lintPodSpec } from '../../lint/lint.js';
import { listWatch, NotLoggedIn } from './api.js';
import { PodDrawingView } from './drawing.js';
import { LoginRequired } from './login.js';
import { Logs } from './logs.js';
import { podDrawing } from './patterns.js';
import { ExecTerminal } from './terminal.js';
import { buildTimeline, eventTime, History } from './timeline.js';
import { TimelineView } from './timeline-view.js';

type Obj = Record<string, any>;
type Tab = 'logs' | 'exec' | 'events' | 'yaml';

const age = (t: number | undefined, now: number): string => {
  if (t === undefined) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.floor(s / 60)}m${s % 60}s` : `${Math.floor(s / 3600)}h`;
};

function upsert(list: Obj[], ev: { type: string; object: Obj }): Obj[] {
  const uid = ev.object['metadata']?.['uid'];
  const rest = list.filter((o) => o['metadata']?.['uid'] !== uid);
  return ev.type === 'DELETED' ? rest : [...rest, ev.object];
}

export function PodPage({ namespace, name }: { namespace: string; name: string }) {
  const [pod, setPod] = useState<Obj | undefined | null>(undefined);
  const [events, setEvents] = useState<Obj[]>([]);
  const [error, setError] = useState<Error | undefined>();
  const [now, setNow] = useState(Date.now());
  const [tab, setTab] = useState<Tab>('logs');
  const [container, setContainer] = useState('');
  const history = useRef(new History());
  useEffect(() => {
    const ctl = new AbortController();
    const seen = (p: Obj | undefined): void => {
      if (p) history.current.observe(p, Date.now());
      setPod(p ?? null);
      setError(undefined);
    };
    void listWatch<Obj>(`/api/v1/namespaces/${namespace}/pods?fieldSelector=metadata.name%3D${name}`, (items) => seen(items[0]), (ev) => seen(ev.type === 'DELETED' ? undefined : ev.object), ctl.signal, setError);
    void listWatch<Obj>(`/api/v1/namespaces/${namespace}/events?fieldSelector=involvedObject.name%3D${name}`, (items) => setEvents(items), (ev) => setEvents((l) => upsert(l, ev)), ctl.signal, setError);
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => { ctl.abort(); clearInterval(tick); };
  }, [namespace, name]);

  const uid = pod?.['metadata']?.['uid'];
  const podEvents = useMemo(() => events.filter((e) => e['involvedObject']?.['kind'] === 'Pod' && (!uid || e['involvedObject']?.['uid'] === uid)).sort((a, b) => (eventTime(a) ?? 0) - (eventTime(b) ?? 0)), [events, uid]);
  if (error instanceof NotLoggedIn) return <LoginRequired />;
  if (pod === undefined) return <p>Loading…</p>;
  if (pod === null) return <p class="error" data-testid="not-found">pod {namespace}/{name} not found</p>;

  const drawing = podDrawing(pod);
  const timeline = buildTimeline(pod, podEvents, history.current, now);
  const statuses = new Map<string, Obj>([...(pod['status']?.['initContainerStatuses'] ?? []), ...(pod['status']?.['containerStatuses'] ?? [])].map((cs: Obj) => [cs['name'], cs]));
  const warnings = lintPodSpec(pod['spec']);
  const names = drawing.containers.map((c) => c.name);
  const selected = names.includes(container) ? container : (drawing.containers.find((c) => c.pattern === 'main')?.name ?? names[0] ?? '');
  const cs = statuses.get(selected);
  const yamlText = stringify({ ...pod, metadata: { ...pod['metadata'], managedFields: undefined } });

  return (
    <div class="pod-page">
      <h1>Pod {name} <span class="phase" data-testid="phase">{pod['status']?.['phase'] ?? ''}</span></h1>
      {error ? <p class="error">{error.message}</p> : null}
      <section>
        <h2>Containers and volumes</h2>
        <PodDrawingView drawing={drawing} podName={name} statuses={statuses} />
        <ul class="patterns" data-testid="patterns">
          {drawing.containers.map((c) => <li><b>{c.name}</b>: {c.pattern} — {c.why}</li>)}
        </ul>
      </section>
      <section>
        <h2>Lifecycle</h2>
        <TimelineView timeline={timeline} />
      </section>
      <section>
        <h2>Warnings</h2>
        {warnings.length ? (
          <ul class="warnings" data-testid="warnings">{warnings.map((w) => <li>{formatWarning(w)}</li>)}</ul>
        ) : (
          <p data-testid="no-warnings">No multi-container warnings (docs/warnings.md lists the checks).</p>
        )}
      </section>
      <section>
        <nav class="tabs">
          {(['logs', 'exec', 'events', 'yaml'] as const).map((t) => <button class={t === tab ? 'current' : ''} data-tab={t} onClick={() => setTab(t)}>{t === 'yaml' ? 'YAML' : t[0]!.toUpperCase() + t.slice(1)}</button>)}
          {tab === 'logs' || tab === 'exec' ? (
            <select data-testid="container-select" value={selected} onChange={(e) => setContainer((e.target as HTMLSelectElement).value)}>
              {names.map((n) => <option value={n}>{n}</option>)}
            </select>
          ) : null}
        </nav>
        {tab === 'logs' && selected ? <Logs namespace={namespace} pod={name} container={selected} runKey={String(cs?.['restartCount'] ?? 0)} /> : null}
        {tab === 'exec' && selected ? <ExecTerminal key={selected} namespace={namespace} pod={name} container={selected} /> : null}
        {tab === 'events' ? (
          <table class="events" data-testid="events">
            <thead><tr><th>LAST SEEN</th><th>TYPE</th><th>REASON</th><th>OBJECT</th><th>MESSAGE</th></tr></thead>
            <tbody>
              {podEvents.map((e) => (
                <tr><td>{age(eventTime(e), now)}</td><td>{e['type']}</td><td>{e['reason']}</td><td>{e['involvedObject']?.['fieldPath'] ?? `pod/${name}`}</td><td>{e['message']}{(e['count'] ?? 1) > 1 ? ` (×${e['count']})` : ''}</td></tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {tab === 'yaml' ? <pre class="yaml" data-testid="yaml">{yamlText}</pre> : null}
      </section>
    </div>
  );
}
