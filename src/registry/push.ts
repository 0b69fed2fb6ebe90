/**
 * Pushing one service's image: tag it with its target name, skip the upload when the registry
 * already serves this very image under that tag (the engine remembers the digest it pushed or
 * pulled as a RepoDigest; one HEAD request confirms the registry still has it), else push
 * through the engine, following the progress stream (failure arrives inside it), retrying
 * transient failures with backoff. Auth and trust problems become errors that say what to do.
 */
import type Docker from 'dockerode';
import { engineMessage } from '../engine/engine-error.js';
import { ImageClient } from '../engine/images.js';
import { followProgress, ProgressStreamError } from '../engine/progress.js';
import { UserError } from '../errors.js';
import type { Emit } from '../events.js';
import type { RegistryClient } from './client.js';
import { engineAuth, type Credentials } from './credentials.js';
import { formatReference, type ImageReference } from './reference.js';

export interface PushTarget {
  service: string;
  /** The local image (ID) to push. */
  imageId: string;
  /** Where it goes, with its tag. */
  reference: ImageReference;
}

export interface PushResult {
  service: string;
  /** `repo:tag` as pushed. */
  image: string;
  /** `sha256:…` of the manifest in the registry. */
  digest: string;
  /** `repo@sha256:…`: what deploy pins. */
  pinned: string;
  skipped: boolean;
  durationMs: number;
}

export interface PushContext {
  docker: Docker;
  emit: Emit;
  signal?: AbortSignal;
  credentials: Credentials | undefined;
  client: RegistryClient;
  /** Backoff between attempts (ms); the number of entries is the number of retries. */
  backoffMs?: number[];
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const AUTH = /unauthorized|authentication required|no basic auth credentials|incorrect username or password|denied|forbidden|401/i;
const TRUST = /x509|certificate|server gave HTTP response to HTTPS client/i;
const TRANSIENT = /timeout|timed out|connection reset|broken pipe|EOF|temporar|unavailable|too many requests|502|503|504|500 Internal|blob upload unknown|i\/o timeout|connection refused/i;

export async function pushImage(ctx: PushContext, target: PushTarget): Promise<PushResult> {
  const now = ctx.now ?? Date.now;
  const started = now();
  const { reference } = target;
  const tag = reference.tag!;
  const repo = formatReference({ registry: reference.registry, repository: reference.repository });
  const image = `${repo}:${tag}`;
  const images = new ImageClient(ctx.docker);
  const info = await images.inspect(target.imageId);
  if (!info?.RepoTags?.includes(image)) await images.tag(target.imageId, image);

  // Already there? Only when the engine knows this image's digest in that repository and the
  // registry serves exactly that digest for the tag: then nothing is sent, not even to the engine.
  const known = (info?.RepoDigests ?? []).filter((d) => d.startsWith(`${repo}@`)).map((d) => d.slice(repo.length + 1));
  if (known.length > 0) {
    const remote = await ctx.client.manifestDigest(reference.repository, tag).catch(() => undefined);
    if (remote && known.includes(remote)) {
      ctx.emit({ type: 'push-done', service: target.service, image, digest: remote, skipped: true, durationMs: now() - started });
      return { service: target.service, image, digest: remote, pinned: `${repo}@${remote}`, skipped: true, durationMs: now() - started };
    }
  }

  ctx.emit({ type: 'push-start', service: target.service, image });
  const backoff = ctx.backoffMs ?? [500, 1500, 4000];
  const sleep = ctx.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      const digest = await enginePush(ctx, target.service, reference.registry, repo, tag);
      ctx.emit({ type: 'push-done', service: target.service, image, digest, skipped: false, durationMs: now() - started });
      return { service: target.service, image, digest, pinned: `${repo}@${digest}`, skipped: false, durationMs: now() - started };
    } catch (error) {
      const message = error instanceof ProgressStreamError ? error.message : engineMessage(error);
      if (AUTH.test(message)) {
        const who = ctx.credentials ? `the credentials from ${ctx.credentials.source}` : 'no credentials (none stored for it)';
        throw new UserError(`${reference.registry} refused the push of ${image} with ${who}: ${message}`, [`Log in: docker login ${reference.registry}`, 'Check that the account may push to this repository.']);
      }
      if (TRUST.test(message)) {
        throw new UserError(`the Docker engine cannot talk to ${reference.registry} securely: ${message}`, [
          `If it uses a private CA: put the CA certificate in /etc/docker/certs.d/${reference.registry}/ca.crt on the engine's host.`,
          `If it only speaks HTTP: add it to "insecure-registries" in the engine's daemon.json.`,
        ]);
      }
      if (ctx.signal?.aborted || attempt >= backoff.length || !TRANSIENT.test(message)) {
        throw new UserError(`pushing ${image} failed: ${message}`, [`Check that ${reference.registry} is reachable from the Docker engine, then run devspace push again.`]);
      }
      ctx.emit({ type: 'push-retry', service: target.service, image, attempt: attempt + 1, delayMs: backoff[attempt]!, message });
      await sleep(backoff[attempt]!);
    }
  }
}

async function enginePush(ctx: PushContext, service: string, registry: string, repo: string, tag: string): Promise<string> {
  const stream = (await ctx.docker.getImage(repo).push({
    tag,
    authconfig: engineAuth(registry, ctx.credentials),
    ...(ctx.signal && { abortSignal: ctx.signal }),
  })) as NodeJS.ReadableStream;
  let digest: string | undefined;
  await followProgress(stream, (message) => {
    const aux = message.aux as { Digest?: string } | undefined;
    if (aux?.Digest) digest = aux.Digest;
    const fromStatus = /digest: (sha256:[0-9a-f]{64})/.exec(message.status ?? '');
    if (fromStatus) digest = fromStatus[1];
    if (message.id && message.status) {
      ctx.emit({
        type: 'push-progress',
        service,
        layer: message.id,
        status: message.status,
        ...(message.progressDetail?.current !== undefined && { current: message.progressDetail.current }),
        ...(message.progressDetail?.total !== undefined && { total: message.progressDetail.total }),
      });
    }
  });
  if (!digest) throw new ProgressStreamError(`the engine did not report a digest for ${repo}:${tag}`);
  return digest;
}
