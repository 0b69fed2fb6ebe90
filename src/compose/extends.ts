/** `extends`: a service inherits another's configuration, from the same file or another one. */
import { dirname, resolve } from 'node:path';
import { loadFile, type FileModel, type FileOptions, type LoadedFile } from './load-file.js';
import { applyResets, mergeValues } from './merge.js';
import type { Service } from './model.js';
import type { SourceDocument } from './yaml-source.js';

type Located = { model: FileModel; doc: SourceDocument; file: string; baseDir: string };

export class ExtendsResolver {
  private readonly files = new Map<string, Located[]>();

  constructor(private readonly options: FileOptions) {}

  /** Replaces every `extends` in the documents of `loaded` by the merged service. */
  resolveAll(loaded: LoadedFile): void {
    const located = loaded.documents.map((d) => ({ ...d, file: loaded.file, baseDir: loaded.baseDir }));
    this.files.set(loaded.file, located);
    for (const entry of located) {
      for (const name of Object.keys(entry.model.services)) entry.model.services[name] = this.resolve(entry, name, []);
    }
  }

  private resolve(entry: Located, name: string, stack: string[]): FileModel['services'][string] {
    const service = entry.model.services[name]!;
    const ref = service.extends;
    if (!ref) return service;
    const key = `${entry.file}#${name}`;
    const path = ['services', name, 'extends'];
    if (stack.includes(key)) {
      const cycle = [...stack, key].map((k) => k.split('#')[1]).join(' → ');
      this.options.problems.errors.push({ message: `extends cycle: ${cycle}`, path: `services.${name}.extends`, position: entry.doc.locate(path) });
      const { extends: _drop, ...rest } = service;
      return rest;
    }
    let base: Service | undefined;
    if (ref.file) {
      const file = resolve(dirname(entry.file), ref.file);
      const other = this.load(file);
      const target = other.find((o) => ref.service in o.model.services);
      if (target) base = this.resolve(target, ref.service, [...stack, key]);
      else if (other.length > 0 || this.options.problems.errors.length === 0) {
        this.options.problems.errors.push({ message: `extends: service "${ref.service}" not found in ${ref.file}`, path: `services.${name}.extends`, position: entry.doc.locate(path) });
      }
    } else if (ref.service in entry.model.services) {
      base = this.resolve(entry, ref.service, [...stack, key]);
    } else {
      this.options.problems.errors.push({ message: `extends: service "${ref.service}" is not defined in this file`, path: `services.${name}.extends`, position: entry.doc.locate(path), hint: 'Name a service of this file, or add file: to extend one from another file.' });
    }
    const { extends: _ref, ...local } = service;
    if (!base) return local;
    const { extends: _baseRef, ...inherited } = base as FileModel['services'][string];
    const reset = applyResets(inherited, entry.doc.resets, ['services', name]) as Service;
    return mergeValues(reset, local, ['services', name], { resets: entry.doc.resets, overrides: entry.doc.overrides }) as Service;
  }

  private load(file: string): Located[] {
    const cached = this.files.get(file);
    if (cached) return cached;
    // Relative paths of a service extended from another file resolve from that file's directory.
    const loaded = loadFile(file, { ...this.options, baseDir: dirname(file) });
    const located = loaded.documents.map((d) => ({ ...d, file, baseDir: dirname(file) }));
    this.files.set(file, located);
    return located;
  }
}
