/**
 * A network lab for the service proxy's integration test and benchmark (root only): a Linux bridge with
 * a gateway address, one network namespace per "pod" on a veth (hairpin on, as the CNI bridge plugin
 * sets it), and in each namespace a Node agent that serves HTTP and UDP with its name and makes
 * requests on command. The host routes the fake service range into a veth whose other end sits in an
 * empty namespace, so a packet the proxy did not DNAT dies there instead of leaving the machine (and
 * still passes the host's FORWARD chain, where the proxy's REJECTs are).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { runCommand } from '../iptables.js';

/** Ports every agent serves on. */
export const LAB_HTTP_PORT = 8080;
export const LAB_UDP_PORT = 5353;

/** Options of {@link createNetnsLab}. */
export interface NetnsLabOptions {
  /** Names everything: bridge `<id>0`, namespaces `<id>-<pod>` and `<id>-sink` (id ≤ 9 characters). */
  id: string;
  /** Gateway (bridge) address with prefix, e.g. 10.250.0.1/24. */
  gateway: string;
  /** Pods: name (≤ 3 characters) and IPv4 address in the gateway's subnet. */
  pods: { name: string; ip: string }[];
  /** Range routed to the sink on the host and via the gateway in the pods (the fake service CIDR). */
  serviceCidr: string;
}

/** One request's outcome: the answering agent's body (`<name> <remote address>`), or `ERR <code>`. */
export type LabReply = string;

/** A running lab. */
export interface NetnsLab {
  /** Bridge name and gateway IP. */
  bridge: string;
  gatewayIP: string;
  /** `count` HTTP GETs to host:port from `pod`, each on a new connection; replies in order. */
  http(pod: string, host: string, port: number, count: number): Promise<LabReply[]>;
  /** `count` UDP datagrams to host:port from local port `sourcePort` of `pod`; the answering agents' names. */
  udp(pod: string, host: string, port: number, sourcePort: number, count: number): Promise<LabReply[]>;
  /** GETs one after another for `durationMs` from `pod`; each reply with the wall-clock time (ms) it arrived. */
  stream(pod: string, host: string, port: number, durationMs: number): Promise<{ at: number; reply: LabReply }[]>;
  /** Stops the agents, deletes the namespaces (with their veths), the bridge and the sink. Idempotent; returns what failed. */
  destroy(): Promise<string[]>;
}

/** The agent run in each namespace: servers on LAB_HTTP_PORT/LAB_UDP_PORT and a JSON-lines request loop. */
const AGENT = `
const http = require('node:http'), dgram = require('node:dgram'), readline = require('node:readline');
const name = process.argv[1];
const server = http.createServer((q, s) => { s.setHeader('connection', 'close'); s.end(name + ' ' + q.socket.remoteAddress); });
const udp = dgram.createSocket('udp4');
udp.on('message', (m, r) => udp.send(name, r.port, r.address));
let up = 0;
const ready = () => { if (++up === 2) console.log(JSON.stringify({ ready: true })); };
server.listen(${LAB_HTTP_PORT}, '0.0.0.0', ready);
udp.bind(${LAB_UDP_PORT}, '0.0.0.0', ready);
const get = (host, port) => new Promise((resolve) => {
  const req = http.get({ host, port, agent: false, timeout: 2000 }, (res) => { let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => resolve(b)); });
  req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
  req.on('error', (e) => resolve('ERR ' + (e.code || e.message)));
});
const ops = {
  async http({ host, port, count }) { const out = []; for (let i = 0; i < count; i++) out.push(await get(host, port)); return out; },
  async stream({ host, port, durationMs }) { const out = []; const end = Date.now() + durationMs; while (Date.now() < end) { const reply = await get(host, port); out.push({ at: Date.now(), reply }); } return out; },
  async udp({ host, port, sourcePort, count }) {
    const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    await new Promise((r) => s.bind(sourcePort, r));
    const out = [];
    for (let i = 0; i < count; i++) {
      out.push(await new Promise((resolve) => {
        const t = setTimeout(() => { s.off('message', on); resolve('ERR timeout'); }, 1000);
        const on = (m) => { clearTimeout(t); s.off('message', on); resolve(m.toString()); };
        s.on('message', on);
        s.send('ping', port, host);
      }));
    }
    s.close();
    return out;
  },
};
readline.createInterface({ input: process.stdin }).on('line', async (l) => {
  const { id, op, args } = JSON.parse(l);
  try { console.log(JSON.stringify({ id, result: await ops[op](args) })); } catch (e) { console.log(JSON.stringify({ id, error: String(e) })); }
});
`;

interface Agent {
  child: ChildProcessWithoutNullStreams;
  call<T>(op: string, args: object): Promise<T>;
}

async function ip(args: string[]): Promise<void> {
  const r = await runCommand('ip', args);
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()} (exit code ${r.code})`);
}

function startAgent(netns: string, name: string): Promise<Agent> {
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', AGENT, name], { stdio: ['pipe', 'pipe', 'pipe'] });
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent in ${netns} did not start: ${stderr}`)), 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agent in ${netns} exited with ${code}: ${stderr}`));
      for (const w of waiting.values()) w.reject(new Error(`agent in ${netns} exited: ${stderr}`));
    });
    createInterface({ input: child.stdout }).on('line', (l) => {
      const msg = JSON.parse(l) as { ready?: boolean; id?: number; result?: unknown; error?: string };
      if (msg.ready) {
        clearTimeout(timer);
        resolve({
          child,
          call<T>(op: string, args: object): Promise<T> {
            const id = nextId++;
            child.stdin.write(`${JSON.stringify({ id, op, args })}\n`);
            return new Promise<T>((res, rej) => waiting.set(id, { resolve: res as (v: unknown) => void, reject: rej }));
          },
        });
        return;
      }
      const w = waiting.get(msg.id ?? 0);
      waiting.delete(msg.id ?? 0);
      if (msg.error !== undefined) w?.reject(new Error(msg.error));
      else w?.resolve(msg.result);
    });
  });
}

/** Removes what a lab of `options.id` may have left (a crashed run); ignores what is absent. */
async function removeLab(options: NetnsLabOptions): Promise<string[]> {
  const errors: string[] = [];
  const quiet = async (args: string[], absent: RegExp): Promise<void> => {
    const r = await runCommand('ip', args);
    if (r.code !== 0 && !absent.test(r.stderr)) errors.push(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
  };
  // Deleting the host end takes the pair down at once; a namespace's own links go only when the kernel gets to it.
  for (const p of options.pods) await quiet(['link', 'del', `${options.id}-${p.name}h`], /Cannot find device/);
  for (const p of options.pods) await quiet(['netns', 'del', `${options.id}-${p.name}`], /No such file|Cannot remove/);
  await quiet(['link', 'del', `${options.id}s`], /Cannot find device/);
  await quiet(['netns', 'del', `${options.id}-sink`], /No such file|Cannot remove/);
  await quiet(['link', 'del', `${options.id}0`], /Cannot find device/);
  return errors;
}

/** Builds the lab (removing a leftover one first) and starts an agent in every pod. Throws on failure, after cleaning up. */
export async function createNetnsLab(options: NetnsLabOptions): Promise<NetnsLab> {
  const bridge = `${options.id}0`;
  const sink = `${options.id}s`;
  const [gatewayIP = '', prefix = ''] = options.gateway.split('/');
  const agents = new Map<string, Agent>();
  await removeLab(options);
  const destroy = async (): Promise<string[]> => {
    for (const a of agents.values()) a.child.kill('SIGKILL');
    await Promise.all([...agents.values()].map((a) => (a.child.exitCode === null ? new Promise((r) => a.child.once('exit', r)) : Promise.resolve())));
    agents.clear();
    return removeLab(options);
  };
  try {
    await ip(['link', 'add', bridge, 'type', 'bridge']);
    await ip(['addr', 'add', options.gateway, 'dev', bridge]);
    await ip(['link', 'set', bridge, 'up']);
    await ip(['netns', 'add', `${options.id}-sink`]);
    await ip(['link', 'add', sink, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', `${options.id}-sink`]);
    await ip(['link', 'set', sink, 'up']);
    await ip(['route', 'add', options.serviceCidr, 'dev', sink]);
    for (const p of options.pods) {
      const ns = `${options.id}-${p.name}`;
      const host = `${options.id}-${p.name}h`;
      await ip(['netns', 'add', ns]);
      await ip(['link', 'add', host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      await ip(['link', 'set', host, 'master', bridge, 'up']);
      await ip(['link', 'set', 'dev', host, 'type', 'bridge_slave', 'hairpin', 'on']);
      await ip(['-n', ns, 'addr', 'add', `${p.ip}/${prefix}`, 'dev', 'eth0']);
      await ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
      await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      // No default route: only the bridge subnet and the service range are reachable from a pod.
      await ip(['-n', ns, 'route', 'add', options.serviceCidr, 'via', gatewayIP]);
    }
    for (const p of options.pods) agents.set(p.name, await startAgent(`${options.id}-${p.name}`, p.name));
  } catch (err) {
    await destroy();
    throw err;
  }
  const agent = (pod: string): Agent => {
    const a = agents.get(pod);
    if (!a) throw new Error(`no pod "${pod}" in the lab`);
    return a;
  };
  return {
    bridge,
    gatewayIP,
    http: (pod, host, port, count) => agent(pod).call('http', { host, port, count }),
    udp: (pod, host, port, sourcePort, count) => agent(pod).call('udp', { host, port, sourcePort, count }),
    stream: (pod, host, port, durationMs) => agent(pod).call('stream', { host, port, durationMs }),
    destroy,
  };
}
