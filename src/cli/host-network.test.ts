import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainNames } from '../proxy/index.js';
import { chainPrefixFor } from './host-network.js';

describe('chainPrefixFor', () => {
  it('keeps kube-proxy\'s KUBE prefix for the default data dir, however it is written', () => {
    assert.equal(chainPrefixFor('/var/lib/k1s'), 'KUBE');
    assert.equal(chainPrefixFor('/var/lib/k1s/'), 'KUBE');
  });

  it('gives other data dirs distinct, stable K1S prefixes that chainNames accepts', () => {
    const a = chainPrefixFor('/srv/k1s-a');
    const b = chainPrefixFor('/srv/k1s-b');
    assert.match(a, /^K1S[A-Z0-9]{4}$/);
    assert.notEqual(a, b);
    assert.equal(chainPrefixFor('/srv/k1s-a'), a);
    assert.equal(chainNames(a).services, `${a}-SERVICES`);
    assert.ok(chainNames(a).guard.length <= 28);
  });

  it('resolves a relative data dir against the working directory', () => {
    assert.equal(chainPrefixFor('rel-dir'), chainPrefixFor(`${process.cwd()}/rel-dir`));
  });
});
