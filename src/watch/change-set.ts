/**
 * A set of file changes, coalesced: each path keeps only its last state. A burst that writes a
 * file ten times is one change; an editor's atomic save (write a temporary file, rename it over
 * the original) ends as "changed"; a file created and deleted again ends as "deleted", which the
 * sync treats as "make sure it is gone".
 */
export type ChangeKind = 'changed' | 'deleted';

export class ChangeSet {
  private readonly paths = new Map<string, ChangeKind>();

  add(path: string, kind: ChangeKind): this {
    // Re-inserting moves the path to the end: iteration follows the order of last change.
    this.paths.delete(path);
    this.paths.set(path, kind);
    return this;
  }

  merge(other: ChangeSet): this {
    for (const [path, kind] of other.paths) this.add(path, kind);
    return this;
  }

  get size(): number {
    return this.paths.size;
  }

  entries(): [string, ChangeKind][] {
    return [...this.paths];
  }

  /** Only the changes under the paths for which `keep` is true. */
  filter(keep: (path: string) => boolean): ChangeSet {
    const out = new ChangeSet();
    for (const [path, kind] of this.paths) if (keep(path)) out.add(path, kind);
    return out;
  }
}
