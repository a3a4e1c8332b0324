/** Flags several k1s commands share (`--config`, `--data-dir`, `--debug`), defined once, as k3s's are. */
import { resolve } from 'node:path';
import type { FlagDef } from './flags.js';
import { validateNonEmpty } from './validators.js';

/** Default data directory, as k3s's /var/lib/rancher/k3s. */
export const DEFAULT_DATA_DIR = '/var/lib/k1s';

/** The config file read when neither --config nor $K1S_CONFIG_FILE names one, if it exists (k3s: /etc/rancher/k3s/config.yaml). */
export const DEFAULT_CONFIG_FILE = '/etc/k1s/config.yaml';

/** `--config FILE, -c FILE` (k3s's name, short and $K3S_CONFIG_FILE counterpart). */
export const CONFIG_FLAG: FlagDef = {
  name: 'config',
  short: 'c',
  kind: 'string',
  valueName: 'FILE',
  defaultText: `"${DEFAULT_CONFIG_FILE}" when it exists`,
  env: 'K1S_CONFIG_FILE',
  group: 'config',
  usage: 'load configuration from FILE: keys are the long flag names; flags and environment override it',
  configurable: false,
};

/** `--data-dir DIR, -d DIR`: the state directory every command works on. */
export const DATA_DIR_FLAG: FlagDef = {
  name: 'data-dir',
  short: 'd',
  kind: 'string',
  valueName: 'DIR',
  default: DEFAULT_DATA_DIR,
  group: 'data',
  usage: 'state: tls/, db/state.db, containerd/, kubelet/, pod-logs/, storage/ (local-path volumes), kubeconfig.yaml',
  validate: validateNonEmpty,
  normalize: (v) => resolve(v),
};

/** `--debug` (k3s: "(logging) Turn on debug logs"): errors print their stack and cause chain. */
export const DEBUG_FLAG: FlagDef = {
  name: 'debug',
  kind: 'boolean',
  default: false,
  group: 'logging',
  usage: 'turn on debug output: errors show their stack trace and causes',
};

/** Where `k1s install` writes k1s.service (k3s's INSTALL_K3S_SYSTEMD_DIR default). */
export const DEFAULT_SYSTEMD_DIR = '/etc/systemd/system';

/** `--systemd-dir DIR` of `k1s install` and `k1s uninstall`. */
export const SYSTEMD_DIR_FLAG: FlagDef = {
  name: 'systemd-dir',
  kind: 'string',
  valueName: 'DIR',
  default: DEFAULT_SYSTEMD_DIR,
  group: 'install',
  usage: 'directory of the k1s.service unit and its env file',
  configurable: false,
  validate: validateNonEmpty,
  normalize: (v) => resolve(v),
};
