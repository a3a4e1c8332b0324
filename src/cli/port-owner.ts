/**
 * Which process listens on a TCP port, from /proc (as `ss -ltnp` finds it): the listening socket's inode in
 * /proc/net/tcp{,6}, then the process holding `socket:[inode]` among /proc/PID/fd. Needs root to see other
 * users' processes; answers undefined when it cannot tell.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A process holding a listening socket. */
export interface PortOwner {
  pid: number;
  /** Its command line, arguments joined by spaces (truncated to 120 characters), or its comm name. */
  command: string;
}

/** Inodes of sockets in LISTEN state (st 0A) on `port`, from /proc/net/tcp-format text. */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of procNetTcp.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (!local || fields[3] !== '0A') continue;
    const portHex = local.slice(local.lastIndexOf(':') + 1);
    if (parseInt(portHex, 16) === port && fields[9] !== undefined && fields[9] !== '0') inodes.push(fields[9]);
  }
  return inodes;
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The process listening on TCP `port` (IPv4 or IPv6, any address), or undefined when none is visible. */
export function findPortOwner(port: number, procRoot = '/proc'): PortOwner | undefined {
  const inodes = new Set([...listeningInodes(read(`${procRoot}/net/tcp`), port), ...listeningInodes(read(`${procRoot}/net/tcp6`), port)]);
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync(procRoot).filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`${procRoot}/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`${procRoot}/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1]!)) {
        const cmdline = read(`${procRoot}/${pid}/cmdline`).split('\0').filter(Boolean).join(' ');
        const command = (cmdline || read(`${procRoot}/${pid}/comm`).trim() || '?').slice(0, 120);
        return { pid: Number(pid), command };
      }
    }
  }
  return undefined;
}
