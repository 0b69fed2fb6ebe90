/**
 * The compose stage's entry point: files → interpolate each → validate → long form → extends →
 * merge in order → include → env files, names, profiles → semantic checks. Every problem found
 * on the way is collected and reported together, with file, line and column.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { directoryProjectName, discoverFiles, envFilePaths, PROJECT_NAME, readEnvFiles } from './discover.js';
import { parseDotenv } from './dotenv.js';
import { ExtendsResolver } from './extends.js';
import type { Lookup } from './interpolate.js';
import { loadFile, RESOURCE_KINDS, type FileModel } from './load-file.js';
import { formatPath } from './path.js';
import { applyResets, mergeValues } from './merge.js';
import { withBuildDefaults } from './normalise-service.js';
import type { LoadedProject, Project, Resource, Service } from './model.js';
import { Problems } from './problems.js';
import { applyProfiles } from './profiles.js';
import { validateProject } from './validate-project.js';
import { didYouMean } from './zod-diagnostics.js';

export interface LoadOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  files?: string[];
  projectName?: string;
  projectDirectory?: string;
  profiles?: string[];
  envFiles?: string[];
  /** Services named on the command line: enabled even when their profiles are not. */
  services?: string[];
  interpolate?: boolean;
  home?: string;
}

interface ModelOptions {
  files: string[];
  projectDir: string;
  lookup: Lookup;
  home: string;
  interpolate: boolean;
  problems: Problems;
  includeStack: string[];
}

/** Loads, merges and includes a set of files into one FileModel (not yet finalised). */
function loadModel(options: ModelOptions): FileModel {
  const { problems } = options;
  const fileOptions = { baseDir: options.projectDir, home: options.home, lookup: options.lookup, interpolate: options.interpolate, problems, unset: problems.unset };
  const resolver = new ExtendsResolver(fileOptions);
  const firstDocument = problems.documents.length;
  let merged: FileModel = { services: {}, networks: {}, volumes: {}, secrets: {}, configs: {} };
  for (const file of options.files) {
    const loaded = loadFile(file, fileOptions);
    resolver.resolveAll(loaded);
    for (const { doc, model } of loaded.documents) {
      const tags = { resets: doc.resets, overrides: doc.overrides };
      merged = mergeValues(applyResets(merged, doc.resets), model, [], tags) as FileModel;
    }
  }
  // This level's own documents: a conflict with an included resource points at the local one.
  const localDocuments = problems.documents.slice(firstDocument);
  for (const [index, item] of (merged.include ?? []).entries()) {
    const spec = typeof item === 'string' ? { path: item } : item;
    const paths = (typeof spec.path === 'string' ? [spec.path] : spec.path).map((p) => resolve(options.projectDir, p));
    const missing = paths.find((p) => !existsSync(p));
    if (missing) {
      problems.error(['include', index], `included file not found: ${missing}`);
      continue;
    }
    if (paths.some((p) => options.includeStack.includes(p))) {
      problems.error(['include', index], `include cycle: ${[...options.includeStack, paths[0]].join(' → ')}`);
      continue;
    }
    const projectDir = spec.project_directory ? resolve(options.projectDir, spec.project_directory) : dirname(paths[0]!);
    const envFiles = spec.env_file === undefined ? [join(projectDir, '.env')].filter((f) => existsSync(f)) : (typeof spec.env_file === 'string' ? [spec.env_file] : spec.env_file).map((f) => resolve(options.projectDir, f));
    // The included project's env file gives defaults; the including project's variables win.
    const includedEnv = readEnvFiles(options.projectDir, projectDir, {}, envFiles, options.lookup);
    const included = loadModel({ ...options, files: paths, projectDir, lookup: (name) => options.lookup(name) ?? includedEnv[name], includeStack: [...options.includeStack, ...paths] });
    for (const kind of ['services', ...RESOURCE_KINDS] as const) {
      for (const [name, value] of Object.entries(included[kind])) {
        if (name in merged[kind]) {
          const position = localDocuments.map((d) => d.locateExact([kind, name])).findLast((p) => p !== undefined);
          const message = `${kind.slice(0, -1)} "${name}" from included ${paths[0]} is also defined here; the local definition is used`;
          problems.warnings.push({ message, path: formatPath([kind, name]), ...(position && { position }) });
        } else (merged[kind] as Record<string, unknown>)[name] = value;
      }
    }
  }
  delete merged.include;
  return merged;
}

function readServiceEnvFiles(service: Service, name: string, lookup: Lookup, problems: Problems): void {
  if (!service.env_file) return;
  const fromFiles: Record<string, string> = {};
  service.env_file.forEach((entry, index) => {
    let text: string;
    try {
      text = readFileSync(entry.path, 'utf8');
    } catch {
      if (entry.required) problems.error(['services', name, 'env_file', index], `env file not found: ${entry.path}`, 'Create the file, or mark it `required: false`.');
      return;
    }
    try {
      for (const e of parseDotenv(text, { file: entry.path, lookup: (k) => lookup(k) ?? fromFiles[k], ...(entry.format === 'raw' && { format: 'raw' as const }) })) {
        const value = e.value ?? lookup(e.key);
        if (value !== undefined) fromFiles[e.key] = value;
      }
    } catch (error) {
      if (error instanceof UserError) problems.errors.push(...error.diagnostics);
      else throw error;
    }
  });
  // `environment` overrides env_file, even when its value is empty or unset.
  service.environment = { ...fromFiles, ...service.environment };
}

function projectName(options: LoadOptions, env: Record<string, string | undefined>, model: FileModel, projectDir: string, problems: Problems): string {
  const explicit: [string, string | undefined][] = [
    ['-p', options.projectName],
    ['COMPOSE_PROJECT_NAME', env.COMPOSE_PROJECT_NAME],
    ['name:', model.name],
  ];
  for (const [source, value] of explicit) {
    if (!value) continue;
    if (!PROJECT_NAME.test(value)) {
      const error = `invalid project name "${value}" (from ${source})`;
      const hint = 'Use lowercase letters, digits, "-" and "_", starting with a letter or digit.';
      if (source === 'name:') problems.error(['name'], error, hint);
      else throw new UserError(error, [hint]);
      return directoryProjectName(projectDir);
    }
    return value;
  }
  const name = directoryProjectName(projectDir);
  if (!name) throw new UserError(`cannot derive a project name from the directory ${projectDir}`, ['Set one with -p, COMPOSE_PROJECT_NAME or a top-level name:.']);
  return name;
}

export function loadProject(options: LoadOptions): LoadedProject {
  const discovered = discoverFiles(options.cwd, options.env, options.files ?? [], options.projectDirectory);
  const { projectDir } = discovered;
  const dotenv = readEnvFiles(options.cwd, projectDir, options.env, options.envFiles ?? []);
  const env: Record<string, string | undefined> = { ...dotenv, ...options.env };
  const home = options.home ?? options.env.HOME ?? homedir();

  // Interpolation sees COMPOSE_PROJECT_NAME as the project's final name. When only a top-level
  // `name:` decides it, the files are read a second time if they used the variable.
  const explicitName = options.projectName || env.COMPOSE_PROJECT_NAME || undefined;
  const loadAll = (nameForLookup: string) => {
    const problems = new Problems();
    for (const w of discovered.warnings) problems.warnings.push({ message: w });
    let used = false;
    const lookup: Lookup = (name) => {
      if (name !== 'COMPOSE_PROJECT_NAME') return env[name];
      used = true;
      return nameForLookup;
    };
    const model = loadModel({ files: discovered.files, projectDir, lookup, home, interpolate: options.interpolate ?? true, problems, includeStack: discovered.files });
    return { problems, lookup, model, used: () => used };
  };
  const provisionalName = explicitName ?? directoryProjectName(projectDir);
  let loaded = loadAll(provisionalName);
  const fileName = loaded.model.name;
  if (!explicitName && loaded.used() && fileName && fileName !== provisionalName && PROJECT_NAME.test(fileName)) loaded = loadAll(fileName);
  const { problems, lookup, model } = loaded;
  problems.throwIfAny();
  for (const variable of problems.unset) {
    problems.warnings.push({ message: `the "${variable}" variable is not set; using an empty string`, hint: `Set it in the environment or in ${join(projectDir, '.env')}, or give a default: \${${variable}:-value}.` });
  }

  const name = projectName(options, env, model, projectDir, problems);
  const extensions = Object.fromEntries(Object.entries(model).filter(([k]) => k.startsWith('x-')));
  const project: Project = { name, working_dir: projectDir, compose_files: discovered.files, services: {}, networks: {}, volumes: {}, secrets: {}, configs: {}, extensions };
  for (const kind of RESOURCE_KINDS) {
    for (const [key, value] of Object.entries(model[kind])) {
      const resource = { ...value } as Resource;
      resource.name = (value.name as string | undefined) ?? (value.external ? key : `${name}_${key}`);
      project[kind][key] = resource;
    }
  }
  for (const [serviceName, service] of Object.entries(model.services)) {
    readServiceEnvFiles(service, serviceName, lookup, problems);
    if (!service.network_mode && !service.networks) service.networks = { default: null };
    if (service.build) service.build = withBuildDefaults(service.build, projectDir);
    project.services[serviceName] = service;
  }
  if (Object.values(project.services).some((s) => s.networks && 'default' in s.networks) && !project.networks.default) {
    project.networks.default = { name: `${name}_default` };
  }

  // --profile replaces COMPOSE_PROFILES (as a flag does its variable).
  const profiles = options.profiles?.length ? options.profiles : (env.COMPOSE_PROFILES ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  for (const wanted of options.services ?? []) {
    if (!(wanted in project.services)) {
      const suggestion = didYouMean(wanted, Object.keys(project.services));
      throw new UserError(`no such service: ${wanted}`, [suggestion ? `Did you mean "${suggestion}"?` : `Services: ${Object.keys(project.services).join(', ')}`]);
    }
  }
  const { disabled, allProfiles } = applyProfiles(project, profiles, options.services ?? []);
  validateProject(project, disabled, problems);
  problems.throwIfAny();
  const sources = new Set([
    ...discovered.files,
    ...problems.documents.map((d) => d.file),
    ...envFilePaths(options.cwd, projectDir, options.env, options.envFiles ?? []),
    ...Object.values({ ...project.services, ...disabled }).flatMap((s) => (s.env_file ?? []).map((e) => e.path)),
  ]);
  return { project, disabled, allProfiles, warnings: problems.warnings, sources: [...sources] };
}
