/**
 * Running a command in a kind node container through the engine (what `docker exec -i` does), with
 * an optional stream on its standard input: stdout and stderr come apart (the JSON of `crictl`
 * must not be mixed with warnings), and the exit code is read once the engine has it.
 */
import { PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';

export interface NodeExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface NodeExecOptions {
  /** Streamed to the command's stdin, which is closed at its end (`ctr images import -` reads to EOF). */
  stdin?: Readable;
  /** kind runs its node commands with `docker exec --privileged`. */
  privileged?: boolean;
  signal?: AbortSignal;
}

const EXIT_CODE_POLLS = 50;

export async function nodeExec(docker: Docker, container: string, command: string[], options: NodeExecOptions = {}): Promise<NodeExecResult> {
  const exec = await docker.getContainer(container).exec({
    Cmd: command,
    AttachStdin: options.stdin !== undefined,
    AttachStdout: true,
    AttachStderr: true,
    ...(options.privileged && { Privileged: true }),
  });
  const stream = (await exec.start({ hijack: true, stdin: options.stdin !== undefined })) as NodeJS.ReadWriteStream & { destroy(error?: Error): void };
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c));
  docker.modem.demuxStream(stream, stdout, stderr);
  const abort = () => stream.destroy(new Error('aborted'));
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
      if (options.stdin) {
        options.stdin.on('error', (e) => stream.destroy(e));
        // pipe() ends the socket's write side when the input ends: that is the command's EOF.
        options.stdin.pipe(stream);
      }
    });
  } finally {
    options.signal?.removeEventListener('abort', abort);
    options.stdin?.unpipe(stream);
  }
  options.signal?.throwIfAborted();
  // The stream can end a moment before the engine records the exit code.
  let info = await exec.inspect();
  for (let i = 0; info.Running && i < EXIT_CODE_POLLS; i++) {
    await new Promise((r) => setTimeout(r, 20));
    info = await exec.inspect();
  }
  return { exitCode: info.ExitCode ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
