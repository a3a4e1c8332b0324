/**
 * The dashboard's front end: a hash router (`#/namespaces/NS`, `#/namespaces/NS/pods/NAME`) over the namespace
 * page and the pod page; a page that gets 401 from the API proxy shows the login hint and no data.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import '@xterm/xterm/css/xterm.css';
import './style.css';
import { NamespacePage } from './namespace-page.js';
import { PodPage } from './pod-page.js';

/** What the hash names. */
type Route = { page: 'namespace'; namespace: string } | { page: 'pod'; namespace: string; name: string };

function routeOf(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'namespaces' && parts[1] && parts[2] === 'pods' && parts[3]) return { page: 'pod', namespace: parts[1], name: parts[3] };
  if (parts[0] === 'namespaces' && parts[1]) return { page: 'namespace', namespace: parts[1] };
  return { page: 'namespace', namespace: 'default' };
}

function App() {
  const [route, setRoute] = useState(routeOf(location.hash));
  useEffect(() => {
    const onHash = (): void => setRoute(routeOf(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  return (
    <div>
      <header>
        <a href="#/" class="brand">k1s dashboard</a>
        <span class="crumbs">
          <a href={`#/namespaces/${route.namespace}`}>namespace {route.namespace}</a>
          {route.page === 'pod' ? <span> / pod {route.name}</span> : null}
        </span>
      </header>
      <main>{route.page === 'pod' ? <PodPage key={`${route.namespace}/${route.name}`} namespace={route.namespace} name={route.name} /> : <NamespacePage key={route.namespace} namespace={route.namespace} />}</main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
