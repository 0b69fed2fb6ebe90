#!/usr/bin/env node
// A TCP proxy on 127.0.0.1 that delays every chunk by ONE_WAY_MS in each direction, so that a local
// registry answers like a remote one (a round trip costs 2 x ONE_WAY_MS). Order is kept per direction.
// Used by bench/push.mjs; runs in its own process because the bench blocks in spawnSync.
//   node bench/latency-proxy.mjs <target-host:port> <one-way-ms>   → prints the port it listens on
import { connect, createServer } from 'node:net';

const [target, oneWay] = process.argv.slice(2);
const [host, port] = target.split(':');
const delay = Number(oneWay);

/** Forwards `from` to `to`, each chunk ONE_WAY_MS after it arrived (later chunks never overtake). */
function delayed(from, to) {
  let last = 0;
  from.on('data', (chunk) => {
    const due = Math.max(Date.now() + delay, last);
    last = due;
    setTimeout(() => to.write(chunk), due - Date.now());
  });
  from.on('end', () => setTimeout(() => to.end(), Math.max(0, last - Date.now()) + delay));
  from.on('error', () => to.destroy());
}

const server = createServer((client) => {
  const upstream = connect(Number(port), host);
  delayed(client, upstream);
  delayed(upstream, client);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
