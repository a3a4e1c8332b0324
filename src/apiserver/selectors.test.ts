/** Tests of the API server's selector handling: 400 messages, per-kind field labels and object field sets. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFieldSelector } from '../api/fields.js';
import type { KubeObject } from '../api/types.js';
import { coreStrategies } from '../registry/index.js';
import type { Strategy } from '../registry/strategy.js';
import { matchesSelectors, objectFields, parseSelectors, selectorForName } from './selectors.js';

function strategyOf(resource: string): Strategy {
  const s = coreStrategies().find((x) => x.info.resource === resource);
  if (!s) throw new Error(`no strategy for ${resource}`);
  return s;
}

const pods = strategyOf('pods');
const nodes = strategyOf('nodes');
const namespaces = strategyOf('namespaces');
const configmaps = strategyOf('configmaps');
const events = strategyOf('events');

/** The 400 BadRequest message `parse` throws. */
function badRequestOf(parse: () => unknown): string {
  try {
    parse();
  } catch (err) {
    const status = (err as { status?: { code?: number; reason?: string; message?: string } }).status;
    assert.equal(status?.code, 400);
    assert.equal(status.reason, 'BadRequest');
    return status.message ?? '';
  }
  assert.fail('expected a 400 BadRequest');
}

const query = (q: Record<string, string>): URLSearchParams => new URLSearchParams(q);

describe('parseSelectors', () => {
  it('answers a malformed label selector with the labels.Parse message', () => {
    assert.equal(
      badRequestOf(() => parseSelectors(pods, query({ labelSelector: 'a b' }))),
      "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
    );
    assert.match(badRequestOf(() => parseSelectors(pods, query({ labelSelector: 'app=-x' }))), /^unable to parse requirement: values\[0\]\[app\]: Invalid value: "-x"/);
  });

  it('answers a field selector term without operator with the fields.ParseSelector message', () => {
    assert.equal(badRequestOf(() => parseSelectors(pods, query({ fieldSelector: 'spec.nodeName' }))), "invalid selector: 'spec.nodeName'; can't understand 'spec.nodeName'");
  });

  it('rejects a field the kind does not support with its conversion message', () => {
    assert.equal(badRequestOf(() => parseSelectors(pods, query({ fieldSelector: 'spec.foo=bar' }))), 'field label not supported: spec.foo');
    assert.equal(badRequestOf(() => parseSelectors(nodes, query({ fieldSelector: 'metadata.namespace=x' }))), 'field label not supported: metadata.namespace');
    assert.equal(badRequestOf(() => parseSelectors(namespaces, query({ fieldSelector: 'spec.finalizers=x' }))), 'field label not supported: spec.finalizers');
  });

  it('allows only metadata.name and metadata.namespace on kinds without selectable fields', () => {
    assert.equal(
      badRequestOf(() => parseSelectors(configmaps, query({ fieldSelector: 'data.x=y' }))),
      '"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    const ok = parseSelectors(configmaps, query({ fieldSelector: 'metadata.name=a,metadata.namespace=b' }));
    assert.equal(ok.fieldSelector.toString(), 'metadata.name=a,metadata.namespace=b');
  });

  it('checks field syntax, then label syntax, then field labels', () => {
    assert.match(badRequestOf(() => parseSelectors(pods, query({ fieldSelector: 'x', labelSelector: 'a b' }))), /^invalid selector/);
    assert.match(badRequestOf(() => parseSelectors(pods, query({ fieldSelector: 'spec.foo=1', labelSelector: 'a b' }))), /^unable to parse requirement/);
    assert.equal(badRequestOf(() => parseSelectors(pods, query({ fieldSelector: 'z.b=1,a.b=1' }))), 'field label not supported: a.b');
  });

  it('accepts the selectors kubectl and the kubelet send', () => {
    const sel = parseSelectors(pods, query({ fieldSelector: 'spec.nodeName=node1,status.phase!=Running', labelSelector: 'app in (web, db),!canary' }));
    const pod = (phase: string, labels: Record<string, string>): KubeObject =>
      ({ metadata: { name: 'p', namespace: 'default', labels }, spec: { nodeName: 'node1' }, status: { phase } }) as KubeObject;
    assert.equal(matchesSelectors(pods, sel, pod('Pending', { app: 'web' })), true);
    assert.equal(matchesSelectors(pods, sel, pod('Running', { app: 'web' })), false);
    assert.equal(matchesSelectors(pods, sel, pod('Pending', { app: 'web', canary: '1' })), false);
    assert.doesNotThrow(() => parseSelectors(events, query({ fieldSelector: 'involvedObject.name=p,involvedObject.kind=Pod' })));
    assert.doesNotThrow(() => parseSelectors(nodes, query({ fieldSelector: 'metadata.name=node1' })));
  });
});

describe('objectFields', () => {
  it('adds metadata.name to every kind and metadata.namespace to namespaced kinds', () => {
    const cm = { metadata: { name: 'c', namespace: 'ns' } } as KubeObject;
    assert.deepEqual(objectFields(configmaps, cm), { 'metadata.name': 'c', 'metadata.namespace': 'ns' });
    const node = { metadata: { name: 'n1' }, spec: { unschedulable: true } } as KubeObject;
    assert.deepEqual(objectFields(nodes, node), { 'metadata.name': 'n1', 'spec.unschedulable': 'true' });
  });
});

describe('selectorForName', () => {
  it('pins metadata.name, keeps a matching selector and rejects another name', () => {
    assert.equal(selectorForName(parseFieldSelector(''), 'web').toString(), 'metadata.name=web');
    assert.equal(selectorForName(parseFieldSelector('metadata.name=web'), 'web').toString(), 'metadata.name=web');
    assert.equal(badRequestOf(() => selectorForName(parseFieldSelector('metadata.name=db'), 'web')), "fieldSelector metadata.name doesn't match requested name");
    assert.equal(badRequestOf(() => selectorForName(parseFieldSelector('spec.nodeName=n'), 'web')), "fieldSelector metadata.name doesn't match requested name");
  });
});
