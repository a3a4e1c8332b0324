import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { cookiesOf, sameOrigin, SESSION_COOKIE, Sessions } from './session.js';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

test('the login token opens one session, once; only that session cookie authenticates', () => {
  const s = new Sessions('tok');
  assert.deepEqual(s.login('nope'), { ok: false, reason: 'wrong login token' });
  const first = s.login('tok');
  assert.equal(first.ok, true);
  assert.match(first.ok ? first.cookie : '', new RegExp(`^${SESSION_COOKIE}=[\\w-]{32}; HttpOnly; SameSite=Strict; Path=/$`));
  const again = s.login('tok');
  assert.equal(again.ok, false);
  const id = first.ok ? first.cookie.split(';')[0]! : '';
  assert.equal(s.authenticated(req({ cookie: `a=b; ${id}` })), true);
  assert.equal(s.authenticated(req({ cookie: `${SESSION_COOKIE}=forged` })), false);
  assert.equal(s.authenticated(req({})), false);
});

test('sameOrigin accepts the listener as Host and its own page as Origin only', () => {
  assert.equal(sameOrigin(req({ host: '127.0.0.1:9000' }), 9000), true);
  assert.equal(sameOrigin(req({ host: 'localhost:9000', origin: 'http://localhost:9000' }), 9000), true);
  assert.equal(sameOrigin(req({ host: '127.0.0.1:9000', origin: 'http://evil.example' }), 9000), false);
  assert.equal(sameOrigin(req({ host: 'rebound.example:9000' }), 9000), false);
  assert.deepEqual([...cookiesOf('a=1; b = 2')], [['a', '1'], ['b', '2']]);
});
