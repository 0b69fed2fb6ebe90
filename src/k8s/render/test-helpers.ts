/** Test helpers: a compose file from a string, loaded as the CLI would, then rendered. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadProject } from '../../compose/load-project.js';
import type { K8sObject, Rendered, RenderInput } from '../manifest.js';
import { renderProject } from './index.js';
import { readRenderSources } from './read-sources.js';

export function loadCompose(yaml: string, files: Record<string, string> = {}, env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'devspace-render-'));
  writeFileSync(path.join(dir, 'compose.yaml'), yaml);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const { project } = loadProject({ cwd: dir, env, home: '/home/me' });
  return { project, dir, sources: readRenderSources(project, env) };
}

export function renderCompose(yaml: string, input: Partial<Omit<RenderInput, 'project'>> = {}, files: Record<string, string> = {}, env: Record<string, string> = {}): Rendered {
  const { project, sources } = loadCompose(yaml, files, env);
  return renderProject({ project, images: {}, sources, ...input });
}

export function find(rendered: Rendered, kind: string, name: string): K8sObject {
  const o = rendered.objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in ${rendered.objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

export type Obj = Record<string, any>;

/** The pod spec of a workload, and its one container. */
export function pod(rendered: Rendered, name: string, kind = 'Deployment'): { spec: Obj; container: Obj; template: Obj; workload: Obj } {
  const workload = find(rendered, kind, name) as Obj;
  const template = workload.spec.template;
  return { workload, template, spec: template.spec, container: template.spec.containers[0] };
}

export function notesOf(rendered: Rendered, service?: string): string[] {
  return rendered.notes.filter((n) => service === undefined || n.service === service).map((n) => `${n.attribute}: ${n.message}`);
}
