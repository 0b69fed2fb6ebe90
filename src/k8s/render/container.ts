/**
 * The service's container: image, entrypoint/command, working_dir, ports, environment, resources,
 * probes, security settings and mounts. Compose's entrypoint is Kubernetes' command and compose's
 * command is Kubernetes' args — the names cross over.
 */
import { parseDuration } from '../../compose/units.js';
import type { RenderContext, ServiceContext } from './context.js';
import type { EnvPart } from './env.js';
import type { ServicePort } from './network.js';
import { probes } from './probes.js';
import { cpuQuantity, cpuSetting, memoryQuantity, memorySetting, seconds } from './quantities.js';
import type { StoragePart } from './storage.js';

type Obj = Record<string, unknown>;

export function container(ctx: RenderContext, svc: ServiceContext, ports: ServicePort[], env: EnvPart, storage: StoragePart): Obj {
  const { spec } = svc;
  const out: Obj = { name: svc.name, image: svc.image, imagePullPolicy: pullPolicy(ctx, svc) };
  if (spec.entrypoint && spec.entrypoint.length > 0) out.command = spec.entrypoint;
  else if (spec.entrypoint) ctx.note(svc.service, 'entrypoint', 'an empty entrypoint cannot clear the image\'s ENTRYPOINT on Kubernetes (an empty command means the image\'s); set the command you want instead');
  if (spec.command) out.args = spec.command;
  if (spec.working_dir !== undefined) out.workingDir = spec.working_dir;
  if (ports.length > 0) out.ports = ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol }));
  if (env.envFrom.length > 0) out.envFrom = env.envFrom;
  const res = resources(ctx, svc);
  if (res) out.resources = res;
  Object.assign(out, probes(ctx, svc, ports[0]?.port));
  const lifecycle = hooks(ctx, svc);
  if (lifecycle) out.lifecycle = lifecycle;
  const security = securityContext(ctx, svc);
  if (security) out.securityContext = security;
  if (storage.volumeMounts.length > 0) out.volumeMounts = storage.volumeMounts;
  if (spec.stdin_open) out.stdin = true;
  if (spec.tty) out.tty = true;
  return out;
}

/**
 * pull_policy when the compose file sets one; otherwise IfNotPresent for a digest or a fixed tag
 * (the image cannot change under it) and Always for `latest` or no tag, as Kubernetes would.
 */
function pullPolicy(ctx: RenderContext, svc: ServiceContext): string {
  const explicit = svc.spec.pull_policy;
  if (explicit === 'always') return 'Always';
  if (explicit === 'never') return 'Never';
  if (explicit === 'missing' || explicit === 'build') return 'IfNotPresent';
  if (explicit !== undefined) ctx.note(svc.service, 'pull_policy', `"${explicit}" has no Kubernetes equivalent; the default pull policy for the image is used`);
  const image = svc.image;
  if (image.includes('@')) return 'IfNotPresent';
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const tag = colon > slash ? image.slice(colon + 1) : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function resources(ctx: RenderContext, svc: ServiceContext): Obj | undefined {
  const { spec, overlay } = svc;
  const deploy = spec.deploy?.resources;
  const o = overlay.resources;
  // The environment overlay wins; its values may be Kubernetes quantities already (250m, 512Mi).
  const cpu = (over: number | string | undefined, base: number | undefined) => (over !== undefined ? cpuSetting(over) : base !== undefined ? cpuQuantity(base) : undefined);
  const memory = (over: number | string | undefined, base: number | undefined) => (over !== undefined ? memorySetting(over) : base !== undefined ? memoryQuantity(base) : undefined);
  const limits = defined({ cpu: cpu(o?.limits?.cpus, deploy?.limits?.cpus ?? spec.cpus), memory: memory(o?.limits?.memory, deploy?.limits?.memory ?? spec.mem_limit) });
  const requests = defined({ cpu: cpu(o?.reservations?.cpus, deploy?.reservations?.cpus), memory: memory(o?.reservations?.memory, deploy?.reservations?.memory ?? spec.mem_reservation) });
  for (const side of ['limits', 'reservations'] as const) {
    const r = deploy?.[side];
    for (const key of ['pids', 'devices', 'generic_resources'] as const) {
      if (r?.[key] !== undefined) ctx.note(svc.service, `deploy.resources.${side}.${key}`, 'not applicable: Kubernetes containers take cpu and memory here; devices need a device plugin resource');
    }
  }
  if (Object.keys(limits).length === 0 && Object.keys(requests).length === 0) return undefined;
  return { ...(Object.keys(requests).length > 0 && { requests }), ...(Object.keys(limits).length > 0 && { limits }) };
}

function defined(map: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).filter((e): e is [string, string] => e[1] !== undefined));
}

function securityContext(ctx: RenderContext, svc: ServiceContext): Obj | undefined {
  const { spec } = svc;
  const out: Obj = {};
  if (spec.user !== undefined) {
    const [user, group] = spec.user.split(':');
    if (/^[0-9]+$/.test(user ?? '')) out.runAsUser = Number(user);
    else ctx.note(svc.service, 'user', `"${spec.user}": Kubernetes runs as a numeric user id; use "1000" or "1000:1000" (the image's USER applies meanwhile)`);
    if (group !== undefined) {
      if (/^[0-9]+$/.test(group)) out.runAsGroup = Number(group);
      else ctx.note(svc.service, 'user', `group "${group}": Kubernetes needs a numeric group id`);
    }
  }
  const caps = (list: string[] | undefined) => list?.map((c) => c.replace(/^CAP_/i, '').toUpperCase());
  const add = caps(spec.cap_add);
  const drop = caps(spec.cap_drop);
  if (add || drop) out.capabilities = { ...(add && { add }), ...(drop && { drop }) };
  if (spec.privileged) out.privileged = true;
  if (spec.read_only) out.readOnlyRootFilesystem = true;
  for (const opt of spec.security_opt ?? []) {
    if (/^no-new-privileges(:true|=true)?$/.test(opt)) out.allowPrivilegeEscalation = false;
    else ctx.note(svc.service, 'security_opt', `"${opt}" not carried over: use the pod's securityContext (seccompProfile, appArmorProfile, seLinuxOptions) by hand`);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** post_start / pre_stop → lifecycle exec handlers; Kubernetes allows one command each. */
function hooks(ctx: RenderContext, svc: ServiceContext): Obj | undefined {
  const out: Obj = {};
  for (const [key, field] of [['post_start', 'postStart'], ['pre_stop', 'preStop']] as const) {
    const list = svc.spec[key];
    if (!list || list.length === 0) continue;
    const commands = list.map((h) => (typeof h.command === 'string' ? ['/bin/sh', '-c', h.command] : h.command));
    out[field] = { exec: { command: commands.length === 1 ? commands[0] : ['/bin/sh', '-c', commands.map((c) => c.map(shellQuote).join(' ')).join(' && ')] } };
    list.forEach((h, i) => {
      for (const k of ['user', 'privileged', 'working_dir', 'environment'] as const) {
        if (h[k] !== undefined) ctx.note(svc.service, `${key}[${i}].${k}`, 'not applicable: lifecycle hooks run in the container as it is');
      }
    });
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** One word for a POSIX shell: as it is when safe, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=:-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** stop_grace_period → terminationGracePeriodSeconds. */
export function gracePeriod(svc: ServiceContext): number | undefined {
  const d = svc.spec.stop_grace_period;
  if (d === undefined) return undefined;
  const ms = parseDuration(d);
  return ms === undefined ? undefined : seconds(ms, 0);
}
