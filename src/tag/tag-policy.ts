/**
 * Tag policies (pure): `digest` (default) — the content digest of the build inputs, so the same
 * inputs give the same tag on any machine; `git` — the short commit, `-dirty` when the tree has
 * changes; anything else is a template over {{.Service}}, {{.Project}}, {{.GitCommit}},
 * {{.Digest}}, {{.Date}} and {{.Env.NAME}}. A tag that says nothing (`latest`) is refused.
 */
import { UserError } from '../errors.js';

export type TagPolicy = { kind: 'digest' } | { kind: 'git' } | { kind: 'template'; template: string };

export interface GitState {
  commit: string;
  dirty: boolean;
}

export interface TagInputs {
  project: string;
  service: string;
  /** `sha256:<hex>` of the build inputs. */
  digest: string;
  git?: GitState;
  date: Date;
  env: Readonly<Record<string, string | undefined>>;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const FIELD = /\{\{\s*\.([A-Za-z]+)(?:\.([A-Za-z_][A-Za-z0-9_]*))?\s*\}\}/g;
export const TEMPLATE_FIELDS = ['Service', 'Project', 'GitCommit', 'Digest', 'Date', 'Env.NAME'];

export function parseTagPolicy(text: string, from: string): TagPolicy {
  if (text === 'digest') return { kind: 'digest' };
  if (text === 'git') return { kind: 'git' };
  const leftover = text.replace(FIELD, 'x');
  if (/\{\{|\}\}/.test(leftover)) throw new UserError(`tag template "${text}" (${from}) has a field devspace does not know`, [`Fields: ${TEMPLATE_FIELDS.map((f) => `{{.${f}}}`).join(' ')}`]);
  for (const m of text.matchAll(FIELD)) {
    const field = m[2] ? `${m[1]}.NAME` : m[1]!;
    if (!TEMPLATE_FIELDS.includes(field) || (m[1] === 'Env') !== (m[2] !== undefined)) {
      throw new UserError(`tag template "${text}" (${from}) uses {{.${m[1]}${m[2] ? `.${m[2]}` : ''}}}, which devspace does not know`, [`Fields: ${TEMPLATE_FIELDS.map((f) => `{{.${f}}}`).join(' ')}`]);
    }
  }
  return { kind: 'template', template: text };
}

export function needsGit(policy: TagPolicy): boolean {
  return policy.kind === 'git' || (policy.kind === 'template' && /\{\{\s*\.GitCommit\s*\}\}/.test(policy.template));
}

const gitTag = (git: GitState) => `${git.commit}${git.dirty ? '-dirty' : ''}`;
const digestTag = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 16);
const dateTag = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

export function renderTag(policy: TagPolicy, inputs: TagInputs): string {
  let tag: string;
  if (policy.kind === 'digest') tag = digestTag(inputs.digest);
  else if (policy.kind === 'git') tag = gitTag(inputs.git!);
  else {
    tag = policy.template.replace(FIELD, (_m, field: string, name: string | undefined) => {
      switch (field) {
        case 'Service':
          return inputs.service;
        case 'Project':
          return inputs.project;
        case 'GitCommit':
          return gitTag(inputs.git!);
        case 'Digest':
          return digestTag(inputs.digest);
        case 'Date':
          return dateTag(inputs.date);
        default: {
          const value = inputs.env[name!];
          if (value === undefined) throw new UserError(`tag template "${policy.template}" uses {{.Env.${name}}}, but ${name} is not set`, [`Set ${name}, or change the template.`]);
          return value;
        }
      }
    });
  }
  if (!TAG.test(tag)) {
    throw new UserError(`the tag "${tag}" for ${inputs.service} is not a valid Docker tag`, ['A tag is up to 128 letters, digits, "_", "." and "-", not starting with "." or "-".']);
  }
  if (tag === 'latest') throw new UserError(`the tag policy gives "latest" for ${inputs.service}, which says nothing about what is in the image`, ['Use digest (default), git, or a template with {{.Digest}} or {{.GitCommit}}.']);
  return tag;
}
