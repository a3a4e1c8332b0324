/**
 * Generator of wire-schema.gen.ts: reads the pinned k8s.io/api and k8s.io/apimachinery sources (generated.proto for
 * message and field numbers and types, the Go types for pointer, omitempty and inline JSON facts) and writes the
 * table of every message reachable from the kinds k1s serves, plus each group version's message package by
 * apiVersion (from `register.go`'s GroupName: `discovery.k8s.io/v1` → `discovery.v1`).
 *
 * Run after `npx tsc`, with git mirrors of kubernetes/api and kubernetes/apimachinery:
 * `node dist/src/apiserver/protobuf/generate-wire-schema.js <api.git> <apimachinery.git> > src/apiserver/protobuf/wire-schema.gen.ts`.
 * Mirrors go-to-protobuf (k8s.io/code-generator `cmd/go-to-protobuf`), which derives the .proto from the same Go types.
 */
import { execFileSync } from 'node:child_process';
import { argv, stdout } from 'node:process';
import { PINNED_API, PINNED_APIMACHINERY } from '../../api/schema/codegen/pinned.js';

/** The k8s.io/api directories read; a directory's messages are named after it (`apps/v1` → `apps.v1.Deployment`). */
const API_PACKAGES = ['core/v1', 'apps/v1', 'autoscaling/v1', 'discovery/v1', 'storage/v1', 'rbac/v1', 'authentication/v1', 'authorization/v1', 'coordination/v1', 'node/v1'];

/** The pinned inputs: repository, tag, commit and the files read from it (tag and commit shared with the schema tables). */
export const PINNED = {
  api: {
    tag: PINNED_API.tag,
    commit: PINNED_API.commit,
    protos: Object.fromEntries(API_PACKAGES.map((d) => [d.replace('/', '.'), `${d}/generated.proto`])),
    goDirs: API_PACKAGES,
  },
  apimachinery: {
    tag: PINNED_APIMACHINERY.tag,
    commit: PINNED_APIMACHINERY.commit,
    protos: {
      'meta.v1': 'pkg/apis/meta/v1/generated.proto',
      runtime: 'pkg/runtime/generated.proto',
      resource: 'pkg/api/resource/generated.proto',
      intstr: 'pkg/util/intstr/generated.proto',
    } as Record<string, string>,
    goDirs: ['pkg/apis/meta/v1', 'pkg/runtime'],
  },
};

/** The messages the table starts from: every kind k1s serves, its list, and the meta/v1 and runtime wrappers. */
export const ROOTS = [
  ...['Pod', 'Namespace', 'Node', 'Event', 'ConfigMap', 'Secret', 'ServiceAccount', 'Service', 'Endpoints', 'ReplicationController', 'PersistentVolume', 'PersistentVolumeClaim', 'LimitRange', 'ResourceQuota', 'PodTemplate'].flatMap((k) => [
    `core.v1.${k}`,
    `core.v1.${k}List`,
  ]),
  'core.v1.Binding',
  ...['Deployment', 'ReplicaSet'].flatMap((k) => [`apps.v1.${k}`, `apps.v1.${k}List`]),
  'autoscaling.v1.Scale',
  'discovery.v1.EndpointSlice',
  'discovery.v1.EndpointSliceList',
  'storage.v1.StorageClass',
  'storage.v1.StorageClassList',
  ...['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].flatMap((k) => [`rbac.v1.${k}`, `rbac.v1.${k}List`]),
  'authentication.v1.TokenRequest',
  'authentication.v1.TokenReview',
  'authentication.v1.SelfSubjectReview',
  ...['SubjectAccessReview', 'SelfSubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectRulesReview'].map((k) => `authorization.v1.${k}`),
  'coordination.v1.Lease',
  'coordination.v1.LeaseList',
  'node.v1.RuntimeClass',
  'node.v1.RuntimeClassList',
  'meta.v1.Status',
  'meta.v1.DeleteOptions',
  'meta.v1.WatchEvent',
  'runtime.Unknown',
];

const PACKAGES: Record<string, string> = {
  ...Object.fromEntries(API_PACKAGES.map((d) => [`k8s.io.api.${d.replace('/', '.')}`, d.replace('/', '.')])),
  'k8s.io.apimachinery.pkg.apis.meta.v1': 'meta.v1',
  'k8s.io.apimachinery.pkg.runtime': 'runtime',
  'k8s.io.apimachinery.pkg.api.resource': 'resource',
  'k8s.io.apimachinery.pkg.util.intstr': 'intstr',
  'k8s.io.apimachinery.pkg.runtime.schema': 'schema',
};

/** Messages with hand-written Go marshalling (and JSON forms the codec implements), so without tagged Go fields. */
const WELL_KNOWN = new Set(['meta.v1.Time', 'meta.v1.MicroTime', 'resource.Quantity', 'intstr.IntOrString', 'authentication.v1.ExtraValue', 'authorization.v1.ExtraValue']);

const SCALARS = new Set(['string', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'bytes', 'double', 'float']);

interface ProtoField {
  name: string;
  no: number;
  type: string;
  label: 'single' | 'repeated' | 'map';
}

interface GoField {
  ptr: boolean;
  omitempty: boolean;
  inline: boolean;
  json: string;
}

function show(gitDir: string, commit: string, path: string): string {
  return execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${path}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

function listGo(gitDir: string, commit: string, dir: string): string[] {
  const out = execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '--name-only', `${commit}:${dir}`], { encoding: 'utf8' });
  return out.split('\n').filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.startsWith('zz_') && f !== 'generated.pb.go').map((f) => `${dir}/${f}`);
}

/** Resolves a proto type reference as written in package `pkg` to the table's short name. */
function resolveType(t: string, pkg: string): string {
  if (SCALARS.has(t)) return t;
  if (t.startsWith('.')) {
    const i = t.lastIndexOf('.');
    const short = PACKAGES[t.slice(1, i)];
    if (!short) throw new Error(`unknown package in ${t}`);
    return `${short}.${t.slice(i + 1)}`;
  }
  return `${pkg}.${t}`;
}

/** Parses the top-level messages of a go-to-protobuf generated.proto (proto2, no nesting, no oneof). */
function parseProto(text: string, pkg: string): Map<string, ProtoField[]> {
  const out = new Map<string, ProtoField[]>();
  let current: ProtoField[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (line === '') continue;
    const m = /^message (\w+) \{$/.exec(line);
    if (m) {
      current = [];
      out.set(`${pkg}.${m[1]}`, current);
      continue;
    }
    if (line === '}') {
      current = undefined;
      continue;
    }
    if (!current) continue;
    const map = /^map<string, ([\w.]+)> (\w+) = (\d+);$/.exec(line);
    if (map) {
      current.push({ name: map[2]!, no: Number(map[3]), type: resolveType(map[1]!, pkg), label: 'map' });
      continue;
    }
    const f = /^(optional|repeated) ([\w.]+) (\w+) = (\d+);$/.exec(line);
    if (!f) throw new Error(`unparsed proto line in ${pkg}: ${line}`);
    current.push({ name: f[3]!, no: Number(f[4]), type: resolveType(f[2]!, pkg), label: f[1] === 'repeated' ? 'repeated' : 'single' });
  }
  return out;
}

/** Parses Go struct fields carrying protobuf tags: `Struct.number` → pointer, omitempty, inline, JSON name. */
function parseGo(text: string, pkg: string, into: Map<string, GoField>): void {
  let struct: string | undefined;
  for (const raw of text.split('\n')) {
    const s = /^type (\w+) struct \{/.exec(raw);
    if (s) {
      struct = s[1];
      continue;
    }
    if (raw.startsWith('}')) {
      struct = undefined;
      continue;
    }
    if (!struct) continue;
    const line = raw.trim();
    if (line.startsWith('//')) continue;
    const m = /^(?:(\w+)\s+)?([\w.*[\]]+)\s+`([^`]*)`/.exec(line);
    if (!m) continue;
    const tags = m[3]!;
    const pb = /protobuf:"[a-z0-9]+,(\d+),/.exec(tags);
    if (!pb) continue;
    const json = /json:"([^"]*)"/.exec(tags)?.[1] ?? '';
    const [jsonName = '', ...opts] = json.split(',');
    into.set(`${pkg}.${struct}.${pb[1]}`, {
      ptr: m[2]!.startsWith('*'),
      omitempty: opts.includes('omitempty'),
      inline: opts.includes('inline'),
      json: jsonName,
    });
  }
}

function main(): void {
  const [apiGit, machineryGit] = argv.slice(2);
  if (!apiGit || !machineryGit) throw new Error('usage: generate-wire-schema <kubernetes/api git dir> <kubernetes/apimachinery git dir>');
  const messages = new Map<string, ProtoField[]>();
  const goFields = new Map<string, GoField>();
  const apiVersions = new Map<string, string>();
  for (const [repo, git] of [
    [PINNED.api, apiGit],
    [PINNED.apimachinery, machineryGit],
  ] as const) {
    for (const [pkg, path] of Object.entries(repo.protos)) {
      for (const [k, v] of parseProto(show(git, repo.commit, path), pkg)) messages.set(k, v);
    }
    for (const dir of repo.goDirs) {
      const pkg = dir === 'pkg/apis/meta/v1' ? 'meta.v1' : dir === 'pkg/runtime' ? 'runtime' : dir.replace('/', '.');
      for (const file of listGo(git, repo.commit, dir)) {
        const text = show(git, repo.commit, file);
        parseGo(text, pkg, goFields);
        const group = /^const GroupName = "([^"]*)"$/m.exec(text);
        if (group && repo === PINNED.api) apiVersions.set(`${group[1] ? `${group[1]}/` : ''}${dir.split('/')[1]}`, pkg);
      }
    }
  }
  const reached: string[] = [];
  const todo = [...ROOTS];
  while (todo.length) {
    const name = todo.shift()!;
    if (reached.includes(name)) continue;
    const fields = messages.get(name);
    if (!fields) throw new Error(`message ${name} not found`);
    reached.push(name);
    for (const f of fields) if (!SCALARS.has(f.type)) todo.push(f.type);
  }
  reached.sort();
  const lines: string[] = [
    '// Wire schema of the Kubernetes protobuf messages k1s serves. GENERATED by generate-wire-schema.ts: do not edit.',
    `// Inputs: kubernetes/api ${PINNED.api.tag} (${PINNED.api.commit}) ${API_PACKAGES.join(', ')} generated.proto + Go types;`,
    `// kubernetes/apimachinery ${PINNED.apimachinery.tag} (${PINNED.apimachinery.commit}) meta/v1, runtime, resource, intstr generated.proto + meta/v1, runtime Go types.`,
    "import type { WireSchema } from './wire-types.js';",
    '',
    '/** Every message reachable from the served kinds: fields in field-number order. */',
    'export const WIRE_SCHEMA: WireSchema = {',
  ];
  for (const name of reached) {
    const fields = [...messages.get(name)!].sort((a, b) => a.no - b.no);
    lines.push(`  '${name}': [`);
    for (const f of fields) {
      const go = goFields.get(`${name}.${f.no}`);
      if (!go && !WELL_KNOWN.has(name)) throw new Error(`no Go field for ${name}.${f.name} = ${f.no}`);
      const parts = [`name: '${f.name}'`, `no: ${f.no}`, `type: '${f.type}'`];
      if (f.label !== 'single') parts.push(`label: '${f.label}'`);
      if (go?.ptr) parts.push('ptr: true');
      if (go?.omitempty) parts.push('omitempty: true');
      if (go?.inline) parts.push('inline: true');
      if (go && !go.inline && go.json !== '' && go.json !== '-' && go.json !== f.name) parts.push(`json: '${go.json}'`);
      lines.push(`    { ${parts.join(', ')} },`);
    }
    lines.push('  ],');
  }
  lines.push('};', '', '/** The top-level messages the table was grown from (kinds, lists and wrappers). */');
  lines.push(`export const WIRE_ROOTS: readonly string[] = [${ROOTS.map((r) => `'${r}'`).join(', ')}];`, '');
  lines.push("/** The message package of each k8s.io/api group version by apiVersion (register.go's GroupName): `apps/v1` → `apps.v1`. */");
  lines.push('export const WIRE_PACKAGES: Readonly<Record<string, string>> = {');
  for (const [v, pkg] of [...apiVersions].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`  '${v}': '${pkg}',`);
  lines.push('};', '');
  stdout.write(lines.join('\n'));
}

main();
