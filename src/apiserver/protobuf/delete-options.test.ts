/** Unit tests of DeleteOptions body decoding in protobuf, JSON and YAML. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStatusError } from '../../api/errors.js';
import { PROTOBUF_MEDIA_TYPE } from './codec.js';
import { decodeDeleteOptionsBody } from './delete-options.js';
import { encodeEnvelope } from './envelope.js';
import { encodeMessage } from './wire-codec.js';

function badRequestOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isStatusError(err));
    assert.equal(err.status.code, 400);
    return err.status.message ?? '';
  }
  assert.fail('expected a 400');
}

const pbOptions = (apiVersion: string, kind: string, opts: Record<string, unknown>): Buffer => encodeEnvelope(apiVersion, kind, encodeMessage('meta.v1.DeleteOptions', opts));

describe('decodeDeleteOptionsBody', () => {
  it('decodes protobuf DeleteOptions of meta.k8s.io/v1 and of the core group version, keeping explicit zeros', () => {
    const opts = { gracePeriodSeconds: 0, preconditions: { uid: 'u1' }, orphanDependents: false, propagationPolicy: 'Background', dryRun: ['All'] };
    assert.deepEqual(decodeDeleteOptionsBody(pbOptions('meta.k8s.io/v1', 'DeleteOptions', opts), PROTOBUF_MEDIA_TYPE), opts);
    assert.deepEqual(decodeDeleteOptionsBody(pbOptions('v1', 'DeleteOptions', { propagationPolicy: 'Foreground' }), PROTOBUF_MEDIA_TYPE), { propagationPolicy: 'Foreground' });
  });

  it('decodes JSON and YAML bodies without their apiVersion and kind, and blank bodies as no options', () => {
    assert.deepEqual(decodeDeleteOptionsBody(Buffer.from('{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":5}'), 'application/json'), { gracePeriodSeconds: 5 });
    assert.deepEqual(decodeDeleteOptionsBody(Buffer.from('propagationPolicy: Orphan\n'), 'application/yaml'), { propagationPolicy: 'Orphan' });
    assert.deepEqual(decodeDeleteOptionsBody(Buffer.alloc(0), PROTOBUF_MEDIA_TYPE), {});
    assert.deepEqual(decodeDeleteOptionsBody(Buffer.from('  \n'), 'application/json'), {});
  });

  it('answers malformed bodies with 400 and kube\'s wording', () => {
    assert.equal(badRequestOf(() => decodeDeleteOptionsBody(Buffer.from('{"gracePeriodSeconds":'), 'application/json')).startsWith("the object provided is unrecognized (must be of type DeleteOptions): couldn't get version/kind; json parse error: "), true);
    assert.equal(badRequestOf(() => decodeDeleteOptionsBody(Buffer.from('{}'), PROTOBUF_MEDIA_TYPE)), 'the object provided is unrecognized (must be of type DeleteOptions): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
    assert.equal(badRequestOf(() => decodeDeleteOptionsBody(encodeEnvelope('v1', 'DeleteOptions', Buffer.from([0x08])), PROTOBUF_MEDIA_TYPE)), 'DeleteOptions in version "v1" cannot be handled as a DeleteOptions: unexpected EOF');
    assert.equal(badRequestOf(() => decodeDeleteOptionsBody(encodeEnvelope('v1', 'DeleteOptions', Buffer.from([0x20, 0x01])), PROTOBUF_MEDIA_TYPE)), 'DeleteOptions in version "v1" cannot be handled as a DeleteOptions: proto: wrong wireType = 0 for field PropagationPolicy');
    assert.equal(badRequestOf(() => decodeDeleteOptionsBody(encodeEnvelope('v1', 'Pod', Buffer.alloc(0)), PROTOBUF_MEDIA_TYPE)), 'decoded object cannot be converted to DeleteOptions');
    assert.equal(badRequestOf(() => decodeDeleteOptionsBody(Buffer.from('[1]'), 'application/json')), "the object provided is unrecognized (must be of type DeleteOptions): couldn't get version/kind; json parse error: expected an object");
  });
});
