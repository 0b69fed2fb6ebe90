/**
 * From a service's `build:` section to the engine's build parameters (pure). The engine API's
 * build endpoint is the classic builder: what only BuildKit can do is reported here, as an
 * error when the build could not be right without it and as a warning when the result is the
 * same image, never silently dropped.
 */
import type { BuildConfig, Service } from '../compose/model.js';
import type { Diagnostic } from '../errors.js';
import type { ImageBuildParams } from '../engine/images.js';
import { LABELS } from '../labels.js';

/** `args` with `null` values (take from the environment) resolved; unset ones left out, as Compose does. */
export function resolveBuildArgs(args: BuildConfig['args'], env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(args ?? {})) {
    const actual = value ?? env[name];
    if (actual !== undefined) resolved[name] = actual;
  }
  return resolved;
}

/** The one platform to build for (the classic builder builds one), or undefined for the engine's. */
export function buildPlatform(service: Service): { platform?: string; problem?: string } {
  const platforms = service.build?.platforms ?? [];
  const wanted = typeof service.platform === 'string' ? service.platform : undefined;
  if (wanted !== undefined) {
    if (platforms.length > 0 && !platforms.includes(wanted)) return { problem: `platform ${wanted} is not one of build.platforms (${platforms.join(', ')})` };
    return { platform: wanted };
  }
  if (platforms.length > 1) return { problem: `build.platforms names ${platforms.length} platforms; the engine's classic builder builds one image for one platform` };
  return platforms[0] !== undefined ? { platform: platforms[0] } : {};
}

/** What this engine cannot do for a build: errors stop it, warnings are printed. */
export function unsupportedBuildOptions(serviceName: string, service: Service): { errors: Diagnostic[]; warnings: Diagnostic[] } {
  const build = service.build!;
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const at = (key: string) => `services.${serviceName}.build.${key}`;
  const buildkitOnly = 'The engine API build endpoint uses the classic builder, which has no such feature.';
  if (build.additional_contexts && Object.keys(build.additional_contexts).length > 0) {
    errors.push({ message: `additional_contexts (${Object.keys(build.additional_contexts).join(', ')}) need BuildKit`, path: at('additional_contexts'), hint: `${buildkitOnly} Copy what the build needs into the context, or build the image with docker buildx and refer to it with image:.` });
  }
  if (build.ssh && build.ssh.length > 0) errors.push({ message: 'build.ssh needs BuildKit', path: at('ssh'), hint: buildkitOnly });
  if (build.secrets && build.secrets.length > 0) errors.push({ message: 'build.secrets need BuildKit', path: at('secrets'), hint: buildkitOnly });
  const platform = buildPlatform(service);
  if (platform.problem) errors.push({ message: platform.problem, path: at('platforms'), hint: 'Name one platform (service platform: picks one of build.platforms).' });
  if (build.cache_to && build.cache_to.length > 0) warnings.push({ message: 'build.cache_to is ignored: the classic builder cannot export a cache', path: at('cache_to') });
  if (build.privileged) warnings.push({ message: 'build.privileged is ignored: the classic builder runs build steps unprivileged', path: at('privileged') });
  return { errors, warnings };
}

/**
 * The engine parameters for one build. Our labels on an image are only the two we read back: the
 * project (`down --rmi local` finds images by it) and the build digest (the build cache). The
 * classic builder turns each API label into a LABEL step of its own, with an intermediate
 * container (~65 ms each on the CI machine), so every label is paid on each rebuild.
 */
export function imageBuildParams(input: {
  service: Service;
  image: string;
  dockerfile: string;
  args: Record<string, string>;
  digest: string;
  project: string;
  noCache: boolean;
  pull: boolean;
}): ImageBuildParams {
  const build = input.service.build!;
  const tags = [input.image, ...(build.tags ?? []).filter((t) => t !== input.image)];
  const { platform } = buildPlatform(input.service);
  return {
    dockerfile: input.dockerfile,
    tags,
    buildargs: input.args,
    labels: { ...(build.labels ?? {}), [LABELS.project]: input.project, [LABELS.buildDigest]: input.digest },
    nocache: input.noCache,
    pull: input.pull,
    ...(build.target !== undefined ? { target: build.target } : {}),
    ...(build.network !== undefined ? { networkmode: build.network } : {}),
    ...(build.shm_size !== undefined ? { shmsize: build.shm_size } : {}),
    ...(build.extra_hosts && build.extra_hosts.length > 0 ? { extrahosts: build.extra_hosts.map(extraHost) } : {}),
    ...(platform !== undefined ? { platform } : {}),
    ...(build.cache_from && build.cache_from.length > 0 ? { cachefrom: build.cache_from } : {}),
  };
}

/** Compose writes `host=ip` or `host:ip`; the engine wants `host:ip`. */
function extraHost(entry: string): string {
  const eq = entry.indexOf('=');
  return eq > 0 ? `${entry.slice(0, eq)}:${entry.slice(eq + 1)}` : entry;
}
