/**
 * `devspace render`: the Kubernetes manifests of the project, without a cluster. YAML on stdout
 * (notes about what is not carried over on stderr, one line each), one file per object with
 * -o DIR, or a Helm chart with --helm -o DIR. Secret values are hidden unless --show-secrets.
 * Images are the pinned `repo@digest` refs of the last push (.devspace/images.json) when there
 * are any, else each service's image name.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Project } from '../compose/model.js';
import { UserError } from '../errors.js';
import type { RenderNote } from '../k8s/manifest.js';
import { helmChart, manifestsYaml, renderProject } from '../k8s/render/index.js';
import { readImagePorts } from '../k8s/render/image-ports.js';
import { readRenderSources } from '../k8s/render/read-sources.js';
import { objectFileName, objectYaml, hideSecret } from '../k8s/render/yaml.js';
import { readPushState } from '../registry/state.js';
import type { GlobalOptions } from './global-options.js';
import { loadFromOptions } from './load-options.js';
import type { Io } from './main.js';
import { openEngineFromOptions } from './session.js';

export interface RenderOptions extends GlobalOptions {
  env?: string;
  namespace?: string;
  output?: string;
  helm?: boolean;
  showSecrets?: boolean;
}

/** Files we wrote before in an output directory: replaced on every render so nothing stale is applied. */
const OBJECT_FILE = /^[0-9]{2,}-[a-z]+-[a-z0-9.-]+\.yaml$/;

export async function runRender(opts: RenderOptions, io: Io): Promise<void> {
  if (opts.helm && !opts.output) throw new UserError('--helm writes a chart directory', ['Say where with -o DIR, e.g. devspace render --helm -o chart']);
  const { project } = loadFromOptions(opts, io);
  const pushed = readPushState(project.working_dir).services;
  const images = Object.fromEntries(Object.entries(pushed).filter(([s]) => s in project.services).map(([s, p]) => [s, p.pinned]));
  const sources = readRenderSources(project, io.env);
  const imagePorts = await exposedPorts(project, images, opts, io);
  const rendered = renderProject({
    project,
    images,
    imagePorts,
    sources,
    ...(opts.env !== undefined && { environment: opts.env }),
    ...(opts.namespace !== undefined && { namespace: opts.namespace }),
  });
  for (const note of rendered.notes) io.stderr(`warning: ${noteLine(note)}\n`);
  const showSecrets = opts.showSecrets === true;
  if (opts.json) {
    const objects = showSecrets ? rendered.objects : rendered.objects.map(hideSecret);
    io.stdout(`${JSON.stringify({ ...rendered, objects }, null, 2)}\n`);
    return;
  }
  if (!opts.output) {
    io.stdout(manifestsYaml(rendered.objects, { showSecrets }));
    return;
  }
  const dir = path.resolve(io.cwd, opts.output);
  const shown = path.relative(io.cwd, dir).startsWith('..') ? dir : path.relative(io.cwd, dir) || '.';
  if (opts.helm) {
    const files = helmChart(rendered, { showSecrets });
    clearObjectFiles(path.join(dir, 'templates'));
    for (const [file, text] of files) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    io.stderr(`wrote a Helm chart with ${files.size - 2} templates to ${shown} (helm install ${rendered.project} ${shown} -n ${rendered.namespace} --create-namespace)\n`);
    return;
  }
  clearObjectFiles(dir);
  mkdirSync(dir, { recursive: true });
  rendered.objects.forEach((object, i) => {
    writeFileSync(path.join(dir, objectFileName(object, i, rendered.objects.length)), objectYaml(showSecrets ? object : hideSecret(object)));
  });
  io.stderr(`wrote ${rendered.objects.length} objects to ${shown} (kubectl apply --server-side -f ${shown})\n`);
}

export function noteLine(note: RenderNote): string {
  return `${note.service !== undefined ? `${note.service}: ` : ''}${note.attribute}: ${note.message}`;
}

function clearObjectFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (OBJECT_FILE.test(name)) rmSync(path.join(dir, name), { force: true });
}

/** The images' EXPOSE ports, when a Docker engine answers (rendering works without one). */
async function exposedPorts(project: Project, images: Record<string, string>, opts: RenderOptions, io: Io): Promise<Record<string, string[]>> {
  if (Object.values(project.services).every((s) => s.ports?.length || s.expose?.length)) return {};
  try {
    const { docker } = await openEngineFromOptions(opts, io);
    return await readImagePorts(project, docker, images);
  } catch {
    return {};
  }
}
