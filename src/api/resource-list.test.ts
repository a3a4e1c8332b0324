/** Tests of exact quantity arithmetic and kube's canonical quantity text. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addLists, addQuantity, canonicalQuantity, cmpQuantity, equalLists, lessThanOrEqual, maskList, removeZeros, subtractNonNegative } from './resource-list.js';

describe('resource lists', () => {
  it('canonicalQuantity prints as Quantity.String does', () => {
    const cases: [string, string][] = [
      ['1000m', '1'], ['1500m', '1500m'], ['0.5', '500m'], ['1024Mi', '1Gi'], ['1.5Gi', '1536Mi'], ['0.5Gi', '512Mi'],
      ['1000', '1k'], ['1e3', '1e3'], ['512', '512'], ['100Mi', '100Mi'], ['0', '0'], ['-2Gi', '-2Gi'], ['1n', '1n'], ['0.1Ki', '102400m'],
    ];
    for (const [input, want] of cases) assert.equal(canonicalQuantity(input), want, input);
  });

  it('adds in the first operand\'s format, or the second\'s when the first is zero', () => {
    assert.equal(addQuantity('100m', '200m'), '300m');
    assert.equal(addQuantity('500m', '500m'), '1');
    assert.equal(addQuantity('0', '64Mi'), '64Mi');
    assert.equal(addQuantity('64Mi', '64Mi'), '128Mi');
    assert.equal(addQuantity('1', '1'), '2');
  });

  it('compares exactly across suffixes', () => {
    assert.equal(cmpQuantity('1', '1000m'), 0);
    assert.equal(cmpQuantity('1Gi', '1G'), 1);
    assert.equal(cmpQuantity('999m', 1), -1);
  });

  it('combines lists as quota.Add, SubtractWithNonNegativeResult, Mask, RemoveZeros, LessThanOrEqual and Equals', () => {
    assert.deepEqual(addLists({ cpu: '100m', pods: '1' }, { cpu: '1', memory: '1Gi' }), { cpu: '1100m', pods: '1', memory: '1Gi' });
    assert.deepEqual(subtractNonNegative({ cpu: '100m', pods: '1' }, { cpu: '1' }), { cpu: '0', pods: '1' });
    assert.deepEqual(maskList({ cpu: '1', pods: '2' }, ['pods', 'memory']), { pods: '2' });
    assert.deepEqual(removeZeros({ cpu: '0', pods: '1' }), { pods: '1' });
    assert.deepEqual(lessThanOrEqual({ pods: '3', cpu: '1' }, { pods: '2', cpu: '2' }), { allowed: false, exceeded: ['pods'] });
    assert.equal(equalLists({ cpu: '1' }, { cpu: '1000m' }), true);
    assert.equal(equalLists({ cpu: '1' }, { cpu: '1', pods: '0' }), false);
  });
});
