/**
 * Link rewriting of proxied answers (apimachinery `pkg/util/proxy/transport.go`, what kube-apiserver's pods/proxy
 * and services/proxy do through their wrapped transport): absolute-path links of an HTML page and a redirect's
 * Location, pointing at the backend, are made to point back through the proxy path
 * (`<a href="/x">` → `<a href="/api/v1/namespaces/ns/pods/web/proxy/x">`), so a page browsed through
 * `kubectl proxy` keeps working. Relative links and links to other hosts are left alone.
 */

/** The attributes holding URLs, per element (transport.go `atomsToAttrs`). */
const URL_ATTRIBUTES: Record<string, string[]> = {
  a: ['href'], applet: ['codebase'], area: ['href'], audio: ['src'], base: ['href'], blockquote: ['cite'], body: ['background'],
  button: ['formaction'], command: ['icon'], del: ['cite'], embed: ['src'], form: ['action'], frame: ['longdesc', 'src'],
  head: ['profile'], html: ['manifest'], iframe: ['longdesc', 'src'], img: ['longdesc', 'src', 'usemap'], input: ['src', 'usemap', 'formaction'],
  ins: ['cite'], link: ['href'], object: ['classid', 'codebase', 'data', 'usemap'], q: ['cite'], script: ['src'], source: ['src'], video: ['poster', 'src'],
};

/** Joins like Go's path.Join (cleaned, no trailing slash), then keeps a trailing slash the link had. */
function joinPath(prefix: string, p: string): string {
  const out: string[] = [];
  for (const seg of `${prefix}/${p}`.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}${p.endsWith('/') && out.length > 0 ? '/' : ''}`;
}

/**
 * `rewriteURL`: `link` as the browser should follow it through the proxy at `pathPrepend` (e.g.
 * `/api/v1/namespaces/ns/pods/web:80/proxy`); `backendHost` and `requestHost` are host[:port] of the backend and
 * of the API server as the client named it. Returns `link` unchanged when it is relative, names another host,
 * does not parse, or already starts with the prefix (then only made host-less).
 */
export function rewriteLink(link: string, pathPrepend: string, backendHost: string, requestHost: string): string {
  let url: URL;
  const absolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(link) || link.startsWith('//');
  try {
    url = new URL(link, 'http://placeholder.invalid');
  } catch {
    return link;
  }
  const host = absolute ? url.host : '';
  if (host !== '' && host !== backendHost && host !== requestHost) return link;
  if (!absolute && !link.startsWith('/')) return link;
  const rest = `${url.search}${url.hash}`;
  if (url.pathname.startsWith(pathPrepend)) return `${url.pathname}${rest}`;
  return `${joinPath(pathPrepend, url.pathname)}${rest}`;
}

/** Rewrites the URL attributes of every element of `html` with {@link rewriteLink}. */
export function rewriteHtml(html: string, pathPrepend: string, backendHost: string, requestHost: string): string {
  return html.replace(/<([a-zA-Z][a-zA-Z0-9]*)(\s[^<>]*)>/g, (tag, name: string, attrs: string) => {
    const wanted = URL_ATTRIBUTES[name.toLowerCase()];
    if (!wanted) return tag;
    const rewritten = attrs.replace(/([a-zA-Z-]+)(\s*=\s*)("([^"]*)"|'([^']*)'|([^\s"'>]+))/g, (all, attr: string, eq: string, _v, dq?: string, sq?: string, bare?: string) => {
      if (!wanted.includes(attr.toLowerCase())) return all;
      const value = dq ?? sq ?? bare ?? '';
      const next = rewriteLink(value, pathPrepend, backendHost, requestHost);
      const quote = dq !== undefined ? '"' : sq !== undefined ? "'" : '';
      return `${attr}${eq}${quote}${next}${quote}`;
    });
    return `<${name}${rewritten}>`;
  });
}
