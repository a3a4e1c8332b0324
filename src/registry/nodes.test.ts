/** Tests of the nodes strategy's printing and validation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFieldError } from '../api/errors.js';
import type { Node } from '../api/types.js';
import { nodeStrategy } from './nodes.js';

const now = new Date('2024-01-01T10:00:00Z');

test('node table prints Ready, roles, version and wide columns', () => {
  const node: Node = {
    metadata: { name: 'n1', creationTimestamp: '2024-01-01T00:00:00Z', labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'master' } },
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '192.168.1.2' }, { type: 'Hostname', address: 'n1' }],
      nodeInfo: { kubeletVersion: 'v1.32.0+k1s1', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.6.20' },
    },
  };
  assert.deepEqual(nodeStrategy.table?.cells(node, now), [
    'n1', 'Ready', 'control-plane,master', '10h', 'v1.32.0+k1s1', '192.168.1.2', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0', 'containerd://1.6.20',
  ]);
});

test('node table prints NotReady, Unknown and SchedulingDisabled', () => {
  const base: Node = { metadata: { name: 'n' } };
  assert.equal(nodeStrategy.table?.cells({ ...base, status: { conditions: [{ type: 'Ready', status: 'False' }] } }, now)[1], 'NotReady');
  const cordoned = nodeStrategy.table?.cells({ ...base, spec: { unschedulable: true } }, now);
  assert.deepEqual(cordoned?.slice(1, 3), ['Unknown,SchedulingDisabled', '<none>']);
  assert.deepEqual(cordoned?.slice(7), ['<unknown>', '<unknown>', '<unknown>']);
});

test('node create defaults allocatable to capacity and validates taints', () => {
  const node: Node = { metadata: { name: 'n' }, status: { capacity: { cpu: '4' } }, spec: { taints: [{ key: 'a', effect: 'Sometimes' }] } };
  nodeStrategy.prepareForCreate(node);
  assert.deepEqual(node.status?.allocatable, { cpu: '4' });
  assert.deepEqual(nodeStrategy.validate(node).map(formatFieldError), [
    'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  ]);
});
