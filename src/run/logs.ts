/**
 * Log streaming of a project's containers as `log` events. In follow mode each container is
 * followed across restarts (the engine ends a follow stream when the container stops) until it
 * has exited for good, or until the signal aborts.
 */
import type Docker from 'dockerode';
import { inspectContainer, streamLogs } from '../engine/containers.js';
import type { Emit } from '../events.js';
import type { ObservedContainer } from './snapshot.js';

export interface LogOptions {
  follow: boolean;
  tail?: number;
  /** Unix seconds. */
  since?: number;
  timestamps: boolean;
}

export interface ContainerExit {
  service: string;
  container: string;
  exitCode: number;
}

/** Streams the logs of the given containers; resolves with how each ended (follow mode). */
export async function streamProjectLogs(docker: Docker, containers: ObservedContainer[], options: LogOptions, emit: Emit, signal: AbortSignal): Promise<ContainerExit[]> {
  if (options.follow) return Promise.all(containers.map((c) => followContainer(docker, c, options, emit, signal)));
  // Without --follow, one container after the other, so each one's lines stay together.
  const exits: ContainerExit[] = [];
  for (const c of containers) exits.push(await followContainer(docker, c, options, emit, signal));
  return exits;
}

async function followContainer(docker: Docker, c: ObservedContainer, options: LogOptions, emit: Emit, signal: AbortSignal): Promise<ContainerExit> {
  let since = options.since;
  let tail = options.tail;
  for (;;) {
    const state = await inspectContainer(docker, c.id);
    if (!state) return { service: c.service, container: c.name, exitCode: -1 };
    const startedAt = Math.floor(Date.now() / 1000);
    await streamLogs(docker, c.id, state.tty, { follow: options.follow, timestamps: options.timestamps, signal, ...(tail !== undefined ? { tail } : {}), ...(since !== undefined ? { since } : {}) }, (stream, raw) => {
      let line = raw;
      let time: string | undefined;
      if (options.timestamps) {
        const space = raw.indexOf(' ');
        if (space > 0) {
          time = raw.slice(0, space);
          line = raw.slice(space + 1);
        }
      }
      emit({ type: 'log', service: c.service, container: c.name, stream, line, ...(time ? { time } : {}) });
    });
    if (!options.follow || signal.aborted) return { service: c.service, container: c.name, exitCode: state.exitCode };
    // The stream ended: the container stopped. Follow it again if it restarts.
    const after = await waitSettled(docker, c.id, signal);
    if (!after || signal.aborted) return { service: c.service, container: c.name, exitCode: after?.exitCode ?? -1 };
    if (!after.running && !after.restarting) {
      emit({ type: 'service-state', service: c.service, container: c.name, state: 'exited', exitCode: after.exitCode });
      return { service: c.service, container: c.name, exitCode: after.exitCode };
    }
    emit({ type: 'service-state', service: c.service, container: c.name, state: 'restarting', exitCode: after.exitCode });
    since = startedAt;
    tail = undefined;
  }
}

/** After a follow stream ends, give a restarting container a moment to be running again. */
async function waitSettled(docker: Docker, id: string, signal: AbortSignal) {
  let state = await inspectContainer(docker, id);
  for (let i = 0; i < 40 && state && state.restarting && !signal.aborted; i++) {
    await new Promise((r) => setTimeout(r, 250));
    state = await inspectContainer(docker, id);
  }
  return state;
}
