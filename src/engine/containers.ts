/**
 * Narrow wrappers over dockerode for containers, networks and volumes: only the calls the run
 * stage makes, with the engine's "already done" answers (304 not modified, 404 gone, 409 in
 * progress) turned into no-ops where that is what the caller means.
 */
import type Docker from 'dockerode';
import { statusOf } from './engine-error.js';
import { splitLogLines, logLines, type LogStream } from './log-lines.js';

async function ignoring<T>(codes: number[], call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (codes.includes(statusOf(error) ?? 0)) return undefined;
    throw error;
  }
}

export interface ContainerState {
  id: string;
  name: string;
  /** created, running, paused, restarting, removing, exited, dead */
  status: string;
  running: boolean;
  restarting: boolean;
  exitCode: number;
  /** starting, healthy, unhealthy; undefined when the container has no healthcheck. */
  health?: string;
  /** Output of the last failed health probe, if any. */
  lastProbe?: string;
  tty: boolean;
  restartPolicy: string;
  oomKilled: boolean;
  error?: string;
  /** When the engine last started it (ms since the epoch, by the engine's clock). */
  startedAt?: number;
}

export async function inspectContainer(docker: Docker, id: string): Promise<ContainerState | undefined> {
  const info = await ignoring([404], () => docker.getContainer(id).inspect());
  if (!info) return undefined;
  const health = info.State.Health;
  const probes = health?.Log ?? [];
  const last = probes[probes.length - 1];
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    status: info.State.Status,
    running: info.State.Running,
    restarting: info.State.Restarting,
    exitCode: info.State.ExitCode,
    ...(health?.Status && health.Status !== 'none' ? { health: health.Status } : {}),
    ...(last && last.ExitCode !== 0 ? { lastProbe: last.Output.trim() } : {}),
    tty: info.Config.Tty,
    restartPolicy: info.HostConfig.RestartPolicy?.Name ?? '',
    oomKilled: info.State.OOMKilled,
    ...(info.State.Error ? { error: info.State.Error } : {}),
    ...(info.State.StartedAt && !info.State.StartedAt.startsWith('0001') ? { startedAt: Date.parse(info.State.StartedAt) } : {}),
  };
}

export async function createContainer(docker: Docker, name: string, body: Docker.ContainerCreateOptions, platform?: string): Promise<string> {
  // docker-modem sends a plain options object as the body AND the query string (the whole
  // environment would land in the URL); _query/_body keep them apart.
  const options = { _query: { name, ...(platform ? { platform } : {}) }, _body: body };
  const container = await docker.createContainer(options as unknown as Docker.ContainerCreateOptions);
  return container.id;
}

export async function connectNetwork(docker: Docker, network: string, containerId: string, endpoint: Docker.EndpointSettings): Promise<void> {
  await docker.getNetwork(network).connect({ Container: containerId, EndpointConfig: endpoint });
}

export async function startContainer(docker: Docker, id: string): Promise<void> {
  await ignoring([304], () => docker.getContainer(id).start());
}

/** Stops gracefully: the engine sends the stop signal and kills after the timeout (the container's own StopTimeout when absent). */
export async function stopContainer(docker: Docker, id: string, timeoutSeconds?: number): Promise<void> {
  await ignoring([304, 404], () => docker.getContainer(id).stop(timeoutSeconds === undefined ? {} : { t: timeoutSeconds }));
}

export async function killContainer(docker: Docker, id: string): Promise<void> {
  await ignoring([404, 409], () => docker.getContainer(id).kill());
}

export async function restartContainer(docker: Docker, id: string): Promise<void> {
  await docker.getContainer(id).restart();
}

/** Removes a container and its anonymous volumes; gone already is fine. */
export async function removeContainer(docker: Docker, id: string, force = false): Promise<void> {
  await ignoring([404, 409], () => docker.getContainer(id).remove({ force, v: true }));
}

/** The last lines a container wrote (both streams, in order). */
export async function logTail(docker: Docker, id: string, lines: number, tty: boolean): Promise<string[]> {
  const data = await ignoring([404], () => docker.getContainer(id).logs({ stdout: true, stderr: true, tail: lines, follow: false }));
  if (!data) return [];
  return logLines(tty, Buffer.isBuffer(data) ? data : Buffer.from(String(data))).map((l) => l.line);
}

export interface FollowOptions {
  follow: boolean;
  tail?: number;
  /** Unix seconds. */
  since?: number;
  timestamps: boolean;
  signal?: AbortSignal;
}

/** Streams a container's log lines until it stops (follow) or the log ends; resolves then. */
export async function streamLogs(docker: Docker, id: string, tty: boolean, options: FollowOptions, onLine: (stream: LogStream, line: string) => void): Promise<void> {
  const container = docker.getContainer(id);
  const query = {
    stdout: true,
    stderr: true,
    timestamps: options.timestamps,
    ...(options.tail !== undefined ? { tail: options.tail } : {}),
    ...(options.since !== undefined ? { since: options.since } : {}),
  };
  const splitter = splitLogLines(tty, onLine);
  if (!options.follow) {
    const data = await ignoring([404], () => container.logs({ ...query, follow: false }));
    if (data) splitter.push(Buffer.isBuffer(data) ? data : Buffer.from(String(data)));
    splitter.end();
    return;
  }
  const stream = await ignoring([404], () => container.logs({ ...query, follow: true }));
  if (!stream) return;
  await new Promise<void>((resolve) => {
    const finish = () => {
      options.signal?.removeEventListener('abort', abort);
      splitter.end();
      resolve();
    };
    const abort = () => {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      finish();
    };
    if (options.signal?.aborted) return abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    stream.on('data', (chunk: Buffer) => splitter.push(chunk));
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
}

export async function createNetwork(docker: Docker, name: string, labels: Record<string, string>, options: { driver?: string; internal?: boolean; attachable?: boolean; enableIPv6?: boolean; driverOpts?: Record<string, string> } = {}): Promise<void> {
  await docker.createNetwork({
    Name: name,
    CheckDuplicate: true,
    Labels: labels,
    Driver: options.driver ?? 'bridge',
    ...(options.internal ? { Internal: true } : {}),
    ...(options.attachable ? { Attachable: true } : {}),
    ...(options.enableIPv6 ? { EnableIPv6: true } : {}),
    ...(options.driverOpts ? { Options: options.driverOpts } : {}),
  });
}

export async function networkExists(docker: Docker, name: string): Promise<boolean> {
  return (await ignoring([404], () => docker.getNetwork(name).inspect())) !== undefined;
}

export async function removeNetwork(docker: Docker, name: string): Promise<void> {
  await ignoring([404], () => docker.getNetwork(name).remove());
}

export async function createVolume(docker: Docker, name: string, labels: Record<string, string>, options: { driver?: string; driverOpts?: Record<string, string> } = {}): Promise<void> {
  await docker.createVolume({ Name: name, Labels: labels, Driver: options.driver ?? 'local', ...(options.driverOpts ? { DriverOpts: options.driverOpts } : {}) });
}

export async function volumeExists(docker: Docker, name: string): Promise<boolean> {
  return (await ignoring([404], () => docker.getVolume(name).inspect())) !== undefined;
}

export async function removeVolume(docker: Docker, name: string): Promise<void> {
  await ignoring([404], () => docker.getVolume(name).remove());
}
