/** Tests of RuntimeClass admission: missing classes refused, overhead set and checked, scheduling merged. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStatusError } from '../../api/errors.js';
import type { RuntimeClass } from '../../api/runtime-class.js';
import type { Pod, PodSpec } from '../../api/types.js';
import type { AdmissionAttributes } from '../resource-handler.js';
import { mergeTolerations, runtimeClassAdmission } from './runtime-class.js';

const CLASSES: RuntimeClass[] = [
  { metadata: { name: 'plain' }, handler: 'runc' },
  { metadata: { name: 'costly' }, handler: 'runc', overhead: { podFixed: { cpu: '250m', memory: '120Mi' } } },
  {
    metadata: { name: 'pinned' },
    handler: 'runc',
    scheduling: { nodeSelector: { sandbox: 'gvisor' }, tolerations: [{ key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' }, { key: 'extra', operator: 'Equal', value: 'v' }] },
  },
];

const plugin = runtimeClassAdmission({ getRuntimeClass: async (name) => structuredClone(CLASSES.find((c) => c.metadata.name === name)) });

function attrs(pod: Pod, operation: 'CREATE' | 'UPDATE' = 'CREATE'): AdmissionAttributes {
  return { operation, group: '', resource: 'pods', subresource: '', namespace: 'default', object: pod, user: { username: 'u', uid: '', groups: [], extra: {} }, dryRun: false };
}

const pod = (spec: Partial<PodSpec> = {}): Pod => ({ metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec } });

async function refusal(p: Promise<void>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(isStatusError(err));
    assert.equal(err.status.code, 403);
    return err.status.message ?? '';
  }
  assert.fail('admitted');
}

describe('RuntimeClass admission', () => {
  it('refuses a pod naming a RuntimeClass that does not exist, in admit and validate', async () => {
    const p = pod({ runtimeClassName: 'gone' });
    assert.equal(await refusal(plugin.admit(attrs(p))), 'pods "web" is forbidden: pod rejected: RuntimeClass "gone" not found');
    assert.equal(await refusal(plugin.validate(attrs(p))), 'pods "web" is forbidden: pod rejected: RuntimeClass "gone" not found');
  });

  it('leaves pods without a class, with a plain class, and updates alone', async () => {
    for (const p of [pod(), pod({ runtimeClassName: 'plain' })]) {
      const before = structuredClone(p);
      await plugin.admit(attrs(p));
      await plugin.validate(attrs(p));
      assert.deepEqual(p, before);
    }
    await plugin.admit(attrs(pod({ runtimeClassName: 'gone' }), 'UPDATE'));
  });

  it('sets the class overhead and refuses a different or class-less overhead', async () => {
    const p = pod({ runtimeClassName: 'costly' });
    await plugin.admit(attrs(p));
    assert.deepEqual(p.spec?.overhead, { cpu: '250m', memory: '120Mi' });
    await plugin.validate(attrs(p));
    const same = pod({ runtimeClassName: 'costly', overhead: { cpu: '0.25', memory: '120Mi' } });
    await plugin.admit(attrs(same));
    const other = pod({ runtimeClassName: 'costly', overhead: { cpu: '1' } });
    assert.equal(await refusal(plugin.admit(attrs(other))), 'pods "web" is forbidden: pod rejected: Pod\'s Overhead doesn\'t match RuntimeClass\'s defined Overhead');
    assert.equal(await refusal(plugin.validate(attrs(other))), 'pods "web" is forbidden: pod rejected: Pod\'s Overhead doesn\'t match RuntimeClass\'s defined Overhead');
    assert.equal(
      await refusal(plugin.validate(attrs(pod({ overhead: { cpu: '1' } })))),
      'pods "web" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead',
    );
  });

  it('merges the node selector and tolerations, refusing a conflicting selector value', async () => {
    const p = pod({ runtimeClassName: 'pinned', nodeSelector: { disk: 'ssd' }, tolerations: [{ key: 'sandbox', operator: 'Exists' }] });
    await plugin.admit(attrs(p));
    assert.deepEqual(p.spec?.nodeSelector, { disk: 'ssd', sandbox: 'gvisor' });
    assert.deepEqual(p.spec?.tolerations, [{ key: 'sandbox', operator: 'Exists' }, { key: 'extra', operator: 'Equal', value: 'v' }]);
    const conflict = pod({ runtimeClassName: 'pinned', nodeSelector: { sandbox: 'kata' } });
    assert.equal(await refusal(plugin.admit(attrs(conflict))), 'pods "web" is forbidden: conflict: runtimeClass.scheduling.nodeSelector[sandbox] = gvisor; pod.spec.nodeSelector[sandbox] = kata');
  });

  it('mergeTolerations keeps only the tolerations no other one covers (a longer NoExecute time covers a shorter)', () => {
    assert.deepEqual(mergeTolerations([{ key: 'a', operator: 'Equal', value: '1', effect: 'NoSchedule' }], [{ key: 'a', operator: 'Exists' }]), [{ key: 'a', operator: 'Exists' }]);
    assert.deepEqual(mergeTolerations([{ operator: 'Exists' }, { key: 'b', operator: 'Exists' }], [{ key: 'b', operator: 'Exists' }]), [{ operator: 'Exists' }]);
    assert.deepEqual(
      mergeTolerations([{ key: 'n', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }], [{ key: 'n', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]),
      [{ key: 'n', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    );
    assert.deepEqual(mergeTolerations([{ key: 'a', operator: 'Exists' }], [{ key: 'a', operator: 'Exists' }]), [{ key: 'a', operator: 'Exists' }]);
  });
});
