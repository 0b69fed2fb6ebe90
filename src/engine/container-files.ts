/**
 * Files and commands inside a running container, for the watch stage's sync actions: unpack a
 * tar into the container's filesystem (the engine's archive endpoint, as `docker cp` does) and
 * run a command to its end (exec), collecting its output and exit code.
 */
import type Docker from 'dockerode';
import { logLines } from './log-lines.js';

/**
 * Unpacks a tar (entry names relative to `/`) into the container. Files take the container
 * user's uid/gid (copyUIDGID), as `docker cp -a` would, so a non-root process can rewrite them.
 */
export async function copyIntoContainer(docker: Docker, id: string, tar: Buffer, signal?: AbortSignal): Promise<void> {
  await docker.getContainer(id).putArchive(tar, { path: '/', copyUIDGID: true, ...(signal && { abortSignal: signal }) });
}

export interface ExecSpec {
  command: string[];
  user?: string;
  privileged?: boolean;
  workingDir?: string;
  environment?: Record<string, string | null>;
}

export interface ExecResult {
  exitCode: number;
  /** stdout and stderr lines, in order. */
  output: string[];
}

/** Runs a command in the container and waits for it to end. */
export async function execInContainer(docker: Docker, id: string, spec: ExecSpec): Promise<ExecResult> {
  const env = Object.entries(spec.environment ?? {}).map(([k, v]) => (v === null ? k : `${k}=${v}`));
  const exec = await docker.getContainer(id).exec({
    Cmd: spec.command,
    AttachStdout: true,
    AttachStderr: true,
    ...(spec.user !== undefined && { User: spec.user }),
    ...(spec.privileged !== undefined && { Privileged: spec.privileged }),
    ...(spec.workingDir !== undefined && { WorkingDir: spec.workingDir }),
    ...(env.length > 0 && { Env: env }),
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, output: logLines(false, Buffer.concat(chunks)).map((l) => l.line) };
}
