import type { Diagnostic, SourcePosition } from '../errors.js';
import { UserError } from '../errors.js';
import { formatPath, type Path } from './path.js';
import type { SourceDocument } from './yaml-source.js';

/** Collects errors and warnings while a project loads, so that all of them are reported at once. */
export class Problems {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];
  /** Every document read so far, main files first; used to place errors found after merging. */
  readonly documents: SourceDocument[] = [];
  /** Variables interpolation found unset (and without a default). */
  readonly unset = new Set<string>();

  /** Where `path` of the merged model was written: the last main file that has it exactly. */
  locate(path: Path): SourcePosition | undefined {
    for (let i = this.documents.length - 1; i >= 0; i--) {
      const found = this.documents[i]!.locateExact(path);
      if (found) return found;
    }
    for (let n = path.length - 1; n >= 0; n--) {
      for (let i = this.documents.length - 1; i >= 0; i--) {
        const found = this.documents[i]!.locateExact(path.slice(0, n));
        if (found) return found;
      }
    }
    return undefined;
  }

  error(path: Path, message: string, hint?: string, position?: SourcePosition): void {
    this.errors.push({ message, path: formatPath(path), position: position ?? this.locate(path), ...(hint && { hint }) });
  }

  warn(path: Path, message: string, hint?: string): void {
    this.warnings.push({ message, path: formatPath(path), position: this.locate(path), ...(hint && { hint }) });
  }

  /** Throws one UserError carrying every error collected so far. */
  throwIfAny(): void {
    if (this.errors.length === 0) return;
    const files = new Set(this.errors.map((e) => e.position?.file).filter(Boolean));
    const what = this.errors.length === 1 ? 'a problem' : `${this.errors.length} problems`;
    throw new UserError(
      `the compose ${files.size > 1 ? 'files have' : 'file has'} ${what}`,
      ['Fix the lines above, then run the command again. `devspace config` checks the file without running anything.'],
      this.errors,
    );
  }
}
