// The directories behind local-path volumes: created 0777 under a base dir kept 0700, removed with their data.

import { chmod, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What the provisioner does on the node (local-path-provisioner's helper pod runs the `setup` and `teardown` scripts). */
export interface VolumeDirs {
  /** `mkdir -m 0777 -p DIR; chmod 700 DIR/..` (k3s's setup script). */
  setup(dir: string): Promise<void>;
  /** `rm -rf DIR` (the teardown script). */
  teardown(dir: string): Promise<void>;
}

/** The node's own file system (k1s runs the provisioner on its only node). */
export const hostVolumeDirs: VolumeDirs = {
  async setup(dir) {
    await mkdir(dir, { recursive: true, mode: 0o777 });
    // mkdir's mode is masked by the umask; the volume must be writable by any user, as `mkdir -m` makes it.
    await chmod(dir, 0o777);
    await chmod(dirname(dir), 0o700);
  },
  async teardown(dir) {
    await rm(dir, { recursive: true, force: true });
  },
};
