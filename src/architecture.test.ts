/**
 * The allowed-import table of ARCHITECTURE.md, checked: cli → apiserver/kubelet/controllers →
 * registry/storage/cri/client → api. The kubelet never imports the apiserver or storage (it must run
 * against any API server), nothing imports cli, and src/api stays free of `node:` imports. Test support lives in
 * testing/ folders and only tests import it.
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
  containerd: ['api', 'cri'],
  apiserver: ['api', 'storage', 'registry'],
  kubelet: ['api', 'client', 'cri'],
  controllers: ['api', 'client'],
  proxy: ['api', 'client'],
  dns: ['api', 'client'],
  // metrics-server's role: an API client of pods, nodes and kubelets, offering read-only resources (registry/read-only.ts) to the API server.
  metrics: ['api', 'client', 'registry'],
  lint: ['api'],
  // An API client like kubectl: the public API over HTTP only; the front end reuses lint/ for the pod's warnings.
  dashboard: ['api', 'client', 'lint'],
  cli: ['api', 'storage', 'registry', 'cri', 'client', 'pki', 'containerd', 'apiserver', 'kubelet', 'controllers', 'proxy', 'dns', 'metrics', 'lint', 'dashboard'],
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
