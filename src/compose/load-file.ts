/**
 * One compose file → validated, normalised (long-form) documents. Each document keeps the
 * positions of its nodes so that later stages can point at the line a problem comes from.
 */
import { readFileSync } from 'node:fs';
import type { Lookup } from './interpolate.js';
import type { Service } from './model.js';
import { normaliseService, resolvePath, toMap, type NormaliseContext } from './normalise-service.js';
import { formatPath, type Path } from './path.js';
import type { Problems } from './problems.js';
import { composeFileSchema, serviceSchema, type RawComposeFile } from './schema.js';
import { projectSettingsSchema, serviceSettingsSchema } from './x-devspace.js';
import { parseComposeYaml, type SourceDocument } from './yaml-source.js';
import { issuesToDiagnostics } from './zod-diagnostics.js';

export type ResourceKind = 'networks' | 'volumes' | 'secrets' | 'configs';
export const RESOURCE_KINDS: ResourceKind[] = ['networks', 'volumes', 'secrets', 'configs'];

/** A file's content in long form, before merging with other files. */
export interface FileModel {
  name?: string;
  include?: RawComposeFile['include'];
  services: Record<string, Service & { extends?: { service: string; file?: string } }>;
  networks: Record<string, Record<string, unknown>>;
  volumes: Record<string, Record<string, unknown>>;
  secrets: Record<string, Record<string, unknown>>;
  configs: Record<string, Record<string, unknown>>;
  [extension: `x-${string}`]: unknown;
}

export interface LoadedFile {
  file: string;
  /** The directory relative paths in this file resolve from. */
  baseDir: string;
  documents: { doc: SourceDocument; model: FileModel }[];
}

export interface FileOptions {
  baseDir: string;
  home: string;
  lookup: Lookup;
  interpolate: boolean;
  problems: Problems;
  /** Set while loading files for `include` and `extends`, to read each file once. */
  unset?: Set<string>;
}

const NAME = /^[a-zA-Z0-9._-]+$/;

function normaliseResource(kind: ResourceKind, key: string, raw: Record<string, unknown> | null, ctx: NormaliseContext, path: Path): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(raw ?? {}) };
  const external = out.external;
  if (external && typeof external === 'object') {
    // The deprecated `external: {name: x}` form: the name moves to the resource.
    const name = (external as { name?: string }).name;
    out.external = true;
    if (name) out.name = out.name ?? name;
  }
  if (out.labels !== undefined) out.labels = toMap(out.labels as string[], () => '');
  if ((kind === 'secrets' || kind === 'configs') && typeof out.file === 'string') out.file = resolvePath(ctx, out.file);
  if (kind === 'secrets' || kind === 'configs') {
    const sources = ['file', 'environment', 'external', ...(kind === 'configs' ? ['content'] : [])].filter((k) => out[k] !== undefined && out[k] !== false);
    if (sources.length === 0) ctx.report(path, `${kind.slice(0, -1)} "${key}" needs one of: ${kind === 'configs' ? 'file, environment, content, external' : 'file, environment, external'}`);
  }
  return out;
}

export function loadFile(file: string, options: FileOptions): LoadedFile {
  const { problems } = options;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.errors.push({ message: `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : String(error)}` });
    return { file, baseDir: options.baseDir, documents: [] };
  }
  const parsed = parseComposeYaml(text, file, { lookup: options.interpolate ? options.lookup : false });
  problems.errors.push(...parsed.diagnostics);
  for (const name of parsed.unset) options.unset?.add(name);
  const documents: LoadedFile['documents'] = [];
  if (parsed.documents.length === 0 && parsed.diagnostics.length === 0) {
    // Nothing but blanks and comments: `yaml` gives no document at all.
    problems.errors.push({ message: 'the compose file is empty', position: { file, line: 1, column: 1 }, hint: 'Add a services: section.' });
  }
  for (const doc of parsed.documents) {
    problems.documents.push(doc);
    if (doc.value === null || doc.value === undefined) {
      problems.errors.push({ message: 'the compose file is empty', position: { file, line: 1, column: 1 }, hint: 'Add a services: section.' });
      continue;
    }
    const ctx: NormaliseContext = {
      baseDir: options.baseDir,
      home: options.home,
      lookup: options.lookup,
      report: (path, message, hint) => problems.errors.push({ message, path: formatPath(path), position: doc.locate(path), ...(hint && { hint }) }),
    };
    // A bad name is pointed at where the name is written, not at the definition under it.
    const nameError = (path: Path, message: string) =>
      problems.errors.push({ message, path: formatPath(path), position: doc.locateKey(path), hint: 'Use letters, digits, ".", "_" and "-".' });
    const result = composeFileSchema.safeParse(doc.value);
    if (!result.success) {
      problems.errors.push(...issuesToDiagnostics(result.error.issues, doc));
      // Still normalise the services that passed the schema, so that their problems (bad ports,
      // durations, …) are reported in the same run instead of one stage at a time.
      const services = (doc.value as { services?: unknown }).services;
      if (services && typeof services === 'object') {
        for (const [name, service] of Object.entries(services)) {
          const valid = serviceSchema.safeParse(service ?? {});
          if (valid.success) normaliseService(ctx, ['services', name], valid.data);
        }
      }
      continue;
    }
    const raw = result.data as RawComposeFile & Record<string, unknown>;
    const model: FileModel = { services: {}, networks: {}, volumes: {}, secrets: {}, configs: {} };
    if (raw.name !== undefined) model.name = raw.name;
    if (raw.include !== undefined) model.include = raw.include;
    if (raw.version !== undefined) problems.warnings.push({ message: 'the top-level "version" is obsolete and ignored', position: doc.locate(['version']), hint: 'Remove it.' });
    for (const [key, value] of Object.entries(raw)) if (key.startsWith('x-')) model[key as `x-${string}`] = value;
    if (raw['x-devspace'] !== undefined) {
      const settings = projectSettingsSchema.safeParse(raw['x-devspace']);
      if (!settings.success) problems.errors.push(...issuesToDiagnostics(settings.error.issues, doc, ['x-devspace']));
      else model['x-devspace'] = settings.data;
    }
    for (const [name, service] of Object.entries(raw.services ?? {})) {
      const path = ['services', name];
      if (!NAME.test(name)) nameError(path, `invalid service name "${name}"`);
      const normal = normaliseService(ctx, path, service ?? {}) as FileModel['services'][string];
      if (service?.extends !== undefined) normal.extends = typeof service.extends === 'string' ? { service: service.extends } : service.extends;
      const settings = (service as Record<string, unknown> | null)?.['x-devspace'];
      if (settings !== undefined) {
        const parsedSettings = serviceSettingsSchema.safeParse(settings);
        if (!parsedSettings.success) problems.errors.push(...issuesToDiagnostics(parsedSettings.error.issues, doc, [...path, 'x-devspace']));
        else (normal as Record<string, unknown>)['x-devspace'] = parsedSettings.data;
      }
      model.services[name] = normal;
    }
    for (const kind of RESOURCE_KINDS) {
      for (const [key, value] of Object.entries((raw[kind] ?? {}) as Record<string, Record<string, unknown> | null>)) {
        if (!NAME.test(key)) nameError([kind, key], `invalid ${kind.slice(0, -1)} name "${key}"`);
        model[kind][key] = normaliseResource(kind, key, value, ctx, [kind, key]);
      }
    }
    documents.push({ doc, model });
  }
  return { file, baseDir: options.baseDir, documents };
}
