/**
 * Turns one validated service (any short form) into its long form. Pure: relative paths are
 * resolved against ctx.baseDir, bare environment keys against ctx.lookup; problems are reported
 * through ctx.report with the path of the offending node.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Lookup } from './interpolate.js';
import type { BuildConfig, DependsOn, FileReference, Healthcheck, PortConfig, Service, ServiceVolume, WatchRule } from './model.js';
import type { Path } from './path.js';
import type { RawService } from './schema.js';
import { formatDuration, parseBytes, parseDuration, splitShellWords } from './units.js';

export interface NormaliseContext {
  baseDir: string;
  home: string;
  lookup: Lookup;
  report(path: Path, message: string, hint?: string): void;
}

type Dict = Record<string, string | number | boolean | null> | string[];

/** `KEY: value` or `KEY=value` list → map; `resolveBare` decides what a key without a value gets. */
export function toMap(value: Dict | undefined, resolveBare: (key: string) => string | null): Record<string, string | null> | undefined {
  if (value === undefined) return undefined;
  const out: Record<string, string | null> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const eq = item.indexOf('=');
      if (eq === -1) out[item] = resolveBare(item);
      else out[item.slice(0, eq)] = item.slice(eq + 1);
    }
  } else {
    for (const [key, v] of Object.entries(value)) out[key] = v === null ? resolveBare(key) : String(v);
  }
  return out;
}

function toStringMap(value: Dict | undefined): Record<string, string> | undefined {
  const map = toMap(value, () => '');
  return map as Record<string, string> | undefined;
}

export function isRemoteContext(context: string): boolean {
  return /^(https?:\/\/|git@|git:\/\/|ssh:\/\/|github\.com\/)/.test(context) || /\.git(#.*)?$/.test(context);
}

export function resolvePath(ctx: NormaliseContext, path: string): string {
  if (path === '~' || path.startsWith('~/')) return resolve(ctx.home, path.slice(2));
  return isAbsolute(path) ? resolve(path) : resolve(ctx.baseDir, path);
}

function duration(ctx: NormaliseContext, path: Path, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.report(path, `invalid duration "${value}"`, 'Use a number with a unit: 500ms, 10s, 1m30s, 2h.');
    return undefined;
  }
  return formatDuration(ms);
}

function bytes(ctx: NormaliseContext, path: Path, value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = parseBytes(value);
  if (n === undefined) ctx.report(path, `invalid size "${value}"`, 'Use bytes or a unit: 512m, 1g, 100kb.');
  return n;
}

function words(ctx: NormaliseContext, path: Path, value: string | string[] | null | undefined): string[] | null | undefined {
  if (value === undefined || value === null || Array.isArray(value)) return value;
  const split = splitShellWords(value);
  if (!split) ctx.report(path, 'unterminated quote in command', 'Close the quote, or write the command as a list.');
  return split ?? [value];
}

const PORT = /^(?:(?:\[(?<ip6>[^\]]+)\]|(?<ip>[^:[\]]+)):)??(?:(?<host>[0-9]*(?:-[0-9]+)?):)?(?<container>[0-9]+(?:-[0-9]+)?)(?:\/(?<proto>[a-z]+))?$/;

function range(text: string): [number, number] {
  const [a, b] = text.split('-');
  const start = Number(a);
  return [start, b === undefined ? start : Number(b)];
}

/** "127.0.0.1:8080-8081:80-81/udp" → one long-form entry per container port. */
export function parsePortShort(ctx: NormaliseContext, path: Path, spec: string | number): PortConfig[] {
  const text = String(spec).trim();
  const m = PORT.exec(text);
  const proto = (m?.groups?.proto ?? 'tcp') as PortConfig['protocol'];
  if (!m || !['tcp', 'udp', 'sctp'].includes(proto)) {
    ctx.report(path, `invalid port "${text}"`, 'Use [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL], for example "127.0.0.1:8080:80" — and quote it.');
    return [];
  }
  const ip = m.groups!.ip6 ?? m.groups!.ip;
  const host = m.groups!.host || undefined;
  const [cStart, cEnd] = range(m.groups!.container!);
  const hostRange = host ? range(host) : undefined;
  const ports = [cStart, cEnd, ...(hostRange ?? [])];
  if (ports.some((p) => p < 0 || p > 65535) || cEnd < cStart || (hostRange && hostRange[1] < hostRange[0])) {
    ctx.report(path, `invalid port "${text}": ports are 0–65535 and ranges go upward`);
    return [];
  }
  const count = cEnd - cStart + 1;
  const out: PortConfig[] = [];
  for (let i = 0; i < count; i++) {
    let published: string | undefined;
    if (hostRange) {
      const hostCount = hostRange[1] - hostRange[0] + 1;
      if (count === 1) published = host;
      else if (hostCount === count) published = String(hostRange[0] + i);
      else {
        ctx.report(path, `invalid port "${text}": the host range has ${hostCount} ports and the container range ${count}`, 'Make both ranges the same length.');
        return [];
      }
    }
    const port: PortConfig = { target: cStart + i, protocol: proto, mode: 'ingress' };
    if (published !== undefined) port.published = published;
    if (ip !== undefined) port.host_ip = ip;
    out.push(port);
  }
  return out;
}

function normalisePorts(ctx: NormaliseContext, path: Path, ports: RawService['ports']): PortConfig[] | undefined {
  if (!ports) return undefined;
  const out: PortConfig[] = [];
  ports.forEach((entry, i) => {
    if (typeof entry === 'string' || typeof entry === 'number') {
      out.push(...parsePortShort(ctx, [...path, i], entry));
      return;
    }
    if (entry.target === undefined) {
      ctx.report([...path, i], 'a port in long form needs "target" (the container port)');
      return;
    }
    const { target, published, host_ip, protocol, mode, app_protocol, name } = entry;
    if (target < 0 || target > 65535) {
      ctx.report([...path, i, 'target'], `invalid port ${target}: ports are 0–65535`);
      return;
    }
    const port: PortConfig = { target, protocol: protocol ?? 'tcp', mode: mode ?? 'ingress' };
    if (published !== undefined) port.published = String(published);
    if (host_ip !== undefined) port.host_ip = host_ip;
    if (app_protocol !== undefined) port.app_protocol = app_protocol;
    if (name !== undefined) port.name = name;
    out.push(port);
  });
  return out;
}

const VOLUME_MODES = new Set(['rw', 'ro', 'z', 'Z', 'nocopy', 'shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate', 'consistent', 'cached', 'delegated']);

function isHostPath(source: string): boolean {
  return source.startsWith('.') || source.startsWith('/') || source.startsWith('~') || /^[a-zA-Z]:[\\/]/.test(source);
}

export function parseVolumeShort(ctx: NormaliseContext, path: Path, spec: string): ServiceVolume | undefined {
  const parts = spec.split(':');
  if (parts.length === 1) return { type: 'volume', target: spec };
  if (parts.length > 3 || parts.some((p) => p === '')) {
    ctx.report(path, `invalid volume "${spec}"`, 'Use SOURCE:TARGET[:MODE], for example ./src:/app:ro or data:/var/lib/data.');
    return undefined;
  }
  const [source, target, mode] = parts as [string, string, string | undefined];
  const modes = mode ? mode.split(',') : [];
  const bad = modes.find((m) => !VOLUME_MODES.has(m));
  if (bad) {
    ctx.report(path, `unknown volume mode "${bad}" in "${spec}"`, 'Modes are rw, ro, z, Z, nocopy and the propagation modes.');
    return undefined;
  }
  const volume: ServiceVolume = isHostPath(source)
    ? { type: 'bind', source: resolvePath(ctx, source), target, bind: { create_host_path: true } }
    : { type: 'volume', source, target };
  if (modes.includes('ro')) volume.read_only = true;
  const selinux = modes.find((m) => m === 'z' || m === 'Z') as 'z' | 'Z' | undefined;
  const propagation = modes.find((m) => /^r?(shared|slave|private)$/.test(m));
  if (volume.type === 'bind' && (selinux || propagation)) volume.bind = { ...volume.bind, ...(selinux && { selinux }), ...(propagation && { propagation }) };
  if (volume.type === 'volume' && modes.includes('nocopy')) volume.volume = { nocopy: true };
  return volume;
}

function normaliseVolumes(ctx: NormaliseContext, path: Path, volumes: RawService['volumes']): ServiceVolume[] | undefined {
  if (!volumes) return undefined;
  const out: ServiceVolume[] = [];
  volumes.forEach((entry, i) => {
    if (typeof entry === 'string') {
      const v = parseVolumeShort(ctx, [...path, i], entry);
      if (v) out.push(v);
      return;
    }
    if (!entry.target) {
      ctx.report([...path, i], 'a volume in long form needs "target" (the path in the container)');
      return;
    }
    const { tmpfs, ...rest } = entry;
    const v = { ...rest, target: entry.target } as ServiceVolume;
    if (v.type === 'bind') {
      if (!v.source) ctx.report([...path, i], 'a bind mount needs "source" (the host path)');
      else v.source = resolvePath(ctx, v.source);
    }
    if (tmpfs) {
      const size = bytes(ctx, [...path, i, 'tmpfs', 'size'], tmpfs.size);
      const mode = fileMode(ctx, [...path, i, 'tmpfs', 'mode'], tmpfs.mode);
      v.tmpfs = { ...(size !== undefined && { size }), ...(mode !== undefined && { mode }) };
    }
    out.push(v);
  });
  return out;
}

function normaliseHealthcheck(ctx: NormaliseContext, path: Path, hc: RawService['healthcheck']): Healthcheck | undefined {
  if (!hc) return undefined;
  const out: Healthcheck = {};
  if (hc.test !== undefined) {
    out.test = typeof hc.test === 'string' ? ['CMD-SHELL', hc.test] : hc.test;
    if (out.test.length === 0 || !['NONE', 'CMD', 'CMD-SHELL'].includes(out.test[0]!)) {
      ctx.report([...path, 'test'], 'a healthcheck test list must start with "CMD", "CMD-SHELL" or "NONE"', 'For example ["CMD", "redis-cli", "ping"], or a string for a shell command.');
    } else if (out.test[0] !== 'NONE' && out.test.length < 2) {
      ctx.report([...path, 'test'], `healthcheck test "${out.test[0]}" needs a command after it`);
    }
  }
  for (const key of ['interval', 'timeout', 'start_period', 'start_interval'] as const) {
    const d = duration(ctx, [...path, key], hc[key]);
    if (d !== undefined) out[key] = d;
  }
  if (hc.retries !== undefined) out.retries = hc.retries;
  if (hc.disable !== undefined) out.disable = hc.disable;
  if (out.test?.[0] === 'NONE') out.disable = true;
  return out;
}

function normaliseBuild(ctx: NormaliseContext, path: Path, build: RawService['build']): BuildConfig | undefined {
  if (build === undefined) return undefined;
  if (typeof build === 'string') return { context: isRemoteContext(build) ? build : resolvePath(ctx, build) };
  // Defaults (context ".", dockerfile "Dockerfile") are filled in after merging (withBuildDefaults),
  // so that an override setting only build.args keeps the base's context and dockerfile.
  const { context, args, labels, additional_contexts, shm_size, extra_hosts, ssh, secrets, ...rest } = build;
  const out = { ...rest } as BuildConfig;
  if (context !== undefined) out.context = isRemoteContext(context) ? context : resolvePath(ctx, context);
  if (build.dockerfile && build.dockerfile_inline) ctx.report([...path, 'dockerfile'], 'use either "dockerfile" or "dockerfile_inline", not both');
  const argMap = toMap(args, (key) => ctx.lookup(key) ?? null);
  if (argMap) out.args = argMap;
  const labelMap = toStringMap(labels);
  if (labelMap) out.labels = labelMap;
  const extra = toStringMap(additional_contexts);
  if (extra) {
    out.additional_contexts = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, /^(service:|docker-image:\/\/|oci-layout:\/\/)/.test(v) || isRemoteContext(v) ? v : resolvePath(ctx, v)]));
  }
  const shm = bytes(ctx, [...path, 'shm_size'], shm_size);
  if (shm !== undefined) out.shm_size = shm;
  if (extra_hosts) out.extra_hosts = normaliseExtraHosts(extra_hosts);
  if (ssh) out.ssh = Object.entries(toMap(ssh, () => null)!).map(([k, v]) => (v === null ? k : `${k}=${v}`));
  if (secrets) out.secrets = secrets.map((s, i) => (typeof s === 'string' ? { source: s } : { ...s, mode: fileMode(ctx, [...path, 'secrets', i, 'mode'], s.mode) } as FileReference));
  return out;
}

/** Compose's build defaults, applied once all files are merged: context ".", dockerfile "Dockerfile". */
export function withBuildDefaults(build: BuildConfig, projectDir: string): BuildConfig {
  const out = { ...build, context: build.context ?? projectDir };
  if (!out.dockerfile && !out.dockerfile_inline) out.dockerfile = 'Dockerfile';
  if (out.dockerfile && out.dockerfile_inline) delete out.dockerfile;
  return out;
}

/** A file mode: numbers as written, strings as octal ("0440"). */
function fileMode(ctx: NormaliseContext, path: Path, mode: string | number | undefined): number | undefined {
  if (mode === undefined || typeof mode === 'number') return mode;
  if (!/^[0-7]+$/.test(mode.trim())) {
    ctx.report(path, `invalid file mode "${mode}"`, 'Use an octal number such as "0440".');
    return undefined;
  }
  return parseInt(mode, 8);
}

function normaliseExtraHosts(hosts: Record<string, string | string[]> | string[]): string[] {
  if (Array.isArray(hosts)) return hosts.map((h) => (h.includes('=') ? h : h.replace(':', '=')));
  return Object.entries(hosts).flatMap(([host, ip]) => (Array.isArray(ip) ? ip : [ip]).map((i) => `${host}=${i}`));
}

function normaliseDependsOn(deps: RawService['depends_on']): Record<string, DependsOn> | undefined {
  if (!deps) return undefined;
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, { condition: 'service_started', required: true, restart: false }]));
  return Object.fromEntries(Object.entries(deps).map(([name, d]) => [name, { condition: d.condition, required: d.required ?? true, restart: d.restart ?? false }]));
}

function normaliseWatch(ctx: NormaliseContext, path: Path, develop: RawService['develop']): Service['develop'] {
  if (!develop) return undefined;
  if (!develop.watch) return {};
  const watch: WatchRule[] = develop.watch.map((rule, i) => {
    const out: WatchRule = { path: resolvePath(ctx, rule.path), action: rule.action };
    if (rule.target !== undefined) out.target = rule.target;
    if (rule.action.startsWith('sync') && rule.target === undefined) ctx.report([...path, 'watch', i], `watch action "${rule.action}" needs "target" (where files go in the container)`);
    if (rule.action === 'sync+exec' && !rule.exec) ctx.report([...path, 'watch', i], 'watch action "sync+exec" needs "exec" (the command to run after syncing)');
    if (rule.ignore !== undefined) out.ignore = typeof rule.ignore === 'string' ? [rule.ignore] : rule.ignore;
    if (rule.include !== undefined) out.include = typeof rule.include === 'string' ? [rule.include] : rule.include;
    if (rule.initial_sync !== undefined) out.initial_sync = rule.initial_sync;
    if (rule.exec) {
      const { command, environment, ...rest } = rule.exec;
      out.exec = { ...rest, command: words(ctx, [...path, 'watch', i, 'exec', 'command'], command) ?? [] };
      const env = toMap(environment, (k) => ctx.lookup(k) ?? null);
      if (env) out.exec.environment = env;
    }
    return out;
  });
  return { watch };
}

const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;
const PULL_POLICY = /^(always|never|missing|build|if_not_present|daily|weekly|every_\w+)$/;
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

function list(value: string | string[] | undefined): string[] | undefined {
  return value === undefined ? undefined : typeof value === 'string' ? [value] : value;
}

/** Normalises a service; `path` is `['services', name]`. */
export function normaliseService(ctx: NormaliseContext, path: Path, raw: RawService): Service {
  const {
    build, command, entrypoint, environment, env_file, ports, expose, volumes, depends_on, healthcheck, deploy, develop,
    labels, annotations, networks, secrets, configs, extra_hosts, tmpfs, dns, dns_search, sysctls, mem_limit, mem_reservation,
    memswap_limit, shm_size, user, stop_grace_period, ...rest
  } = raw;
  const s: Service = { ...(rest as Omit<RawService, 'extends'>) } as Service;
  const at = (key: string): Path => [...path, key];
  const set = <K extends keyof Service>(key: K, value: Service[K] | undefined) => {
    if (value !== undefined) s[key] = value;
  };
  set('build', normaliseBuild(ctx, at('build'), build));
  set('command', words(ctx, at('command'), command));
  set('entrypoint', words(ctx, at('entrypoint'), entrypoint));
  set('environment', toMap(environment, (key) => ctx.lookup(key) ?? null));
  if (env_file !== undefined) {
    s.env_file = (typeof env_file === 'string' ? [env_file] : env_file).map((f) =>
      typeof f === 'string' ? { path: resolvePath(ctx, f), required: true } : { path: resolvePath(ctx, f.path), required: f.required ?? true, ...(f.format && { format: f.format }) },
    );
  }
  set('ports', normalisePorts(ctx, at('ports'), ports));
  set('expose', expose?.map(String));
  set('volumes', normaliseVolumes(ctx, at('volumes'), volumes));
  set('depends_on', normaliseDependsOn(depends_on));
  set('healthcheck', normaliseHealthcheck(ctx, at('healthcheck'), healthcheck));
  if (deploy) {
    const { resources, labels: deployLabels, restart_policy, ...deployRest } = deploy;
    const spec = (r: { cpus?: number | string; memory?: string | number } | undefined, key: string) => {
      if (!r) return undefined;
      const { cpus, memory, ...other } = r as Record<string, unknown> & { cpus?: number | string; memory?: string | number };
      const out: Record<string, unknown> = { ...other };
      if (cpus !== undefined) {
        const n = typeof cpus === 'string' && cpus.trim() === '' ? NaN : Number(cpus);
        if (!Number.isFinite(n) || n < 0) ctx.report([...path, 'deploy', 'resources', key, 'cpus'], `invalid cpus "${cpus}"`, 'Use a number of CPUs such as 0.5 or "1.5".');
        else out.cpus = n;
      }
      const mem = bytes(ctx, [...path, 'deploy', 'resources', key, 'memory'], memory);
      if (mem !== undefined) out.memory = mem;
      return out;
    };
    const limits = spec(resources?.limits, 'limits');
    const reservations = spec(resources?.reservations, 'reservations');
    s.deploy = { ...deployRest };
    if (resources) s.deploy.resources = { ...(limits && { limits }), ...(reservations && { reservations }) };
    if (restart_policy) {
      const { delay, window, ...rp } = restart_policy;
      s.deploy.restart_policy = { ...rp };
      const d = duration(ctx, [...path, 'deploy', 'restart_policy', 'delay'], delay);
      if (d) s.deploy.restart_policy.delay = d;
      const w = duration(ctx, [...path, 'deploy', 'restart_policy', 'window'], window);
      if (w) s.deploy.restart_policy.window = w;
    }
    const dl = toStringMap(deployLabels);
    if (dl) s.deploy.labels = dl;
  }
  set('develop', normaliseWatch(ctx, at('develop'), develop));
  set('labels', toStringMap(labels));
  set('annotations', toStringMap(annotations));
  if (networks !== undefined) s.networks = Array.isArray(networks) ? Object.fromEntries(networks.map((n) => [n, null])) : networks;
  const refs = (items: RawService['secrets'], key: string) =>
    items?.map((r, i) => {
      if (typeof r === 'string') return { source: r };
      const { mode: written, ...ref } = r;
      const mode = fileMode(ctx, [...path, key, i, 'mode'], written);
      return { ...ref, ...(r.uid !== undefined && { uid: String(r.uid) }), ...(r.gid !== undefined && { gid: String(r.gid) }), ...(mode !== undefined && { mode }) } as FileReference;
    });
  set('secrets', refs(secrets, 'secrets'));
  set('configs', refs(configs, 'configs'));
  set('extra_hosts', extra_hosts && normaliseExtraHosts(extra_hosts));
  set('tmpfs', list(tmpfs));
  set('dns', list(dns));
  set('dns_search', list(dns_search));
  set('sysctls', toStringMap(sysctls));
  set('mem_limit', bytes(ctx, at('mem_limit'), mem_limit));
  set('mem_reservation', bytes(ctx, at('mem_reservation'), mem_reservation));
  set('memswap_limit', bytes(ctx, at('memswap_limit'), memswap_limit));
  set('shm_size', bytes(ctx, at('shm_size'), shm_size));
  set('user', user === undefined ? undefined : String(user));
  set('stop_grace_period', duration(ctx, at('stop_grace_period'), stop_grace_period));

  if (s.restart !== undefined && !RESTART.test(s.restart)) ctx.report(at('restart'), `invalid restart policy "${s.restart}"`, 'Use no, always, on-failure[:max-retries] or unless-stopped.');
  if (s.pull_policy !== undefined) {
    if (!PULL_POLICY.test(s.pull_policy)) ctx.report(at('pull_policy'), `invalid pull_policy "${s.pull_policy}"`, 'Use always, never, missing, build, daily, weekly or every_<duration>.');
    else if (s.pull_policy === 'if_not_present') s.pull_policy = 'missing';
  }
  if (s.container_name !== undefined && !NAME.test(s.container_name)) ctx.report(at('container_name'), `invalid container_name "${s.container_name}"`, 'Use letters, digits, "_", "." and "-", starting with a letter or digit.');
  s.profiles?.forEach((p, i) => {
    if (!NAME.test(p)) ctx.report([...path, 'profiles', i], `invalid profile name "${p}"`, 'Use letters, digits, "_", "." and "-", starting with a letter or digit.');
  });
  for (const key of Object.keys(s.labels ?? {})) {
    if (key.startsWith('com.docker.compose')) ctx.report([...path, 'labels', key], `label "${key}" uses the reserved prefix com.docker.compose`, 'Choose another label name.');
  }
  return s;
}
