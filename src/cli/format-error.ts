import { relative } from 'node:path';
import { CommandFailedError, ServiceFailedError, UserError, type Diagnostic } from '../errors.js';
import { InterruptedError } from './interrupts.js';

export interface FormattedError {
  text: string;
  exitCode: number;
}

/** `file:line:column: path: ` for a diagnostic, the file relative to cwd when it lies below it. */
export function where(d: Diagnostic, cwd: string): string {
  if (!d.position) return d.path ? `${d.path}: ` : '';
  const rel = relative(cwd, d.position.file);
  const file = rel && !rel.startsWith('..') ? rel : d.position.file;
  const at = `${file}:${d.position.line}:${d.position.column}`;
  return d.path ? `${at}: ${d.path}: ` : `${at}: `;
}

/** Turns any thrown value into the text bin/devspace prints and the exit code it sets. */
export function formatError(error: unknown, cwd: string): FormattedError {
  if (error instanceof UserError) {
    const lines = [`error: ${error.message}`];
    for (const d of error.diagnostics) {
      lines.push(`  ${where(d, cwd)}${d.message}`);
      if (d.hint) lines.push(`    hint: ${d.hint}`);
    }
    if (error instanceof ServiceFailedError && error.logTail.length > 0) {
      lines.push(`  last log lines of ${error.service}:`);
      for (const l of error.logTail) lines.push(`    ${l}`);
    }
    for (const step of error.nextSteps) lines.push(`  → ${step}`);
    return { text: lines.join('\n') + '\n', exitCode: error.exitCode };
  }
  if (error instanceof CommandFailedError) {
    const lines = [`error: ${error.message}`, `  command: ${error.command} (exit code ${error.exitCode})`];
    if (error.outputTail.length > 0) {
      lines.push('  last output:');
      for (const l of error.outputTail) lines.push(`    ${l}`);
    }
    for (const step of error.nextSteps) lines.push(`  → ${step}`);
    return { text: lines.join('\n') + '\n', exitCode: error.exitCode > 0 && error.exitCode < 126 ? error.exitCode : 1 };
  }
  // Ctrl-C or SIGTERM (e.g. `timeout`) during a command that stops on its signal: not a bug.
  if (error instanceof InterruptedError || (error instanceof Error && error.name === 'AbortError' && error.cause instanceof InterruptedError)) {
    return { text: 'interrupted: stopped before it finished\n', exitCode: 130 };
  }
  const unreachable = unreachableApiServer(error);
  if (unreachable) return formatError(unreachable, cwd);
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const text =
    `internal error: devspace hit a bug it did not expect.\n` +
    `${stack}\n` +
    `  → Please report it with the command you ran and this output.\n`;
  return { text, exitCode: 70 };
}

/**
 * A request of the Kubernetes client that never got an answer (node-fetch's FetchError of type
 * `system`: connection refused, unknown host, timeout, a certificate the kubeconfig does not
 * trust), anywhere in the cause chain. Any command that talks to a cluster can meet it, and it is
 * the user's to fix (the cluster is down, or the context points elsewhere), not a bug: a UserError
 * naming the server the request went to.
 */
export function unreachableApiServer(error: unknown): UserError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const fetchError = e as Error & { type?: unknown; code?: unknown };
    if (fetchError.name !== 'FetchError' || fetchError.type !== 'system') continue;
    const url = /request to (\S+) failed/.exec(fetchError.message)?.[1];
    let server = 'the Kubernetes API server';
    if (url) {
      try {
        server = `the Kubernetes API server ${new URL(url).origin}`;
      } catch {
        // keep the generic name
      }
    }
    const reason = /, reason: (.*)$/s.exec(fetchError.message)?.[1]?.trim() ?? (typeof fetchError.code === 'string' ? fetchError.code : fetchError.message);
    const certificate = typeof fetchError.code === 'string' && /CERT|SELF_SIGNED|ALTNAME|UNABLE_TO_VERIFY/.test(fetchError.code);
    return new UserError(`cannot reach ${server}: ${reason}`, [
      certificate
        ? "The server's certificate is not the one the kubeconfig expects: check the cluster's certificate-authority-data (or get a fresh kubeconfig from the cluster)."
        : 'Check that the cluster is running and that the context points at it: kubectl cluster-info',
      'Pick another cluster with --context (kubectl config get-contexts lists them) or --kubeconfig.',
    ]);
  }
  return undefined;
}
