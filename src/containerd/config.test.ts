// Unit tests of containerd config rendering and data-dir paths.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderContainerdConfig } from './config.js';
import { MAX_SOCKET_PATH, runtimePaths } from './paths.js';

describe('runtimePaths', () => {
  it('puts the socket under the data dir when the path is short', () => {
    const paths = runtimePaths('/var/lib/k1s');
    assert.equal(paths.socket, '/var/lib/k1s/containerd/containerd.sock');
    assert.equal(paths.root, '/var/lib/k1s/containerd/root');
  });

  it('moves the socket to /run/k1s-<hash> when the data dir path is too long for a unix socket', () => {
    const long = `/tmp/${'x'.repeat(120)}`;
    const a = runtimePaths(long);
    assert.match(a.socket, /^\/run\/k1s-[0-9a-f]{12}\/containerd\.sock$/);
    assert.ok(Buffer.byteLength(a.socket) <= MAX_SOCKET_PATH);
    assert.notEqual(runtimePaths(`${long}y`).socket, a.socket, 'different data dirs get different sockets');
    assert.equal(a.root, `${long}/containerd/root`);
  });
});

describe('renderContainerdConfig', () => {
  const toml = renderContainerdConfig({ paths: runtimePaths('/data'), sandboxImage: 'k1s.local/pause:3.9', streamPort: 41234, runcPath: '/usr/sbin/runc' });

  it('uses version 2 with its own root, state and grpc socket', () => {
    assert.match(toml, /^version = 2$/m);
    assert.match(toml, /^root = "\/data\/containerd\/root"$/m);
    assert.match(toml, /^state = "\/data\/containerd\/state"$/m);
    assert.match(toml, /\[grpc\]\n {2}address = "\/data\/containerd\/containerd\.sock"/);
  });

  it('configures CRI with restrict_oom_score_adj, runc v2 on cgroupfs, overlayfs and the pause image', () => {
    assert.match(toml, /restrict_oom_score_adj = true/);
    assert.match(toml, /runtime_type = "io\.containerd\.runc\.v2"/);
    assert.match(toml, /SystemdCgroup = false/);
    assert.match(toml, /snapshotter = "overlayfs"/);
    assert.match(toml, /sandbox_image = "k1s\.local\/pause:3\.9"/);
    assert.match(toml, /BinaryName = "\/usr\/sbin\/runc"/);
  });

  it('binds the stream server to 127.0.0.1 on the given port and points CNI and registries under the data dir', () => {
    assert.match(toml, /stream_server_address = "127\.0\.0\.1"/);
    assert.match(toml, /stream_server_port = "41234"/);
    assert.match(toml, /bin_dir = "\/usr\/lib\/cni"/);
    assert.match(toml, /conf_dir = "\/data\/containerd\/cni\/net\.d"/);
    assert.match(toml, /config_path = "\/data\/containerd\/certs\.d"/);
    assert.match(toml, /netns_mounts_under_state_dir = true/);
  });

  it('disables unused snapshotters and tracing but requires CRI', () => {
    assert.match(toml, /required_plugins = \["io\.containerd\.grpc\.v1\.cri"\]/);
    for (const p of ['btrfs', 'zfs', 'devmapper', 'aufs']) assert.match(toml, new RegExp(`"io\\.containerd\\.snapshotter\\.v1\\.${p}"`));
    assert.match(toml, /"io\.containerd\.tracing\.processor\.v1\.otlp"/);
  });

  it('escapes paths as TOML strings', () => {
    const odd = renderContainerdConfig({ paths: runtimePaths('/tmp/a "b"'), sandboxImage: 'p', streamPort: 1 });
    assert.match(odd, /^root = "\/tmp\/a \\"b\\"\/containerd\/root"$/m);
  });
});
