// RegistryClient against a real HTTP server on 127.0.0.1 (a loopback registry may speak plain
// HTTP): what it asks, and when.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryClient } from './client.js';

let server: Server | undefined;
let client: RegistryClient | undefined;
afterEach(async () => {
  client?.close();
  await new Promise((r) => server?.close(r));
});

/** A registry that knows `acme/web:<tag>` for the tags given, and logs every request. */
async function registry(known: Record<string, string>) {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const m = /^\/v2\/acme\/web\/manifests\/(.+)$/.exec(req.url ?? '');
    const digest = m ? known[decodeURIComponent(m[1]!)] : undefined;
    if (req.url === '/v2/') res.writeHead(200).end('{}');
    else if (digest) res.writeHead(200, { 'docker-content-digest': digest }).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { host: `127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

describe('RegistryClient', () => {
  it('prefetch asks at once, and manifestDigest of that tag takes its answer instead of asking again', async () => {
    const r = await registry({ v1: 'sha256:aaa', v2: 'sha256:bbb' });
    client = new RegistryClient(r.host, undefined, { certsDir: '/nonexistent' });
    client.prefetch('acme/web', 'v1');
    for (let i = 0; i < 200 && !r.seen.includes('HEAD /v2/acme/web/manifests/v1'); i++) await new Promise((res) => setTimeout(res, 5));
    expect(r.seen).toEqual(['HEAD /v2/acme/web/manifests/v1']);
    expect(await client.manifestDigest('acme/web', 'v1')).toBe('sha256:aaa');
    expect(await client.manifestDigest('acme/web', 'v2')).toBe('sha256:bbb');
    expect(r.seen).toEqual(['HEAD /v2/acme/web/manifests/v1', 'HEAD /v2/acme/web/manifests/v2']);
    // Taken once: a later question about the same tag asks the registry again.
    expect(await client.manifestDigest('acme/web', 'v1')).toBe('sha256:aaa');
    expect(r.seen.filter((l) => l.endsWith('/v1'))).toHaveLength(2);
  });

  it('a prefetched tag the registry does not have answers undefined; the unused prefetch of another tag costs one request', async () => {
    const r = await registry({});
    client = new RegistryClient(r.host, undefined, { certsDir: '/nonexistent' });
    client.prefetch('acme/web', 'old');
    expect(await client.manifestDigest('acme/web', 'new')).toBeUndefined();
    expect(r.seen.sort()).toEqual(['HEAD /v2/acme/web/manifests/new', 'HEAD /v2/acme/web/manifests/old']);
  });
});
