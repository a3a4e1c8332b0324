/**
 * The official Python client (Debian's python3-kubernetes) against a real k1s cluster: a watch
 * (`watch=True`), pod create, exec over WebSocket (`stdout=True&stderr=True`), logs with timestamps and
 * `follow=True`. Python prints booleans capitalised; the API server must read them as apimachinery does.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { e2eSkip, run, useCluster } from './harness.js';
import { repoRoot } from './paths.js';

const python = '/usr/bin/python3';
const hasClient = existsSync('/usr/lib/python3/dist-packages/kubernetes/__init__.py');
const skip = e2eSkip || (!hasClient ? 'needs python3-kubernetes' : false);

interface Seen {
  watchPhases: string[];
  exec: string;
  logs: string;
  followFirstBytes: string;
  execStdin: string;
  execStdinExit: number;
}

describe('Python client', { skip }, () => {
  const cluster = useCluster({ nodeName: 'k1s-python' });

  it('watches, creates, execs and reads logs with the booleans Python sends', async () => {
    const script = join(repoRoot, 'test', 'e2e', 'python', 'client_checks.py');
    const r = await run(python, [script, cluster().kubeconfig, 'py-pod'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const seen = JSON.parse(r.stdout) as Seen;
    assert.equal(seen.watchPhases.at(-1), 'Running');
    assert.deepEqual([...new Set(seen.watchPhases)].filter((p) => p !== 'Pending' && p !== 'Running'), []);
    assert.deepEqual(seen.exec.split('\n').filter(Boolean).sort(), ['err-line', 'out-line']);
    assert.equal(seen.execStdin, 'FIRST\nSECOND\n');
    assert.equal(seen.execStdinExit, 0);
    assert.match(seen.logs, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z started\n$/);
    assert.equal(seen.followFirstBytes, 'started\n');
  });
});
