/**
 * The image step of `up`: build the services that have a build section (skipping those whose
 * inputs are unchanged) and make sure the others' images are present (pull_policy), then hand
 * convergence one image reference per service. Builds and pulls run side by side.
 */
import type Docker from 'dockerode';
import { buildServices, type BuildServicesOptions, type ServiceImage } from '../build/builder.js';
import { ensureImages } from '../build/ensure-images.js';
import { hashCachePath, loadHashCache, saveHashCache } from '../build/hash-cache-file.js';
import type { Project } from '../compose/model.js';
import { ImageClient } from '../engine/images.js';
import type { Emit } from '../events.js';
import type { ImageRef } from '../run/converge.js';

export interface PrepareImagesInput {
  docker: Docker;
  emit: Emit;
  signal: AbortSignal;
  project: Project;
  services: string[];
  /** `up --build`: build even when the inputs are unchanged. */
  force: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Home directory (the file-hash cache lives under ~/.cache/devspace). */
  home: string;
}

/** Builds what changed, with the file hashes saved between runs (~/.cache/devspace). */
export async function buildWithSavedHashes(project: Project, options: Omit<BuildServicesOptions, 'cache'> & { env: Readonly<Record<string, string | undefined>> }, home: string): Promise<Map<string, ServiceImage>> {
  const cacheFile = hashCachePath(project.working_dir, options.env, home);
  const cache = loadHashCache(cacheFile);
  return buildServices(project, { ...options, cache }).finally(() => saveHashCache(cache, cacheFile));
}

export async function prepareImages(input: PrepareImagesInput): Promise<Map<string, ImageRef>> {
  const images = new ImageClient(input.docker);
  const common = { images, emit: input.emit, services: input.services, signal: input.signal };
  const [built, present] = await Promise.all([
    buildWithSavedHashes(input.project, { ...common, force: input.force, env: input.env }, input.home),
    ensureImages(input.project, common),
  ]);
  const refs = new Map<string, ImageRef>();
  for (const [service, image] of [...built, ...present]) refs.set(service, { name: image.image, id: image.imageId });
  return refs;
}
