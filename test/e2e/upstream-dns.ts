/**
 * A tiny DNS server for e2e tests, on a loopback address of the test's choosing: the upstream the cluster DNS
 * forwards to (k3s `--resolv-conf`), so tests never query the host's resolver. Answers A records from a fixed
 * table, NXDOMAIN otherwise, and records every query name.
 */
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';

/** A running test upstream. */
export interface TestUpstreamDns {
  /** Query names seen, lower-case, with the trailing dot (`outside.example.`). */
  queries: string[];
  close(): Promise<void>;
}

/** Starts the server on `address`:53 (UDP) answering `records` (FQDN with trailing dot → IPv4). */
export async function startTestUpstreamDns(address: string, records: Record<string, string>): Promise<TestUpstreamDns> {
  const socket = createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (msg, rinfo) => {
    let q: dnsPacket.Packet;
    try {
      q = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const question = q.questions?.[0];
    if (!question) return;
    const name = `${question.name.toLowerCase().replace(/\.$/, '')}.`;
    queries.push(name);
    const ip = records[name];
    const reply = dnsPacket.encode({
      type: 'response',
      id: q.id ?? 0,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (name in records ? 0 : 3),
      questions: [question],
      answers: ip && question.type === 'A' ? [{ type: 'A', name: question.name, ttl: 30, data: ip }] : [],
    });
    socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(53, address, () => resolve());
  });
  return { queries, close: () => new Promise<void>((r) => socket.close(() => r())) };
}
