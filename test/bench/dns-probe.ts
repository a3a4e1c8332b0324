/**
 * Run inside a pod's network namespace by the benchmark (`nsenter --net=NETNS node dns-probe.js SERVER NAME N`): sends N
 * sequential UDP A queries for NAME to SERVER:53 and prints each round trip in ms, one per line.
 */
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';

const [server = '10.43.0.10', name = 'kubernetes.default.svc.cluster.local', count = '200'] = process.argv.slice(2);
const socket = createSocket('udp4');
const times: number[] = [];
for (let i = 0; i < Number(count); i++) {
  const query = dnsPacket.encode({ type: 'query', id: i + 1, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from ${server} for ${name}`)), 2000);
    socket.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.send(query, 53, server);
  });
  times.push(performance.now() - t0);
}
socket.close();
console.log(times.map((t) => t.toFixed(3)).join('\n'));
