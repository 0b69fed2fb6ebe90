import { relative } from 'node:path';
import { CommandFailedError, ServiceFailedError, UserError, type Diagnostic } from '../errors.js';

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
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const text =
    `internal error: devspace hit a bug it did not expect.\n` +
    `${stack}\n` +
    `  → Please report it with the command you ran and this output.\n`;
  return { text, exitCode: 70 };
}
