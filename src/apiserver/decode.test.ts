/** Tests of warningHeaders: kube-apiserver's `299 - "text"` values, safe for any text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warningHeaders } from './decode.js';

test('warningHeaders escapes quotes and backslashes, blanks control characters and sends UTF-8 bytes', () => {
  const [plain, odd] = warningHeaders(['unknown field "spec.foo"', 'path "/data/ü" \\ line\nbreak']);
  assert.equal(plain, '299 - "unknown field \\"spec.foo\\""');
  assert.equal(Buffer.from(odd!, 'latin1').toString('utf8'), '299 - "path \\"/data/ü\\" \\\\ line break"');
  assert.ok([...odd!].every((ch) => ch.charCodeAt(0) <= 0xff));
});
