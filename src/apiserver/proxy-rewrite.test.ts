// Tests of the proxy's link rewriting against transport.go's cases (the upstream e2e `Proxy ... through a service and a pod`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rewriteHtml, rewriteLink } from './proxy-rewrite.js';

const prefix = '/api/v1/namespaces/ns/pods/https:web:443/proxy';

describe('proxy link rewriting', () => {
  it('puts absolute-path links behind the proxy path, keeping query, fragment and a trailing slash', () => {
    assert.equal(rewriteLink('/tlsrewriteme', prefix, '10.42.0.5:443', 'api:6443'), `${prefix}/tlsrewriteme`);
    assert.equal(rewriteLink('/a/b/?x=1#f', prefix, '10.42.0.5:443', 'api:6443'), `${prefix}/a/b/?x=1#f`);
    assert.equal(rewriteLink('/', prefix, '10.42.0.5:443', 'api:6443'), `${prefix}/`);
  });

  it('makes links to the backend host or the API server host go through the proxy, leaves other hosts and relative links', () => {
    assert.equal(rewriteLink('http://10.42.0.5:443/x', prefix, '10.42.0.5:443', 'api:6443'), `${prefix}/x`);
    assert.equal(rewriteLink('https://api:6443/y', prefix, '10.42.0.5:443', 'api:6443'), `${prefix}/y`);
    assert.equal(rewriteLink('http://example.com/x', prefix, '10.42.0.5:443', 'api:6443'), 'http://example.com/x');
    assert.equal(rewriteLink('rewriteme', prefix, '10.42.0.5:443', 'api:6443'), 'rewriteme');
    assert.equal(rewriteLink(`${prefix}/already`, prefix, '10.42.0.5:443', 'api:6443'), `${prefix}/already`);
  });

  it('rewrites only URL attributes of the elements that carry them', () => {
    const page = `<html><body><a href="/rewriteme">test</a> <img alt="/keep" src='/i.png'> <p title="/keep">x</p><link rel=stylesheet href=/s.css></body></html>`;
    assert.equal(
      rewriteHtml(page, '/p', 'b:80', 'a:1'),
      `<html><body><a href="/p/rewriteme">test</a> <img alt="/keep" src='/p/i.png'> <p title="/keep">x</p><link rel=stylesheet href=/p/s.css></body></html>`,
    );
  });
});
