/**
 * Following a Docker JSON-lines progress stream (build, pull, push).
 *
 * Docker reports failure *inside* the stream: the HTTP status is 200 and the stream ends
 * normally, with a last message carrying `error`/`errorDetail`. So `end` is not success, and
 * every message must be looked at. Written here rather than using docker-modem's
 * `followProgress` because that one decodes each chunk with `toString()` (a UTF-8 character
 * split across chunks becomes garbage), throws from inside the `data` handler on a line that
 * is not JSON, and leaves `errorDetail` to the caller.
 */
import { StringDecoder } from 'node:string_decoder';

/** One message of a progress stream; the union of what build, pull and push send. */
export interface ProgressMessage {
  /** Build output (a chunk of text, often ending in a newline). */
  stream?: string;
  /** Pull/push status ("Downloading", "Pull complete", …) or a build status line. */
  status?: string;
  /** Layer ID for pull/push progress. */
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string; code?: number };
  /** Build: `{ ID: "sha256:…" }` for the built image; push: the pushed digest. */
  aux?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A stream that reported an error message (or broke off). */
export class ProgressStreamError extends Error {
  override readonly name = 'ProgressStreamError';
  constructor(
    message: string,
    /** The message that carried the error, when there was one. */
    readonly detail?: ProgressMessage,
    /** `errorDetail.code` when Docker gave one (a RUN step's exit code, for instance). */
    readonly code?: number,
  ) {
    super(message);
  }
}

/**
 * Splits chunks into lines and lines into messages, whatever the chunk boundaries (pure; the
 * stream-following part below only feeds it). A line that is not JSON is kept as `{ stream }`
 * text instead of failing the whole operation: Docker behind some proxies prefixes plain lines.
 */
export class ProgressParser {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';

  /** Messages completed by this chunk. */
  push(chunk: Buffer | string): ProgressMessage[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const messages: ProgressMessage[] = [];
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      const message = parseLine(line);
      if (message) messages.push(message);
    }
    return messages;
  }

  /** Whatever is left when the stream ends (a last line without a newline). */
  end(): ProgressMessage[] {
    const rest = this.buffer + this.decoder.end();
    this.buffer = '';
    const message = parseLine(rest);
    return message ? [message] : [];
  }
}

function parseLine(raw: string): ProgressMessage | undefined {
  const line = raw.trim();
  if (line === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as ProgressMessage;
  } catch {
    // not JSON: fall through and keep it as text
  }
  return { stream: `${line}\n` };
}

/** The error a message carries, if any. */
export function messageError(message: ProgressMessage): ProgressStreamError | undefined {
  const text = message.errorDetail?.message ?? message.error;
  if (text === undefined && message.errorDetail === undefined) return undefined;
  return new ProgressStreamError(String(text ?? 'unknown error').trim(), message, message.errorDetail?.code);
}

/**
 * Reads `stream` to its end, handing each message to `onMessage` in order. Resolves when the
 * stream ended without an error message; rejects with a ProgressStreamError for the first error
 * message (after the stream ended, so `onMessage` has seen everything, which makes a complete
 * output tail possible), when the stream fails, or when it closes before ending.
 */
export function followProgress(stream: NodeJS.ReadableStream, onMessage: (message: ProgressMessage) => void = () => {}): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const parser = new ProgressParser();
    let failure: Error | undefined;
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      stream.removeListener('data', onData);
      if (error) reject(error);
      else resolve();
    };
    const deliver = (messages: ProgressMessage[]) => {
      for (const message of messages) {
        failure ??= messageError(message);
        try {
          onMessage(message);
        } catch (error) {
          // A throwing callback is a bug on our side; fail the operation rather than the process.
          failure ??= error as Error;
        }
      }
    };
    const onData = (chunk: Buffer | string) => deliver(parser.push(chunk));
    stream.on('data', onData);
    stream.once('end', () => {
      deliver(parser.end());
      settle(failure);
    });
    stream.once('error', (error: Error) => settle(failure ?? new ProgressStreamError(`engine stream failed: ${error.message}`)));
    // `close` without `end`: the connection broke off; what came so far is not a result.
    stream.once('close', () => settle(failure ?? new ProgressStreamError('engine stream closed before it ended')));
  });
}
