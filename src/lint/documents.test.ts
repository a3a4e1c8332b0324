/** Tests of lintYaml: multi-document streams, document lines, kinds and names, and unreadable input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintYaml, LintInputError } from './documents.js';

const twoPorts = `apiVersion: v1
kind: Pod
metadata:
  name: two-ports
spec:
  containers:
  - name: app1
    image: nginx
    ports:
    - containerPort: 8080
  - name: app2
    image: httpd
    ports:
    - containerPort: 8080
`;

test('lintYaml reports each document with its first line, kind and name; other kinds and empty documents have no warnings', () => {
  const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n${twoPorts}---\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  generateName: web-\nspec:\n  template:\n    spec:\n${twoPorts.split('\n').slice(5).map((l) => (l ? `    ${l}` : l)).join('\n')}`;
  const docs = lintYaml(text);
  assert.deepEqual(
    docs.map((d) => [d.line, d.kind, d.name, d.warnings.map((w) => `${w.code} ${w.field}`)]),
    [
      [1, 'ConfigMap', 'c', []],
      [6, 'Pod', 'two-ports', ['PortConflict spec.containers[1].ports[0]']],
      [22, 'Deployment', 'web-', ['PortConflict spec.template.spec.containers[1].ports[0]']],
    ],
  );
});

test('lintYaml throws LintInputError with the line of a syntax error or of a document that is not a mapping', () => {
  assert.throws(() => lintYaml('kind: Pod\nspec: [unclosed\n'), (e: unknown) => e instanceof LintInputError && e.line >= 1);
  assert.throws(() => lintYaml('kind: Pod\n---\n- a\n- b\n'), (e: unknown) => e instanceof LintInputError && e.line === 3 && /not a Kubernetes object/.test(e.message));
});
