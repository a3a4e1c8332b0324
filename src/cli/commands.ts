/**
 * Every k1s command's definition (name, arguments, summary, flag table) and the one entry that parses a
 * command's arguments against it: command line > environment > config file > defaults.
 */
import { configFilePath, loadConfigFile } from './config-file.js';
import { CONFIG_FLAG, DATA_DIR_FLAG, DEBUG_FLAG, DEFAULT_CONFIG_FILE, SYSTEMD_DIR_FLAG } from './common-flags.js';
import { closest, parseCommandLine, resolveFlags, UsageError, type CommandDef, type FlagDef, type FlagValue, type ResolvedFlags } from './flags.js';
import { SERVER_FLAGS, serverCommand } from './server-command.js';
import { validateNonEmpty } from './validators.js';

const imagesImportCommand: CommandDef = {
  name: 'images import',
  args: 'FILE…',
  summary: "import OCI-archive or docker-archive tars into the runtime (`k8s.io` namespace); prints each image's name",
  description:
    'Plain, gzip or zstd compressed (.tar, .tar.gz, .tar.zst). An image the archive names by tag only\n' +
    '(`org.opencontainers.image.ref.name: 1.36`, as umoci and skopeo write) becomes `REPO:1.36`, REPO defaulting to\n' +
    'the file name (`busybox.tar` → `docker.io/library/busybox:1.36`). `k1s server` imports DATA_DIR/agent/images/*\n' +
    'the same way at start (k3s airgap images).',
  flags: [
    CONFIG_FLAG,
    DEBUG_FLAG,
    DATA_DIR_FLAG,
    {
      name: 'name',
      kind: 'string',
      valueName: 'REPO',
      env: false,
      configurable: false,
      defaultText: 'from the file name',
      usage: 'repository for images the archive names by tag only',
      validate: validateNonEmpty,
    },
  ],
};

const imagesListCommand: CommandDef = {
  name: 'images list',
  summary: "list the runtime's images",
  flags: [CONFIG_FLAG, DEBUG_FLAG, DATA_DIR_FLAG],
};

const imagesCommand: CommandDef = {
  name: 'images',
  summary: "import and list the runtime's images",
  flags: [],
  subcommands: [imagesImportCommand, imagesListCommand],
};

const killallCommand: CommandDef = {
  name: 'killall',
  summary: 'stop and remove every pod sandbox, stop containerd, unmount, remove the pod network',
  description:
    "Like k3s-killall.sh for one data dir; run it after stopping the server. The pod network is the data dir's\n" +
    'own bridge, named in its CNI conflist: `k1s-<hash of the data dir>`, or `k1s0` for data dirs created before;\n' +
    'its iptables chains are `KUBE-*` for /var/lib/k1s and `K1S<4 characters of the data dir hash>-*` otherwise.\n' +
    'Servers on other data dirs keep running with their pods, bridges and chains.',
  flags: [CONFIG_FLAG, DEBUG_FLAG, DATA_DIR_FLAG],
};

const kubectlCommand: CommandDef = {
  name: 'kubectl',
  args: '[ARGS…]',
  summary: 'run kubectl with `KUBECONFIG=DATA_DIR/kubeconfig.yaml`',
  description:
    'Without --data-dir on the command line, $KUBECONFIG when it is set. Every argument but --data-dir and\n' +
    "--config goes to kubectl unchanged (`k1s kubectl --help` is kubectl's help).",
  flags: [CONFIG_FLAG, DATA_DIR_FLAG],
  passThrough: true,
};

const ctrCommand: CommandDef = {
  name: 'ctr',
  args: '[ARGS…]',
  summary: "run containerd's ctr against the data dir's containerd, in the CRI namespace (`k8s.io`)",
  description: 'Every argument but --data-dir and --config goes to ctr unchanged (`k1s ctr --help` is ctr\'s help).',
  flags: [CONFIG_FLAG, DATA_DIR_FLAG],
  passThrough: true,
};

const checkConfigCommand: CommandDef = {
  name: 'check-config',
  summary: 'check that this machine can run `k1s server` with these flags',
  description:
    'Prints pass, warn or fail per item (root, kernel, cgroups, overlayfs, iptables, network namespaces,\n' +
    'containerd, runc, CNI plugins, catatonit, the API port, the data dir, the registries file) with the\n' +
    'command that fixes it; exits 1 when an item fails. `k1s server` runs the fatal subset before it starts.',
  flags: SERVER_FLAGS,
};

const crictlFlags = [CONFIG_FLAG, DEBUG_FLAG, DATA_DIR_FLAG];
/** `-a` of `crictl ps` and `crictl stats`. */
const CRICTL_ALL_FLAG: FlagDef = { name: 'all', short: 'a', kind: 'boolean', env: false, configurable: false, usage: 'show all containers, exited ones too' };
const crictlCommand: CommandDef = {
  name: 'crictl',
  summary: "inspect the node's runtime over CRI: a subset of crictl's commands and columns",
  description: "Talks to the data dir's containerd (the server must be running); never starts one.",
  flags: [],
  subcommands: [
    { name: 'crictl pods', summary: 'list pod sandboxes: POD ID, CREATED, STATE, NAME, NAMESPACE, ATTEMPT, RUNTIME', flags: crictlFlags },
    {
      name: 'crictl ps',
      summary: 'list running containers (all with -a): CONTAINER, IMAGE, CREATED, STATE, NAME, ATTEMPT, POD ID, POD',
      flags: [...crictlFlags, CRICTL_ALL_FLAG],
    },
    { name: 'crictl images', summary: "list the runtime's images: IMAGE, TAG, IMAGE ID, SIZE", flags: crictlFlags },
    { name: 'crictl inspect', args: 'CONTAINER-ID', summary: "print a container's CRI status as JSON (an id prefix will do)", flags: crictlFlags },
    { name: 'crictl inspectp', args: 'POD-ID', summary: "print a pod sandbox's CRI status as JSON (an id prefix will do)", flags: crictlFlags },
    {
      name: 'crictl logs',
      args: 'CONTAINER-ID',
      summary: "print a container's log (stdout to stdout, stderr to stderr)",
      flags: [
        ...crictlFlags,
        { name: 'tail', kind: 'string', valueName: 'N', env: false, configurable: false, usage: 'only the last N lines', validate: (v) => (/^\d+$/.test(v) ? undefined : 'must be a number of lines') },
      ],
    },
    {
      name: 'crictl stats',
      args: '[CONTAINER-ID]',
      summary: 'resource use of running containers (all with -a) over a sample: CONTAINER, NAME, CPU %, MEM, DISK, INODES, SWAP',
      flags: [
        ...crictlFlags,
        CRICTL_ALL_FLAG,
        {
          name: 'seconds',
          short: 's',
          kind: 'string',
          valueName: 'N',
          default: '1',
          env: false,
          configurable: false,
          usage: 'sample duration for CPU usage, in seconds',
          validate: (v) => (/^\d+$/.test(v) && Number(v) > 0 ? undefined : 'must be a whole number of seconds above 0'),
        },
      ],
    },
    {
      name: 'crictl exec',
      args: 'CONTAINER-ID COMMAND [ARG…]',
      summary: 'run a command in a running container and exit with its exit code (ExecSync; -i/-t stream it as crictl does)',
      flags: [
        ...crictlFlags,
        { name: 'interactive', short: 'i', kind: 'boolean', env: false, configurable: false, usage: "keep stdin open: this terminal's input goes to the command, its end closes the command's stdin" },
        { name: 'tty', short: 't', kind: 'boolean', env: false, configurable: false, usage: 'allocate a terminal for the command (this terminal in raw mode, its size passed on)' },
      ],
      flagsEndAtFirstArg: true,
    },
  ],
};

const lintCommand: CommandDef = {
  name: 'lint',
  args: 'FILE…',
  summary: 'print the multi-container warnings the API server gives the pods and pod templates in FILEs, offline',
  description:
    'Reads YAML or JSON manifests (many `---` documents; a directory\'s .yaml/.yml/.json files; `-` for stdin) and\n' +
    'checks every Pod and the pod template of Deployments, ReplicaSets and the other workloads: one line per warning,\n' +
    '`FILE:LINE: Kind/name: FIELD: [Code] what is wrong; fix: …` (docs/warnings.md explains each code). Exits 0 when\n' +
    'clean, 1 on a warning, 2 when a file cannot be read or parsed.',
  flags: [],
};

const dashboardCommand: CommandDef = {
  name: 'dashboard',
  summary: 'serve a web dashboard on 127.0.0.1 that draws each pod: containers, volumes, lifecycle timeline, logs, exec',
  description:
    'Talks only to the public Kubernetes API, with the credentials of --kubeconfig (else of --data-dir given on the\n' +
    "command line, else $KUBECONFIG, else DATA_DIR/kubeconfig.yaml), so it works against any cluster. Prints a URL with a\n" +
    'one-time login token (a session cookie after the first visit; without it the API answers 401); append\n' +
    '`#/namespaces/NS/pods/NAME` for a pod\'s page. Runs until SIGINT or SIGTERM.',
  flags: [
    CONFIG_FLAG,
    DEBUG_FLAG,
    DATA_DIR_FLAG,
    { name: 'kubeconfig', kind: 'string', valueName: 'FILE', env: false, defaultText: 'DATA_DIR/kubeconfig.yaml', usage: 'the cluster to show: current context of this kubeconfig', validate: validateNonEmpty },
    {
      name: 'port',
      kind: 'string',
      valueName: 'PORT',
      default: '0',
      defaultText: 'a free port',
      env: 'K1S_DASHBOARD_PORT',
      configurable: false,
      usage: 'dashboard port (on 127.0.0.1)',
      validate: (v) => (/^\d+$/.test(v) && Number(v) <= 65535 ? undefined : 'must be a port number (0 for a free one)'),
    },
    { name: 'open', kind: 'boolean', default: false, env: false, configurable: false, usage: 'open the URL in a browser (xdg-open)' },
  ],
};

const installCommand: CommandDef = {
  name: 'install',
  summary: 'write the k1s.service systemd unit and its env file; enable and start it when systemd runs',
  description:
    "Server flags given here go into the unit's ExecStart; K1S_* variables of this environment into its env file.\n" +
    'The unit has Restart=always, KillMode=process (pods survive a restart) and k3s\'s limits. Without a\n' +
    'running systemd nothing is started.',
  flags: [
    SYSTEMD_DIR_FLAG,
    { name: 'skip-start', kind: 'boolean', default: false, env: false, configurable: false, group: 'install', usage: 'write the unit and env file only: no enable, no start (k3s: INSTALL_K3S_SKIP_START)' },
    ...SERVER_FLAGS,
  ],
};

const uninstallCommand: CommandDef = {
  name: 'uninstall',
  summary: 'stop k1s.service, remove pods, mounts, the pod network, the unit and the data dir',
  description: 'Reports anything it could not remove and exits 1 then. The data dir is removed only when nothing is mounted under it.',
  flags: [CONFIG_FLAG, DEBUG_FLAG, DATA_DIR_FLAG, SYSTEMD_DIR_FLAG],
};

const versionCommand: CommandDef = {
  name: 'version',
  summary: 'print the version of k1s and of the Kubernetes API it serves',
  flags: [],
};

const helpCommand: CommandDef = {
  name: 'help',
  aliases: ['h'],
  args: '[COMMAND]',
  summary: 'show the commands, or the help of one command',
  flags: [],
};

/** Every top-level command, in `k1s --help` order. */
export const COMMANDS: readonly CommandDef[] = [serverCommand, checkConfigCommand, imagesCommand, killallCommand, kubectlCommand, ctrCommand, crictlCommand, lintCommand, dashboardCommand, installCommand, uninstallCommand, versionCommand, helpCommand];

function allCommands(list: readonly CommandDef[] = COMMANDS): CommandDef[] {
  return list.flatMap((c) => [c, ...allCommands(c.subcommands ?? [])]);
}

/** Every key a config file may hold: the configurable long flags of every command. */
export const CONFIG_KEYS: ReadonlySet<string> = new Set(allCommands().flatMap((c) => c.flags.filter((f) => f.configurable !== false).map((f) => f.name)));

/** The command named by `words` (`['images', 'import']`), or undefined. Aliases count. */
export function findCommand(words: readonly string[]): CommandDef | undefined {
  let list: readonly CommandDef[] = COMMANDS;
  let found: CommandDef | undefined;
  for (const word of words) {
    const prefix = found ? `${found.name} ` : '';
    found = list.find((c) => c.name === prefix + word || (c.aliases ?? []).includes(word));
    if (!found) return undefined;
    list = found.subcommands ?? [];
  }
  return found;
}

/** The command `word` under `parent` (top level when undefined); throws UsageError with the closest name. */
export function requireCommand(word: string, parent?: CommandDef): CommandDef {
  const list = parent ? (parent.subcommands ?? []) : COMMANDS;
  const prefix = parent ? `${parent.name} ` : '';
  const found = list.find((c) => c.name === prefix + word || (c.aliases ?? []).includes(word));
  if (found) return found;
  const names = list.map((c) => c.name.slice(prefix.length));
  const guess = closest(word, names);
  const where = parent ? `k1s ${parent.name}` : 'k1s';
  throw new UsageError(`${where}: unknown command "${word}"${guess ? ` (did you mean "${guess}"?)` : ''}; see '${where} --help'`);
}

/** Where parseCommand reads the environment and the default config file; tests inject both. */
export interface ParseInputs {
  env?: Readonly<Record<string, string | undefined>>;
  defaultConfigFile?: string;
}

/** parseCommand's answer: help was asked for, or the effective flags (plus, for pass-through commands, what goes on). */
export type ParsedCommand = { help: true } | { help: false; flags: ResolvedFlags; passThrough: string[] };

/**
 * Splits a pass-through command's arguments into its own long flags (`--data-dir D`, `--data-dir=D`) and
 * everything else, in order, for the program it runs.
 */
export function splitPassThrough(command: CommandDef, argv: readonly string[]): { own: string[]; rest: string[] } {
  const own: string[] = [];
  const rest: string[] = [];
  const names = new Set(command.flags.map((f) => `--${f.name}`));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!names.has(name)) rest.push(arg);
    else if (eq > 0) own.push(arg);
    else {
      own.push(arg);
      if (i + 1 < argv.length) own.push(argv[++i]!);
    }
  }
  return { own, rest };
}

/** Splits `argv` before its first argument that is neither a flag nor a value flag's value; `--` also ends the flags. */
export function splitAtFirstArg(command: CommandDef, argv: readonly string[]): { own: string[]; rest: string[] } {
  const valueFlags = new Set(command.flags.filter((f) => f.kind === 'string').flatMap((f) => [`--${f.name}`, ...(f.short !== undefined ? [`-${f.short}`] : [])]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return { own: argv.slice(0, i), rest: argv.slice(i + 1) };
    if (!arg.startsWith('-') || arg === '-') return { own: argv.slice(0, i), rest: argv.slice(i) };
    if (valueFlags.has(arg)) i++;
  }
  return { own: [...argv], rest: [] };
}

/**
 * Parses `argv` (after the command's words) for `command`: command line, then environment, then the config
 * file (--config, $K1S_CONFIG_FILE, or /etc/k1s/config.yaml when it exists), then defaults.
 * Throws UsageError (exit code 2) on anything invalid; see parseCommandLine and parseConfigText.
 */
export function parseCommand(command: CommandDef, argv: readonly string[], inputs: ParseInputs = {}): ParsedCommand {
  const env = inputs.env ?? process.env;
  const split = command.passThrough ? splitPassThrough(command, argv) : command.flagsEndAtFirstArg ? splitAtFirstArg(command, argv) : { own: [...argv], rest: [] };
  const line = parseCommandLine(command, split.own);
  if (line.help) return { help: true };
  let config: { path: string; values: Map<string, FlagValue> } | undefined;
  if (command.flags.includes(CONFIG_FLAG)) {
    const fromFlag = line.values.get(CONFIG_FLAG.name);
    const file = configFilePath(typeof fromFlag === 'string' ? fromFlag : undefined, env, inputs.defaultConfigFile ?? DEFAULT_CONFIG_FILE);
    if (file) config = { path: file.path, values: loadConfigFile(file.path, command, CONFIG_KEYS) };
  }
  const flags = resolveFlags(command, line, { env, ...(config ? { config } : {}) });
  return { help: false, flags, passThrough: split.rest };
}
