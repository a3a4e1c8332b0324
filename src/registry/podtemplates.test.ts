/** Tests of the core/v1 podtemplates strategy: template defaulting, generation, validation paths and table cells. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodTemplate } from '../api/workloads.js';
import { podTemplateStrategy as strategy } from './podtemplates.js';

function template(): PodTemplate {
  return {
    apiVersion: 'v1',
    kind: 'PodTemplate',
    metadata: { name: 'nginx-pod-template', namespace: 'default', labels: { 'podtemplate-static': 'true' } },
    template: { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }, { name: 'log', image: 'busybox:1.36' }] } },
  };
}

function messages(errs: { field: string; detail: string }[]): string[] {
  return errs.map((e) => `${e.field}: ${e.detail}`);
}

test('a created PodTemplate gets the pod-spec defaults in its template and generation 1', () => {
  const pt = template();
  strategy.prepareForCreate(pt);
  assert.equal(pt.metadata.generation, 1);
  assert.equal(pt.template?.spec?.restartPolicy, 'Always');
  assert.equal(pt.template?.spec?.dnsPolicy, 'ClusterFirst');
  assert.equal(pt.template?.spec?.terminationGracePeriodSeconds, 30);
  assert.equal(pt.template?.spec?.containers[0]?.terminationMessagePath, '/dev/termination-log');
  assert.deepEqual(strategy.validate(pt), []);
});

test('an update moves the generation only when the template changes', () => {
  const old = template();
  strategy.prepareForCreate(old);
  const relabelled: PodTemplate = structuredClone(old);
  relabelled.metadata.labels = { podtemplate: 'patched' };
  strategy.prepareForUpdate(relabelled, old);
  assert.equal(relabelled.metadata.generation, 1);
  const graced: PodTemplate = structuredClone(old);
  if (graced.template?.spec) graced.template.spec.terminationGracePeriodSeconds = 1;
  strategy.prepareForUpdate(graced, old);
  assert.equal(graced.metadata.generation, 2);
  assert.deepEqual(strategy.validateUpdate(graced, old), []);
});

test('the template is validated as a pod template spec, with upstream field paths', () => {
  const pt = template();
  pt.metadata.name = 'Bad_Name';
  pt.template = { metadata: { labels: { 'bad key!': 'x' } }, spec: { containers: [{ name: 'nginx', image: '' }], ephemeralContainers: [{ name: 'dbg', image: 'busybox:1.36' }] } };
  strategy.prepareForCreate(pt);
  const got = messages(strategy.validate(pt));
  assert.ok(got.some((m) => m.startsWith('metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain')), got.join('\n'));
  assert.ok(got.some((m) => m.startsWith('template.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters')), got.join('\n'));
  assert.ok(got.includes('template.spec.containers[0].image: Required value'), got.join('\n'));
  assert.ok(got.includes('template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template'), got.join('\n'));
});

test('a PodTemplate without a template is refused for its missing containers', () => {
  const pt: PodTemplate = { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'empty', namespace: 'default' } };
  strategy.prepareForCreate(pt);
  assert.deepEqual(messages(strategy.validate(pt)), ['template.spec.containers: Required value']);
});

test('the table prints NAME CONTAINERS IMAGES POD LABELS as kube-apiserver does', () => {
  const table = strategy.table;
  assert.ok(table);
  assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Containers', 'Images', 'Pod Labels']);
  assert.deepEqual(table.cells(template(), new Date()), ['nginx-pod-template', 'nginx,log', 'nginx:1.25,busybox:1.36', 'app=web,tier=fe']);
  assert.deepEqual(table.cells({ metadata: { name: 'bare' } }, new Date()), ['bare', '', '', '<none>']);
});
