/**
 * docs/warnings.md stays true: it has a section for every code, and each warning it quotes (with `…` eliding
 * text) is what the lint gives the seed-derived example that section describes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { seedDocuments } from '../../test/e2e/seed-manifests.js';
import { formatWarning, LINT_CODES, lintObject } from './lint.js';

type Obj = { metadata?: { name?: string }; spec: { containers: C[]; initContainers?: C[]; volumes?: unknown[] } };
type C = Record<string, unknown> & { name: string; volumeMounts?: Record<string, unknown>[] };

const docs = readFileSync(new URL('../../../docs/warnings.md', import.meta.url), 'utf8');

/** A copy of the seed object named `name` (or, unnamed, with these container names). */
function seed(num: string, name: string): Obj {
  const d = seedDocuments().find((x) => {
    const o = x.obj as unknown as Obj;
    return x.seed.startsWith(num) && (o.metadata?.name ?? o.spec?.containers?.map((c) => c.name).join('+')) === name;
  });
  assert.ok(d, `seed ${num} ${name}`);
  return structuredClone(d.obj) as unknown as Obj;
}

const container = (o: Obj, name: string): C => [...(o.spec.initContainers ?? []), ...o.spec.containers].find((c) => c.name === name)!;

/** The example each section of docs/warnings.md describes, built from the seed as the section says. */
const examples: Record<(typeof LINT_CODES)[number], () => Obj[]> = {
  PortConflict: () => [seed('001', 'app1+app2')],
  UnmountedVolume: () => {
    const o = seed('004', 'sidecar-pod');
    for (const c of o.spec.containers) delete c.volumeMounts;
    return [o];
  },
  WriterWithoutMount: () => {
    const o = seed('004', 'sidecar-pod');
    delete container(o, 'main-container').volumeMounts;
    return [o];
  },
  ReadOnlyWrite: () => {
    const o = seed('003', 'multi-container-demo');
    container(o, 'writer').volumeMounts![0]!['readOnly'] = true;
    return [o, seed('001', 'shared-config')];
  },
  ReadOnlyEmptyDir: () => {
    const o = seed('003', 'three-containers');
    for (const c of o.spec.containers) c.volumeMounts![0]!['readOnly'] = true;
    return [o];
  },
  OverlappingMounts: () => {
    const o = seed('001', 'full-stack-webapp');
    container(o, 'ssl-proxy').volumeMounts![1]!['mountPath'] = '/etc/nginx/conf.d/certs';
    return [o];
  },
  BlockingInitContainer: () => {
    const o = seed('004', 'sidecar-pod');
    o.spec.initContainers = o.spec.containers.splice(1, 1);
    return [o];
  },
  SidecarAfterDependent: () => {
    const o = seed('001', 'app-with-dependency-wait');
    const wait = container(o, 'wait-for-database');
    o.spec.initContainers = [
      { ...wait, command: ['sh', '-c', 'until nc -z localhost 5432; do echo "Database not ready, waiting..."; sleep 2; done'], args: [] },
      { name: 'db-proxy', image: 'ambassador/ambassador:1.0', restartPolicy: 'Always', ports: [{ containerPort: 5432 }] },
    ];
    return [o];
  },
};

/** The text of section `## code` up to the next section. */
function section(code: string): string {
  const start = docs.indexOf(`\n## ${code}\n`);
  assert.ok(start >= 0, `docs/warnings.md has a "## ${code}" section`);
  const end = docs.indexOf('\n## ', start + 1);
  return docs.slice(start, end < 0 ? docs.length : end);
}

for (const code of LINT_CODES) {
  test(`docs/warnings.md: the ${code} warnings it quotes are what its seed example gives`, () => {
    const quoted = [...section(code).matchAll(/^`(spec\.[^`\s]*: \[(\w+)\][^`]*)`$/gm)].filter((m) => m[2] === code).map((m) => m[1]!);
    assert.ok(quoted.length > 0, `the ${code} section quotes its warning`);
    const got = examples[code]().flatMap((o) => lintObject({ kind: 'Pod', ...o }).map(formatWarning));
    for (const q of quoted) {
      const pattern = new RegExp(`^${q.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
      assert.ok(got.some((g) => pattern.test(g)), `docs quote:\n${q}\nlint gives:\n${got.join('\n')}`);
    }
  });
}
