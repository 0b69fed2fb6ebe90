/**
 * The terminal UI's screen state, folded from the domain's events (src/events.ts). `applyEvent`
 * is the reducer; it updates the model in place, because at 1,000+ log lines
 * a second copying the state (or its log buffers) per event would cost more than drawing it. The
 * components read the model only when a (throttled) frame is drawn. Pure: no I/O, time passed in.
 */
import type { DevspaceEvent } from '../../events.js';
import { RingBuffer } from './ring-buffer.js';

/** What a service is doing now: a container state, or an activity that overrides it while it runs. */
export type DisplayState =
  | 'waiting'
  | 'pulling'
  | 'building'
  | 'build failed'
  | 'pushing'
  | 'created'
  | 'starting'
  | 'running'
  | 'healthy'
  | 'unhealthy'
  | 'exited'
  | 'restarting'
  | 'syncing'
  | 'stopped'
  | 'removed'
  | 'deploying';

export interface LogEntry {
  seq: number;
  /** '' for devspace's own lines (messages, resources). */
  service: string;
  /** Container label: the service, or service-N for a replica. */
  label: string;
  text: string;
  kind: 'out' | 'err' | 'info' | 'warn' | 'error';
  at: number;
}

export interface Progress {
  kind: 'build' | 'pull' | 'push';
  image: string;
  startedAt: number;
  step?: { index: number; total: number; text: string };
  /** Layer id → bytes done/total and the engine's status text. */
  layers: Map<string, { status: string; current?: number; total?: number }>;
  /** Last lines of build output (for the failure view). */
  tail: string[];
  /** One-line summary once done (collapsed view). */
  done?: string;
  failed?: { step?: string; message: string; tail: string[] };
  note?: string;
}

export interface ClusterStatus {
  state: 'progressing' | 'ready' | 'failed' | 'rolled-back' | 'loading';
  ready: number;
  desired: number;
  message: string;
}

export interface ServiceView {
  name: string;
  image: string;
  dependsOn: string[];
  urls: string[];
  /** Container name → last reported state. */
  containers: Map<string, { state: string; exitCode?: number }>;
  activity?: { state: DisplayState; until?: number };
  base: DisplayState;
  exitCode?: number;
  changedAt: number;
  progress?: Progress;
  lastError?: { text: string; at: number };
  cluster?: ClusterStatus;
  logs: RingBuffer<LogEntry>;
}

export interface Model {
  services: ServiceView[];
  byName: Map<string, ServiceView>;
  /** Every service's lines and devspace's own, interleaved in arrival order. */
  logs: RingBuffer<LogEntry>;
  watching: boolean;
  /** The latest devspace message (status line). */
  status?: { text: string; level: 'info' | 'warn' | 'error'; at: number };
  seq: number;
  /** Log labels by service and container (see labelOf). */
  labels: Map<string, string>;
}

export interface ServiceInfo {
  name: string;
  image?: string;
  dependsOn?: string[];
  urls?: string[];
}

export const SERVICE_SCROLLBACK = 1_000;
export const ALL_SCROLLBACK = 10_000;
/** How long "syncing" shows after a sync (the watch stage reports syncs when done, not when started). */
export const FLASH_MS = 1_500;
const TAIL = 12;
const ERROR_LINE = /\b(error|fatal|panic|exception|traceback|failed)\b/i;

export function createModel(services: ServiceInfo[], now: number): Model {
  const model: Model = { services: [], byName: new Map(), logs: new RingBuffer(ALL_SCROLLBACK), watching: false, seq: 0, labels: new Map() };
  for (const s of services) serviceOf(model, s.name, now, s);
  return model;
}

function serviceOf(model: Model, name: string, now: number, info?: ServiceInfo): ServiceView {
  let view = model.byName.get(name);
  if (!view) {
    view = { name, image: info?.image ?? '', dependsOn: info?.dependsOn ?? [], urls: info?.urls ?? [], containers: new Map(), base: 'waiting', changedAt: now, logs: new RingBuffer(SERVICE_SCROLLBACK) };
    model.byName.set(name, view);
    model.services.push(view);
  }
  return view;
}

/** Updates what event-less knowledge adds: published URLs once containers exist, images. */
export function setServiceInfo(model: Model, info: ServiceInfo, now: number): void {
  const view = serviceOf(model, info.name, now, info);
  if (info.urls) view.urls = info.urls;
  if (info.image) view.image = info.image;
  if (info.dependsOn) view.dependsOn = info.dependsOn;
}

/** The state a person should read for the service at `now`. */
export function displayState(view: ServiceView, now: number): DisplayState {
  if (view.activity && (view.activity.until === undefined || view.activity.until > now)) return view.activity.state;
  return view.base;
}

// Worst first: one unhealthy replica makes the service unhealthy.
const RANK = ['exited!', 'unhealthy', 'restarting', 'created', 'starting', 'running', 'exited', 'healthy', 'removed'];

function aggregate(view: ServiceView): void {
  let worst: { state: string; exitCode?: number } | undefined;
  let worstRank = Infinity;
  for (const c of view.containers.values()) {
    const key = c.state === 'exited' && c.exitCode !== undefined && c.exitCode !== 0 ? 'exited!' : c.state;
    const rank = RANK.indexOf(key);
    if (rank < worstRank) [worst, worstRank] = [c, rank];
  }
  if (!worst) return;
  view.base = worst.state as DisplayState;
  view.exitCode = worst.state === 'exited' ? worst.exitCode : undefined;
}

// Called for every log line (30,000 a second in bench/tui.mjs): one object of one shape, kept by both buffers.
function log(model: Model, service: string, label: string, text: string, kind: LogEntry['kind'], at: number): void {
  const entry: LogEntry = { seq: ++model.seq, service, label, text, kind, at };
  model.logs.push(entry);
  if (service) model.byName.get(service)?.logs.push(entry);
}

function say(model: Model, service: string, text: string, kind: LogEntry['kind'], now: number): void {
  log(model, service, service, text, kind, now);
}

/** A container's log label: the service, or service-N for the second replica and later; computed once per container. */
function labelOf(model: Model, service: string, container: string): string {
  const key = `${service}\0${container}`;
  let label = model.labels.get(key);
  if (label === undefined) {
    const at = container.lastIndexOf(`${service}-`);
    label = at >= 0 && /^\d+$/.test(container.slice(at + service.length + 1)) && !container.endsWith('-1') ? container.slice(at) : service;
    if (model.labels.size >= 10_000) model.labels.clear();
    model.labels.set(key, label);
  }
  return label;
}

function pushTail(tail: string[], line: string): void {
  tail.push(line);
  if (tail.length > TAIL) tail.splice(0, tail.length - TAIL);
}

/**
 * A container's line as one row: tabs expanded, carriage returns and escape sequences other than
 * colours (cursor moves, screen clears, titles) removed, since they would move Ink's cursor.
 */
export function clean(line: string): string {
  if (!/[\x00-\x1f\x7f]/.test(line)) return line;
  return line
    .replace(/\x1b\[[0-9;?]*[A-Za-ln-z@`]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[^[\]]/g, '')
    .replace(/\t/g, '    ')
    .replace(/[\x00-\x08\x0a-\x1a\x1c-\x1f\x7f]/g, '');
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function applyEvent(model: Model, event: DevspaceEvent, now: number): void {
  const touch = (view: ServiceView) => (view.changedAt = now);
  switch (event.type) {
    case 'build-start':
    case 'pull-start':
    case 'push-start': {
      const view = serviceOf(model, event.service, now);
      const kind = event.type === 'build-start' ? 'build' : event.type === 'pull-start' ? 'pull' : 'push';
      view.progress = { kind, image: event.image, startedAt: now, layers: new Map(), tail: [] };
      if (kind !== 'push') view.image = event.image;
      view.activity = { state: kind === 'build' ? 'building' : kind === 'pull' ? 'pulling' : 'pushing' };
      touch(view);
      return;
    }
    case 'build-step': {
      const view = serviceOf(model, event.service, now);
      const m = /^Step (\d+)\/(\d+) : (.*)$/s.exec(event.step);
      if (view.progress) {
        view.progress.step = m ? { index: Number(m[1]), total: Number(m[2]), text: m[3]! } : { index: (view.progress.step?.index ?? 0) + 1, total: 0, text: event.step };
        pushTail(view.progress.tail, event.step);
      }
      return;
    }
    case 'build-output': {
      const progress = model.byName.get(event.service)?.progress;
      if (progress) pushTail(progress.tail, event.line);
      return;
    }
    case 'build-cached':
    case 'build-done': {
      const view = serviceOf(model, event.service, now);
      view.image = event.image;
      const progress: Progress = view.progress ?? { kind: 'build', image: event.image, startedAt: now, layers: new Map(), tail: [] };
      progress.done =
        event.type === 'build-done' ? `built ${event.image} in ${seconds(event.durationMs)}` : event.imageId === undefined ? `${event.image} up to date, no build` : `${event.image}: earlier image tagged again, no build`;
      view.progress = progress;
      view.activity = undefined;
      touch(view);
      return;
    }
    case 'build-failed': {
      const view = serviceOf(model, event.service, now);
      const progress: Progress = view.progress ?? { kind: 'build', image: view.image, startedAt: now, layers: new Map(), tail: [] };
      progress.failed = { ...(event.step ? { step: event.step } : {}), message: event.message, tail: event.tail.length > 0 ? event.tail.slice(-TAIL) : progress.tail };
      view.progress = progress;
      view.activity = undefined;
      view.base = 'build failed';
      view.lastError = { text: `build failed${event.step ? ` at ${event.step}` : ''}: ${event.message}`, at: now };
      say(model, event.service, view.lastError.text, 'error', now);
      touch(view);
      return;
    }
    case 'pull-progress':
    case 'push-progress': {
      const progress = model.byName.get(event.service)?.progress;
      if (progress) progress.layers.set(event.layer, { status: event.status, ...(event.current !== undefined ? { current: event.current } : {}), ...(event.total !== undefined ? { total: event.total } : {}) });
      return;
    }
    case 'pull-done': {
      const view = serviceOf(model, event.service, now);
      if (view.progress) view.progress.done = `pulled ${event.image}`;
      view.activity = undefined;
      touch(view);
      return;
    }
    case 'push-retry': {
      const view = serviceOf(model, event.service, now);
      if (view.progress) view.progress.note = `retry ${event.attempt + 1} in ${seconds(event.delayMs)}: ${event.message}`;
      say(model, event.service, `push failed (${event.message}); retrying in ${seconds(event.delayMs)}`, 'warn', now);
      return;
    }
    case 'push-done': {
      const view = serviceOf(model, event.service, now);
      const progress: Progress = view.progress ?? { kind: 'push', image: event.image, startedAt: now, layers: new Map(), tail: [] };
      progress.done = event.skipped ? `${event.image} already in the registry` : `pushed ${event.image} in ${seconds(event.durationMs)}`;
      view.progress = progress;
      view.activity = undefined;
      touch(view);
      return;
    }
    case 'resource':
      return say(model, '', `${event.kind} ${event.name} ${event.action}`, 'info', now);
    case 'container': {
      const view = serviceOf(model, event.service, now);
      const verb = { create: 'created', recreate: 'recreated', start: 'started', stop: 'stopped', remove: 'removed', 'scale-down': 'removed', orphan: 'is an orphan', keep: 'is up to date' }[event.action];
      // "is up to date (up to date)" says nothing twice.
      const cause = event.cause && event.cause !== 'down' && !verb.includes(event.cause) ? ` (${event.cause})` : '';
      say(model, event.service, `${event.name} ${verb}${cause}`, 'info', now);
      if (event.action === 'stop') {
        view.containers.set(event.name, { state: 'stopped' });
        view.base = 'stopped';
        touch(view);
      } else if (event.action === 'remove' || event.action === 'scale-down') {
        view.containers.delete(event.name);
        if (view.containers.size === 0) view.base = 'removed';
        touch(view);
      }
      return;
    }
    case 'service-state': {
      const view = serviceOf(model, event.service, now);
      const before = `${displayState(view, now)}:${view.exitCode ?? ''}`;
      if (event.state === 'removed') view.containers.delete(event.container);
      else view.containers.set(event.container, { state: event.state, ...(event.exitCode !== undefined ? { exitCode: event.exitCode } : {}) });
      aggregate(view);
      if (event.state === 'unhealthy' || (event.state === 'exited' && event.exitCode !== undefined && event.exitCode !== 0)) {
        view.lastError = { text: `${event.container} ${event.state}${event.exitCode !== undefined ? ` with code ${event.exitCode}` : ''}${event.detail ? `: ${event.detail}` : ''}`, at: now };
      }
      if (`${displayState(view, now)}:${view.exitCode ?? ''}` !== before) touch(view);
      return;
    }
    case 'log': {
      const view = serviceOf(model, event.service, now);
      const text = clean(event.line);
      log(model, event.service, labelOf(model, event.service, event.container), text, event.stream === 'stderr' ? 'err' : 'out', now);
      if (ERROR_LINE.test(text) && (event.stream === 'stderr' || /\b(error|fatal|panic)\b/i.test(text))) view.lastError = { text, at: now };
      return;
    }
    case 'watching':
      model.watching = true;
      model.status = { text: `watching ${event.services.join(', ')} (${event.paths} path${event.paths === 1 ? '' : 's'}${event.poll ? ', polling' : ''})`, level: 'info', at: now };
      return;
    case 'watch': {
      const took = event.durationMs < 1000 ? `${Math.round(event.durationMs)} ms` : seconds(event.durationMs);
      const text = { synced: `${event.files ?? 0} file(s) synced${event.deleted ? `, ${event.deleted} deleted` : ''}`, rebuilt: 'rebuilt and restarted', unchanged: 'rebuild not needed (inputs unchanged)', restarted: 'restarted', exec: `ran "${event.command}" (exit code ${event.exitCode})`, reloaded: 'compose file changed: project reloaded' }[event.action];
      if (!event.service) {
        model.status = { text: `${text} (${took})`, level: 'info', at: now };
        return say(model, '', `${text} (${took})`, 'info', now);
      }
      const view = serviceOf(model, event.service, now);
      if (event.action === 'synced' || event.action === 'exec') view.activity = { state: 'syncing', until: now + FLASH_MS };
      touch(view);
      return say(model, event.service, `${text} (${took})`, event.action === 'exec' && event.exitCode !== 0 ? 'error' : 'info', now);
    }
    case 'watch-failed': {
      const text = `${event.action} failed: ${event.message} — ${event.next}`;
      if (event.service) {
        const view = serviceOf(model, event.service, now);
        view.lastError = { text, at: now };
        view.activity = undefined;
      }
      model.status = { text, level: 'error', at: now };
      return say(model, event.service ?? '', text, 'error', now);
    }
    case 'k8s-object':
      return say(model, '', `${event.kind}/${event.name}${event.namespace ? ` in ${event.namespace}` : ''} ${event.action}`, event.action === 'conflict' ? 'warn' : 'info', now);
    case 'image-load': {
      const view = serviceOf(model, event.service, now);
      view.cluster = { state: 'loading', ready: view.cluster?.ready ?? 0, desired: view.cluster?.desired ?? 0, message: event.skipped ? 'image already on the nodes' : `image loaded in ${seconds(event.durationMs)}` };
      view.activity = { state: 'deploying' };
      touch(view);
      return say(model, event.service, event.skipped ? `${event.image} is already on ${event.nodes.join(', ') || 'the nodes'}` : `loaded ${event.image} into ${event.nodes.join(', ')} in ${seconds(event.durationMs)}`, 'info', now);
    }
    case 'rollout': {
      const view = serviceOf(model, event.service, now);
      const reason = event.reason && !event.message.includes(event.reason) ? `${event.reason}: ` : '';
      view.cluster = { state: event.state, ready: event.ready, desired: event.desired, message: `${reason}${event.message}` };
      // Done deploying: back to the local state; a build or sync that runs meanwhile keeps showing.
      const busy = view.activity && ['building', 'pulling', 'pushing'].includes(view.activity.state) ? view.activity : undefined;
      view.activity = busy ?? (event.state === 'progressing' ? { state: 'deploying' } : undefined);
      // The deploy stage reports a rollout only when something changed: each report is a line, so the log says why it waits.
      const state = event.state === 'progressing' ? 'rolling out' : event.state;
      say(model, event.service, `${event.workload} ${state} (${event.ready}/${event.desired} ready, ${event.updated} updated, ${event.available} available): ${reason}${event.message}`, event.state === 'failed' ? 'error' : event.state === 'rolled-back' ? 'warn' : 'info', now);
      if (event.state === 'failed' || event.state === 'rolled-back') {
        view.lastError = { text: `rollout ${event.state}: ${reason}${event.message}`, at: now };
        for (const line of event.logs ?? []) say(model, event.service, line, 'err', now);
      }
      touch(view);
      return;
    }
    case 'message':
      model.status = { text: event.text, level: event.level, at: now };
      return say(model, '', event.text, event.level, now);
  }
}
