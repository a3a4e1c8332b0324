/**
 * The allowed-import table of ARCHITECTURE.md, checked: cli → apiserver/kubelet/controllers →
 * registry/storage/cri/client → api. The kubelet never imports the apiserver or storage (it must run
 * against any API server), nothing imports cli, and src/api stays free of `node:` imports. Test support lives in
 * testing/ folders and only tests import it. Inside the kubelet: only the listed folders import src/cri, container/
 * (pkg/kubelet/container) imports only src/api, and the kubelet folders form a DAG. No computed `import()` in src.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** Which top-level folders each folder of src/ may import from (itself always allowed). */
const allowed: Record<string, string[]> = {
  api: [],
  storage: ['api'],
  registry: ['api'],
  cri: ['api'],
  client: ['api'],
  pki: [],
  // Transport helpers on node:net/node:stream only (joining an upgraded connection to its backend): a leaf both the
  // API server's pod proxy and the kubelet's stream proxy use, so neither imports the other.
  netutil: [],
  containerd: ['api', 'cri'],
  apiserver: ['api', 'storage', 'registry', 'netutil'],
  kubelet: ['api', 'client', 'cri', 'netutil'],
  controllers: ['api', 'client'],
  proxy: ['api', 'client'],
  dns: ['api', 'client'],
  // metrics-server's role: an API client of pods, nodes and kubelets, offering read-only resources (registry/read-only.ts) to the API server.
  metrics: ['api', 'client', 'registry'],
  lint: ['api'],
  // An API client like kubectl: the public API over HTTP only; the front end reuses lint/ for the pod's warnings.
  dashboard: ['api', 'client', 'lint'],
  cli: ['api', 'storage', 'registry', 'cri', 'client', 'pki', 'netutil', 'containerd', 'apiserver', 'kubelet', 'controllers', 'proxy', 'dns', 'metrics', 'lint', 'dashboard'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    // Test support (x.test.ts, testing/) may reach across folders to assemble real parts.
    if (name === 'testing') return [];
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

function folderOf(file: string): string {
  return relative(srcDir, file).split(sep)[0] ?? '';
}

describe('architecture', () => {
  it('imports only along the allowed dependency direction', () => {
    const violations: string[] = [];
    for (const file of sources(srcDir)) {
      const from = folderOf(file);
      if (!file.slice(srcDir.length + 1).includes(sep)) continue; // files directly under src/
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = resolve(dirname(file), m[1]!);
        const to = folderOf(target);
        if (to === from) continue;
        if (!(allowed[from] ?? []).includes(to)) violations.push(`${relative(srcDir, file)} imports ${to}/ (${m[1]})`);
      }
      if (from === 'api' && /from\s+['"]node:/.test(text)) violations.push(`${relative(srcDir, file)}: src/api must not import node: modules`);
    }
    assert.deepEqual(violations, []);
  });

  it('keeps test support in testing/ folders, imported only by tests and other test support', () => {
    const violations: string[] = [];
    for (const file of sources(srcDir)) {
      const name = relative(srcDir, file);
      if (/(^|\/)test-[^/]*\.ts$/.test(name)) violations.push(`${name}: test support belongs in a testing/ folder`);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = relative(srcDir, resolve(dirname(file), m[1]!));
        if (target.split(sep).includes('testing') || /\.test\.js$/.test(target)) violations.push(`${name} imports test support (${m[1]})`);
      }
    }
    assert.deepEqual(violations, []);
  });
});

const kubeletDir = join(srcDir, 'kubelet');

/** The kubelet folder of a file under src/kubelet: its first folder, or '.' for top-level files (kubelet.ts, pod-sync.ts...). */
function kubeletFolderOf(file: string): string {
  const parts = relative(kubeletDir, file).split(sep);
  return parts.length > 1 ? parts[0]! : '.';
}

/** Relative imports of `file` (static, re-exports and string-literal `import()`), resolved to absolute paths. */
function importsOf(file: string): { spec: string; target: string }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => ({ spec: m[1]!, target: resolve(dirname(file), m[1]!) }));
}

/** Folder-to-folder import edges between kubelet folders (non-test files, testing/ excluded), as `from -> to`. */
function kubeletEdges(): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const file of sources(kubeletDir)) {
    const from = kubeletFolderOf(file);
    for (const { target } of importsOf(file)) {
      if (!target.startsWith(kubeletDir + sep)) continue;
      const to = kubeletFolderOf(target);
      if (to === from) continue;
      let s = edges.get(from);
      if (!s) edges.set(from, (s = new Set()));
      s.add(to);
    }
  }
  return edges;
}

/**
 * Kubelet folders that may import src/cri — any import, `import type` included: the runtime is always an injected
 * interface, so importing its type is what calling CRI means. Every other folder reads the runtime through the
 * runtime-neutral interfaces of container/ (upstream pkg/kubelet/container) or through kuberuntime/.
 */
const kubeletCriImporters: Record<string, string> = {
  kuberuntime: 'the CRI caller (pkg/kubelet/kuberuntime)',
  images: 'image pulls and image GC (pkg/kubelet/images)',
  '.': 'the composition root: kubelet.ts takes the CRI services and wires them in; runtime-state.ts is updateRuntimeUp',
  server: 'CRI Exec/Attach/PortForward streaming URLs and container lookup for logs (pkg/kubelet/server)',
  stats: "upstream's cri_stats_provider (ListContainerStats, ListPodSandbox)",
};

/**
 * Strips comments and the text of string and template literals from TypeScript source (keeping `${}`
 * expressions, whose code is real), so code-only patterns can be searched. Regex literals are recognised by
 * the token before the `/` and blanked too.
 */
function codeOnly(src: string): string {
  let out = '';
  let i = 0;
  let prev = ''; // last significant character of code emitted
  const braces: number[] = []; // for each open `${`, the brace depth at which it closes
  let depth = 0;
  const regexMayStart = (): boolean => prev === '' || /[(,=:[!&|?{};+\-*%<>~^]/.test(prev) || /\b(?:return|typeof|case|in|of|void|yield|await)$/.test(out.trimEnd());
  const template = (): void => {
    // i is just past a backtick or a closing `}` of `${`; consume template text.
    while (i < src.length) {
      const ch = src[i]!;
      if (ch === '\\') i += 2;
      else if (ch === '`') {
        i++;
        out += '`';
        prev = '`';
        return;
      } else if (ch === '$' && src[i + 1] === '{') {
        i += 2;
        out += '${';
        braces.push(depth);
        depth++;
        prev = '{';
        return;
      } else i++;
    }
  };
  while (i < src.length) {
    const ch = src[i]!;
    const next = src[i + 1];
    if (ch === '/' && next === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (ch === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
      out += ' ';
    } else if (ch === "'" || ch === '"') {
      i++;
      while (i < src.length && src[i] !== ch && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
      i++;
      out += `${ch}${ch}`;
      prev = ch;
    } else if (ch === '`') {
      i++;
      out += '`';
      template();
    } else if (ch === '/' && regexMayStart()) {
      i++;
      let inClass = false;
      while (i < src.length && src[i] !== '\n' && (inClass || src[i] !== '/')) {
        if (src[i] === '\\') i++;
        else if (src[i] === '[') inClass = true;
        else if (src[i] === ']') inClass = false;
        i++;
      }
      i++;
      while (i < src.length && /[a-z]/.test(src[i]!)) i++;
      out += '/r/';
      prev = '/';
    } else if (ch === '}' && braces.length > 0 && braces[braces.length - 1] === depth - 1) {
      braces.pop();
      depth--;
      i++;
      out += '}';
      template();
    } else {
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
      out += ch;
      if (!/\s/.test(ch)) prev = ch;
      i++;
    }
  }
  return out;
}

/** Every .ts file under `dir`, tests and testing/ included. */
function allSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return allSources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('kubelet architecture', () => {
  it('lets only the listed kubelet folders import src/cri', () => {
    const violations: string[] = [];
    for (const file of sources(kubeletDir)) {
      const folder = kubeletFolderOf(file);
      for (const { spec, target } of importsOf(file)) {
        if (folderOf(target) === 'cri' && !(folder in kubeletCriImporters)) violations.push(`${relative(srcDir, file)} imports cri/ (${spec})`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it('keeps kubelet/container/ a leaf: it imports only src/api and itself', () => {
    const violations: string[] = [];
    const containerDir = join(kubeletDir, 'container');
    for (const file of sources(containerDir)) {
      for (const { spec, target } of importsOf(file)) {
        const inside = target.startsWith(containerDir + sep) || folderOf(target) === 'api';
        if (!inside) violations.push(`${relative(srcDir, file)} imports ${relative(srcDir, target)} (${spec})`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it('keeps the kubelet folders a DAG: no two folders import each other, no cycle', () => {
    const edges = kubeletEdges();
    const pairs: string[] = [];
    for (const [a, tos] of edges) for (const b of tos) if (a < b && edges.get(b)?.has(a)) pairs.push(`${a} <-> ${b}`);
    assert.deepEqual(pairs, []);
    // Depth-first search; a grey node met again closes a cycle.
    const state = new Map<string, 'grey' | 'black'>();
    const cycles: string[] = [];
    const visit = (v: string, path: string[]): void => {
      state.set(v, 'grey');
      for (const w of [...(edges.get(v) ?? [])].sort()) {
        if (state.get(w) === 'grey') cycles.push([...path.slice(path.indexOf(w)), w].join(' -> '));
        else if (!state.has(w)) visit(w, [...path, w]);
      }
      state.set(v, 'black');
    };
    for (const v of [...edges.keys()].sort()) if (!state.has(v)) visit(v, [v]);
    assert.deepEqual(cycles, []);
  });
});

describe('imports', () => {
  it('codeOnly blanks strings, templates, comments and regexes but keeps template expressions', () => {
    const src = "const a = 'import(x)'; // import(y)\nconst b = `import(${f('z')})`; /* import(w) */ const r = /import\\(v/g; import(q);";
    assert.equal(codeOnly(src), "const a = ''; \nconst b = `${f('')}`;   const r = /r/; import(q);");
  });

  it('has no computed import() in src: the argument of every import() is a string literal', () => {
    const violations: string[] = [];
    for (const file of allSources(srcDir)) {
      for (const m of codeOnly(readFileSync(file, 'utf8')).matchAll(/(?<![\w$.])import\s*\(\s*(.?)/g)) {
        if (m[1] !== "'" && m[1] !== '"') violations.push(`${relative(srcDir, file)}: import(${m[1] ?? ''}…)`);
      }
    }
    assert.deepEqual(violations, []);
  });
});
