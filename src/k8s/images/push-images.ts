/**
 * Pushing a deploy's built images with the registry stage's own code (src/registry/push.ts): the
 * same tags, credentials and skip rule as `devspace push` (nothing is sent when the registry
 * already serves the image), a few at a time, one registry client per registry.
 */
import type Docker from 'dockerode';
import type { Emit } from '../../events.js';
import { RegistryClient } from '../../registry/client.js';
import type { CredentialStore } from '../../registry/credentials.js';
import { pushImage, type PushResult } from '../../registry/push.js';
import type { ImageReference } from '../../registry/reference.js';

export interface PushJob {
  service: string;
  imageId: string;
  /** Target with its tag. */
  reference: ImageReference;
}

export interface PushImagesInput {
  docker: Docker;
  store: CredentialStore;
  jobs: PushJob[];
  emit: Emit;
  signal?: AbortSignal;
  parallel?: number;
}

const PARALLEL = 4;

export async function pushImages(input: PushImagesInput): Promise<PushResult[]> {
  const clients = new Map<string, RegistryClient>();
  const queue = [...input.jobs];
  const results: PushResult[] = [];
  const worker = async () => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      const { registry } = job.reference;
      const credentials = await input.store.get(registry);
      if (!clients.has(registry)) clients.set(registry, new RegistryClient(registry, credentials));
      results.push(
        await pushImage(
          { docker: input.docker, emit: input.emit, credentials, client: clients.get(registry)!, ...(input.signal && { signal: input.signal }) },
          { service: job.service, imageId: job.imageId, reference: job.reference },
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.parallel ?? PARALLEL, input.jobs.length) }, worker));
  return results.sort((a, b) => a.service.localeCompare(b.service));
}
