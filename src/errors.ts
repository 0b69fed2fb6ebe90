/**
 * The small set of errors devspace raises. Only bin/devspace turns them into output and an exit
 * code (see formatError in cli/format-error.ts); everything else throws.
 */

/** A place in a user's file: what an error points at. Lines and columns are 1-based. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** One problem found in user input, with where it is and what to do about it. */
export interface Diagnostic {
  message: string;
  /** Dotted path of the offending node, e.g. `services.front.ports[1]`. */
  path?: string;
  position?: SourcePosition;
  hint?: string;
}

/** A mistake the user can fix: bad input, a missing file, a wrong flag. Exit code 1 by default. */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly nextSteps: string[] = [],
    readonly diagnostics: Diagnostic[] = [],
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * A service that did not come up: exited, unhealthy, or not ready in time. A user-level failure
 * (exit code 1) that carries the service's last log lines, since they usually say why.
 */
export class ServiceFailedError extends UserError {
  constructor(
    message: string,
    readonly service: string,
    readonly logTail: string[],
    nextSteps: string[] = [],
  ) {
    super(message, nextSteps);
  }
}

/** An external command or engine operation that failed; carries its exit code and output tail. */
export class CommandFailedError extends Error {
  override readonly name = 'CommandFailedError';
  constructor(
    message: string,
    readonly command: string,
    readonly exitCode: number,
    readonly outputTail: string[] = [],
    readonly nextSteps: string[] = [],
  ) {
    super(message);
  }
}

/** A bug in devspace. Printed with its stack and a request to report it. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
