/**
 * Just enough of the registry HTTP API (distribution v2) to ask "which manifest does this tag
 * point at?" without the engine: HEAD /v2/<repo>/manifests/<tag>, with Basic or Bearer-token
 * auth as the registry's challenge asks. TLS trusts what Docker trusts for the registry: the
 * system CAs plus /etc/docker/certs.d/<registry>/ca.crt; loopback registries may speak plain
 * HTTP, as they may for the engine. Written by hand: the one call is smaller than a client library.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import type { Credentials } from './credentials.js';
import { apiHost, isLoopback } from './reference.js';

const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RegistryClientOptions {
  certsDir?: string;
  timeoutMs?: number;
}

function request(url: URL, method: string, headers: Record<string, string>, trust: SecureContext | undefined, timeoutMs: number, agent?: http.Agent): Promise<Response> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(url, { method, headers, timeout: timeoutMs, ...(trust && url.protocol === 'https:' && { secureContext: trust }), ...(agent && { agent }) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Parses `Bearer realm="…",service="…",scope="…"` (or `Basic realm="…"`). */
export function parseChallenge(header: string | undefined): { scheme: string; params: Record<string, string> } | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const m of header.slice(space + 1).matchAll(/(\w+)="([^"]*)"/g)) params[m[1]!.toLowerCase()] = m[2]!;
  return { scheme, params };
}

export class RegistryClient {
  /**
   * The system CAs plus the registry's certs.d CA, as one TLS context made once: building it
   * parses every root certificate (~30 ms), which passing `ca` per request would pay per connection.
   */
  private readonly trust: SecureContext | undefined;
  private readonly base: string;
  private token: string | undefined;
  /** Learnt on the first request: https, or http for a loopback registry that only speaks that. */
  private scheme: 'https:' | 'http:' | undefined;
  /**
   * Connections are kept open between requests (a remote registry costs a round trip to connect
   * and one or two more for TLS), and warmUp() opens them while the caller does other work.
   */
  private readonly agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
  private warming: Promise<unknown> | undefined;

  constructor(
    private readonly registry: string,
    private readonly credentials: Credentials | undefined,
    private readonly options: RegistryClientOptions = {},
  ) {
    this.base = apiHost(registry);
    const caFile = path.join(options.certsDir ?? '/etc/docker/certs.d', registry, 'ca.crt');
    let extra: string | undefined;
    try {
      extra = readFileSync(caFile, 'utf8');
    } catch {
      extra = undefined;
    }
    this.trust = extra ? createSecureContext({ ca: [...rootCertificates, extra] }) : undefined;
  }

  /**
   * Opens `connections` connections to the registry (GET /v2/, answer ignored) without waiting:
   * push calls it before checking its builds, so the round trips to connect, to say TLS hello and
   * to learn http-or-https are paid meanwhile. Requests made later wait for it, then reuse them.
   */
  warmUp(connections: number): void {
    this.warming ??= Promise.all(Array.from({ length: Math.max(1, connections) }, () => this.send('/v2/', 'GET', {}).catch(() => undefined)));
  }

  /** Closes the kept-open connections (they would otherwise keep the process alive for a while). */
  close(): void {
    for (const agent of Object.values(this.agents)) agent.destroy();
  }

  /**
   * Asks for a tag's digest now, before the caller knows it needs it: push asks for the tags of
   * the last push (.devspace/images.json), which an unchanged project pushes again, while its
   * builds are checked; manifestDigest() of the same tag then takes the answer (or waits for it)
   * instead of asking after them. A tag that turns out different costs one unused request.
   */
  prefetch(repository: string, tag: string): void {
    const key = `${repository}:${tag}`;
    if (this.prefetched.has(key)) return;
    const answer = this.askDigest(repository, tag);
    answer.catch(() => undefined); // the caller of manifestDigest() sees the error, if any
    this.prefetched.set(key, answer);
  }

  private readonly prefetched = new Map<string, Promise<string | undefined>>();

  /** The digest the tag points at, or undefined when the registry does not have it. */
  async manifestDigest(repository: string, tag: string): Promise<string | undefined> {
    const key = `${repository}:${tag}`;
    const early = this.prefetched.get(key);
    if (early) {
      this.prefetched.delete(key);
      return early;
    }
    await this.warming;
    return this.askDigest(repository, tag);
  }

  private async askDigest(repository: string, tag: string): Promise<string | undefined> {
    const res = await this.get(`/v2/${repository}/manifests/${encodeURIComponent(tag)}`, 'HEAD', { Accept: MANIFEST_TYPES }, `repository:${repository}:pull`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`registry ${this.registry} answered ${res.status} for ${repository}:${tag}`);
    const digest = res.headers['docker-content-digest'];
    return typeof digest === 'string' ? digest : undefined;
  }

  private async get(pathname: string, method: string, headers: Record<string, string>, scope: string): Promise<Response> {
    const send = (auth: string | undefined) => this.send(pathname, method, { ...headers, ...(auth && { Authorization: auth }) });
    let res = await send(this.token ? `Bearer ${this.token}` : this.basic());
    if (res.status !== 401) return res;
    const challenge = parseChallenge(res.headers['www-authenticate'] as string | undefined);
    if (challenge?.scheme === 'bearer' && challenge.params['realm']) {
      this.token = await this.fetchToken(challenge.params['realm'], challenge.params['service'], scope);
      res = await send(`Bearer ${this.token}`);
    }
    return res;
  }

  private basic(): string | undefined {
    const c = this.credentials;
    if (!c?.username || c.password === undefined) return undefined;
    return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
  }

  private async fetchToken(realm: string, service: string | undefined, scope: string): Promise<string> {
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    url.searchParams.set('scope', scope);
    const auth = this.basic();
    const res = await request(url, 'GET', auth ? { Authorization: auth } : {}, this.trust, this.options.timeoutMs ?? 10_000);
    if (res.status !== 200) throw new Error(`token service of ${this.registry} answered ${res.status}`);
    const body = JSON.parse(res.body) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error(`token service of ${this.registry} gave no token`);
    return token;
  }

  private async send(pathname: string, method: string, headers: Record<string, string>): Promise<Response> {
    const timeout = this.options.timeoutMs ?? 10_000;
    if (this.scheme) return request(new URL(`${this.scheme}//${this.base}${pathname}`), method, headers, this.trust, timeout, this.agents[this.scheme]);
    try {
      const res = await request(new URL(`https://${this.base}${pathname}`), method, headers, this.trust, timeout, this.agents['https:']);
      this.scheme = 'https:';
      return res;
    } catch (error) {
      if (!isLoopback(this.registry)) throw error;
      const res = await request(new URL(`http://${this.base}${pathname}`), method, headers, this.trust, timeout, this.agents['http:']);
      this.scheme = 'http:';
      return res;
    }
  }
}
