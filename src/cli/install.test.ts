import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderEnvFile, renderUnit, systemdQuote } from './install.js';

test('systemdQuote leaves plain arguments alone and quotes or escapes the rest as systemd.service(5) reads them', () => {
  assert.equal(systemdQuote('/var/lib/k1s'), '/var/lib/k1s');
  assert.equal(systemdQuote('--https-listen-port'), '--https-listen-port');
  assert.equal(systemdQuote('/srv/my data'), '"/srv/my data"');
  assert.equal(systemdQuote('a"b'), '"a\\"b"');
  assert.equal(systemdQuote('100%'), '100%%');
  assert.equal(systemdQuote('$HOME'), '$$HOME');
  assert.equal(systemdQuote(''), '""');
});

test("renderUnit restarts always, kills only k1s on stop (pods survive) and sets k3s's limits", () => {
  const unit = renderUnit({ nodePath: '/usr/bin/node', k1sBin: '/opt/k1s/bin/k1s', serverArgs: ['--data-dir', '/srv/k 1s'], envFile: '/etc/systemd/system/k1s.service.env' });
  for (const line of ['Restart=always', 'KillMode=process', 'Delegate=yes', 'LimitNOFILE=1048576', 'LimitNPROC=infinity', 'TasksMax=infinity', 'EnvironmentFile=-/etc/systemd/system/k1s.service.env', 'WantedBy=multi-user.target']) {
    assert.match(unit, new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  }
  assert.match(unit, /^ExecStart=\/usr\/bin\/node \/opt\/k1s\/bin\/k1s server --data-dir "\/srv\/k 1s"$/m);
});

test('renderEnvFile keeps the K1S_* variables of the installing environment, quoted', () => {
  assert.equal(renderEnvFile({ PATH: '/bin', K1S_NODE_NAME: 'edge-1', K1S_DEBUG: 'true', K1S_SYSTEMD_DIR: '/x' }).split('\n').slice(1).join('\n'), 'K1S_DEBUG="true"\nK1S_NODE_NAME="edge-1"\n');
});
