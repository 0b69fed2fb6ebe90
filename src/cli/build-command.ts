/** `devspace build`: build and tag images in parallel, dependency-ordered, cached by content digest. */
import { homedir } from 'node:os';
import { buildServices } from '../build/builder.js';
import { hashCachePath, loadHashCache, saveHashCache } from '../build/hash-cache-file.js';
import { ImageClient } from '../engine/images.js';
import { UserError } from '../errors.js';
import type { GlobalOptions } from './global-options.js';
import type { Io } from './main.js';
import { loadFromOptions } from './load-options.js';
import { openEngineFromOptions, rendererFor, selectServices } from './session.js';
import { watchInterrupts } from './interrupts.js';

export interface BuildOptions extends GlobalOptions {
  cache?: boolean;
  pull?: boolean;
  parallel?: string;
}

export async function runBuild(names: string[], opts: BuildOptions, io: Io): Promise<void> {
  const loaded = loadFromOptions(opts, io, names);
  const selected = selectServices(loaded, names);
  const { project } = loaded;
  const buildable = selected.filter((s) => project.services[s]!.build !== undefined);
  const withoutBuild = names.filter((s) => project.services[s]!.build === undefined);
  if (withoutBuild.length > 0) throw new UserError(`nothing to build for ${withoutBuild.join(', ')}: no build section`, ['Name services that have a build: section, or none to build them all.']);
  let parallel: number | undefined;
  if (opts.parallel !== undefined) {
    parallel = Number(opts.parallel);
    if (!Number.isInteger(parallel) || parallel < 1) throw new UserError(`--parallel must be a whole number of at least 1, got "${opts.parallel}"`);
  }
  const emit = rendererFor(opts, io, buildable);
  if (buildable.length === 0) {
    emit({ type: 'message', level: 'info', text: 'no service has a build section: nothing to build' });
    return;
  }
  const { docker } = await openEngineFromOptions(opts, io);
  const interrupts = watchInterrupts();
  const cacheFile = hashCachePath(project.working_dir, io.env, io.env['HOME'] ?? homedir());
  const cache = loadHashCache(cacheFile);
  try {
    await buildServices(project, {
      cache,
      images: new ImageClient(docker),
      emit,
      services: buildable,
      noCache: opts.cache === false,
      pull: opts.pull === true,
      env: io.env,
      signal: interrupts.signal,
      ...(parallel !== undefined ? { parallel } : {}),
    });
  } finally {
    saveHashCache(cache, cacheFile);
    interrupts.dispose();
  }
}
