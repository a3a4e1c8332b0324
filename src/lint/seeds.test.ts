/**
 * No false alarms on the user's own documents: every YAML object in the seeds' fenced blocks (../shared/seeds) is
 * linted, and only the known-bad ones get warnings — seed 001's "THIS WILL FAIL" pod and its shared-config pod,
 * whose config-reloader copies into a configMap volume (always read-only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seedDocuments } from '../../test/e2e/seed-manifests.js';
import { lintObject } from './lint.js';

/** A seed object's label: `001:shared-config`, or its container names when it has no name (`001:app1+app2`). */
function label(seed: string, obj: Record<string, unknown>): string {
  const meta = (obj['metadata'] ?? {}) as { name?: string };
  const spec = (obj['spec'] ?? {}) as { containers?: { name?: string }[] };
  return `${seed.slice(0, 3)}:${meta.name ?? (spec.containers ?? []).map((c) => c.name).join('+')}`;
}

/** The seed objects that are mistaken, with the codes they must get. */
const knownBad: Record<string, string[]> = {
  '001:app1+app2': ['PortConflict'],
  '001:shared-config': ['ReadOnlyWrite'],
};

test('every seed manifest lints clean except the known-bad ones, which get exactly their warnings', () => {
  const docs = seedDocuments();
  assert.ok(docs.length >= 50, `the seeds are beside the repository (found ${docs.length} objects)`);
  const got: Record<string, string[]> = {};
  for (const d of docs) {
    const codes = lintObject(d.obj).map((w) => w.code);
    if (codes.length) got[label(d.seed, d.obj)] = codes;
  }
  assert.deepEqual(got, knownBad);
});
