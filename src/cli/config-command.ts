import { stringify } from 'yaml';
import { UserError } from '../errors.js';
import { imageName } from '../build/image-name.js';
import { serviceConfigHash } from '../compose/hash.js';
import type { LoadedProject } from '../compose/model.js';
import type { GlobalOptions } from './global-options.js';
import { loadFromOptions } from './load-options.js';
import type { Io } from './main.js';

export interface ConfigOptions extends GlobalOptions {
  format: 'yaml' | 'json';
  services?: boolean;
  volumes?: boolean;
  networks?: boolean;
  profiles?: boolean;
  images?: boolean;
  hash?: string;
  quiet?: boolean;
}

/** The model as `docker compose config` prints it: services sorted, x-* extensions at the end. */
export function printableModel(loaded: LoadedProject): Record<string, unknown> {
  const { project } = loaded;
  const sorted = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const extensionsLast = (service: object) => {
    const entries = Object.entries(service);
    return Object.fromEntries([...entries.filter(([k]) => !k.startsWith('x-')), ...entries.filter(([k]) => k.startsWith('x-'))]);
  };
  const services = Object.fromEntries(Object.entries(sorted(project.services)).map(([name, s]) => [name, extensionsLast(s)]));
  const out: Record<string, unknown> = { name: project.name, services };
  for (const kind of ['networks', 'volumes', 'secrets', 'configs'] as const) {
    if (Object.keys(project[kind]).length > 0) out[kind] = sorted(project[kind]);
  }
  return { ...out, ...project.extensions };
}

export async function runConfig(opts: ConfigOptions, io: Io): Promise<void> {
  const loaded = loadFromOptions(opts, io);
  const { project } = loaded;
  const lines = (items: string[]) => io.stdout(items.length > 0 ? items.join('\n') + '\n' : '');
  const names = (record: object) => Object.keys(record).sort();
  if (opts.quiet) return;
  if (opts.services) return lines(names(project.services));
  if (opts.volumes) return lines(names(project.volumes));
  if (opts.networks) return lines(names(project.networks));
  if (opts.profiles) return lines(loaded.allProfiles);
  if (opts.images) return lines(names(project.services).map((s) => imageName(project, s)));
  if (opts.hash !== undefined) {
    const wanted = opts.hash === '*' ? names(project.services) : opts.hash.split(',').map((s) => s.trim());
    for (const name of wanted) {
      if (!(name in project.services)) throw new UserError(`no such service: ${name}`, [`Services: ${Object.keys(project.services).join(', ')}`]);
    }
    return lines(wanted.map((name) => `${name} ${serviceConfigHash(project.services[name]!)}`));
  }
  const model = printableModel(loaded);
  io.stdout(opts.format === 'json' || opts.json ? JSON.stringify(model, null, 2) + '\n' : stringify(model, { lineWidth: 0, aliasDuplicateObjects: false }));
}
