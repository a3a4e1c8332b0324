/** A container's log: the last 500 lines, then followed (`follow=true`), or the previous run's (`previous=true`). */
import { useEffect, useRef, useState } from 'preact/hooks';
import { streamText } from './api.js';

export function Logs({ namespace, pod, container, runKey }: { namespace: string; pod: string; container: string; runKey: string }) {
  const [text, setText] = useState('');
  const [follow, setFollow] = useState(true);
  const [previous, setPrevious] = useState(false);
  const [error, setError] = useState('');
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const ctl = new AbortController();
    setText('');
    setError('');
    const q = new URLSearchParams({ container, tailLines: '500', ...(follow && !previous ? { follow: 'true' } : {}), ...(previous ? { previous: 'true' } : {}) });
    let all = '';
    streamText(`/api/v1/namespaces/${namespace}/pods/${pod}/log?${q}`, (t) => {
      all = (all + t).slice(-200_000);
      setText(all);
    }, ctl.signal).catch((err: Error) => { if (!ctl.signal.aborted) setError(err.message); });
    return () => ctl.abort();
  }, [namespace, pod, container, follow, previous, runKey]);
  useEffect(() => {
    if (pre.current && follow) pre.current.scrollTop = pre.current.scrollHeight;
  }, [text, follow]);
  return (
    <div>
      <label><input type="checkbox" checked={follow} onChange={(e) => setFollow((e.target as HTMLInputElement).checked)} /> follow</label>{' '}
      <label><input type="checkbox" checked={previous} onChange={(e) => setPrevious((e.target as HTMLInputElement).checked)} /> previous run</label>
      {error ? <p class="error">{error}</p> : null}
      <pre class="logs" data-testid="logs" ref={pre}>{text}</pre>
    </div>
  );
}
