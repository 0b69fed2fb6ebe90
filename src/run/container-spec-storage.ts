/**
 * Where a container's files come from: `volumes` (bind, named, anonymous, tmpfs), `tmpfs`,
 * file-based `secrets` and `configs` → HostConfig.Binds / Mounts / Tmpfs (Engine API 1.41).
 */
import type { FileReference, Project, ServiceVolume } from '../compose/model.js';
import type { Path } from '../compose/path.js';
import type { HostConfig, Mount } from './container-spec-types.js';

export interface StorageContext {
  project: Project;
  volumeName: (key: string) => string;
  anonymousVolumes: Record<string, string>;
  unsupported(path: Path, message: string): void;
}

/**
 * A bind mount goes through `Binds` when the host path must be created if missing
 * (`create_host_path`, implied by the short syntax) or relabelled for SELinux: `Mounts` with
 * type bind fails on a missing path and has no SELinux option (moby/moby#43483 — Docker Compose
 * makes the same choice). Everything else goes through `Mounts`, whose errors are explicit.
 */
function bindString(v: ServiceVolume): string {
  const options = [
    ...(v.read_only ? ['ro'] : []),
    ...(v.bind?.selinux ? [v.bind.selinux] : []),
    ...(v.bind?.propagation ? [v.bind.propagation] : []),
    ...(v.consistency ? [v.consistency] : []),
  ];
  return `${v.source}:${v.target}${options.length ? `:${options.join(',')}` : ''}`;
}

function volumeMount(ctx: StorageContext, v: ServiceVolume, at: Path): { bind?: string; mount?: Mount } {
  const base = { Target: v.target, ...(v.read_only && { ReadOnly: true }), ...(v.consistency && { Consistency: v.consistency }) };
  switch (v.type) {
    case 'bind': {
      if (!v.source) return {};
      const recursive = v.bind?.recursive;
      if (recursive === 'readonly' || recursive === 'writable') ctx.unsupported([...at, 'bind', 'recursive'], `bind.recursive "${recursive}" needs Engine API 1.44; the mount is recursive as Docker's default`);
      if (v.bind?.create_host_path || v.bind?.selinux) {
        if (recursive === 'disabled') ctx.unsupported([...at, 'bind', 'recursive'], 'bind.recursive "disabled" cannot be combined with create_host_path or selinux (the Binds form has no such option); the mount is recursive');
        return { bind: bindString(v) };
      }
      const options = { ...(v.bind?.propagation && { Propagation: v.bind.propagation }), ...(recursive === 'disabled' && { NonRecursive: true }) };
      return { mount: { Type: 'bind', Source: v.source, ...base, ...(Object.keys(options).length > 0 && { BindOptions: options }) } };
    }
    case 'volume': {
      if (v.volume?.subpath !== undefined) ctx.unsupported([...at, 'volume', 'subpath'], 'volume.subpath needs Engine API 1.45; the whole volume is mounted');
      const source = v.source ? ctx.volumeName(v.source) : ctx.anonymousVolumes[v.target];
      return { mount: { Type: 'volume', ...(source && { Source: source }), ...base, ...(v.volume?.nocopy && { VolumeOptions: { NoCopy: true } }) } };
    }
    case 'tmpfs': {
      const options = { ...(v.tmpfs?.size !== undefined && { SizeBytes: v.tmpfs.size }), ...(v.tmpfs?.mode !== undefined && { Mode: v.tmpfs.mode }) };
      return { mount: { Type: 'tmpfs', ...base, ...(Object.keys(options).length > 0 && { TmpfsOptions: options }) } };
    }
    default:
      ctx.unsupported(at, `volume type "${v.type}" is not supported by a Linux Docker engine at API 1.41 (bind, volume and tmpfs are)`);
      return {};
  }
}

/**
 * A file-based secret or config is bind-mounted read-only, as Docker Compose does: secrets at
 * /run/secrets/<target|source>, configs at /<target|source>. Mounts (not Binds): a missing
 * file must fail instead of becoming an empty directory.
 */
function fileMounts(ctx: StorageContext, kind: 'secrets' | 'configs', refs: FileReference[] | undefined, at: Path): Mount[] {
  const mounts: Mount[] = [];
  const dir = kind === 'secrets' ? '/run/secrets/' : '/';
  (refs ?? []).forEach((ref, i) => {
    const where = [...at, kind, i];
    const definition = ctx.project[kind][ref.source];
    if (!definition) return; // reported by the loader
    const what = kind.slice(0, -1);
    const source = definition.external ? 'external' : typeof definition.file === 'string' ? 'file' : typeof definition.environment === 'string' ? 'environment' : definition.content !== undefined ? 'content' : undefined;
    if (source !== 'file') {
      const reason = source === 'external' ? `external ${kind} exist only in Swarm` : `a ${what} from "${source}" must be written into the container after create, which devspace does not do yet`;
      ctx.unsupported(where, `${what} "${ref.source}" is not mounted: ${reason}`);
      return;
    }
    for (const key of ['driver', 'template_driver'] as const) {
      if (definition[key] !== undefined) ctx.unsupported([kind, ref.source, key], `${kind}.*.${key} is not supported by a single Docker engine`);
    }
    for (const key of ['uid', 'gid', 'mode'] as const) {
      if (ref[key] !== undefined) ctx.unsupported([...where, key], `${key} cannot be applied to a bind-mounted ${what} file; it keeps the host file's owner and mode`);
    }
    const target = !ref.target ? dir + ref.source : ref.target.startsWith('/') ? ref.target : dir + ref.target;
    mounts.push({ Type: 'bind', Source: definition.file as string, Target: target, ReadOnly: true });
  });
  return mounts;
}

/** `volumes`, `tmpfs`, `secrets`, `configs` → Binds, Mounts and Tmpfs of the HostConfig. */
export function storage(ctx: StorageContext, service: { volumes?: ServiceVolume[]; tmpfs?: string[]; secrets?: FileReference[]; configs?: FileReference[] }, at: Path): Pick<HostConfig, 'Binds' | 'Mounts' | 'Tmpfs'> {
  const binds: string[] = [];
  const mounts: Mount[] = [];
  const targets = new Set<string>();
  (service.volumes ?? []).forEach((v, i) => {
    const { bind, mount } = volumeMount(ctx, v, [...at, 'volumes', i]);
    if (bind) binds.push(bind);
    if (mount) mounts.push(mount);
    if (bind || mount) targets.add(v.target);
  });
  // A volume mounted at a secret's or config's target wins, as in Docker Compose.
  for (const m of [...fileMounts(ctx, 'secrets', service.secrets, at), ...fileMounts(ctx, 'configs', service.configs, at)]) {
    if (targets.has(m.Target)) continue;
    targets.add(m.Target);
    mounts.push(m);
  }
  const tmpfs: Record<string, string> = {};
  for (const entry of service.tmpfs ?? []) {
    const colon = entry.indexOf(':');
    if (colon === -1) tmpfs[entry] = '';
    else tmpfs[entry.slice(0, colon)] = entry.slice(colon + 1);
  }
  return {
    ...(binds.length > 0 && { Binds: binds }),
    ...(mounts.length > 0 && { Mounts: mounts }),
    ...(Object.keys(tmpfs).length > 0 && { Tmpfs: tmpfs }),
  };
}
