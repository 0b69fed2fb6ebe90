import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { serviceSchema } from '../../compose/schema.js';
import { serviceSettingsSchema } from '../../compose/x-devspace.js';

const doc = readFileSync(new URL('../../../docs/kubernetes.md', import.meta.url), 'utf8');

test('docs/kubernetes.md maps every compose service attribute in its table', () => {
  const table = doc.slice(doc.indexOf('## The mapping, attribute by attribute'), doc.indexOf('## x-devspace keys for Kubernetes'));
  const rows = new Set([...table.matchAll(/^\| `([a-z_]+)[`.]/gm)].map((m) => m[1]));
  const attributes = Object.keys(serviceSchema.shape);
  expect(attributes.length).toBeGreaterThan(80);
  expect(attributes.filter((a) => !rows.has(a))).toEqual([]);
});

test('docs/kubernetes.md names every Kubernetes key of x-devspace', () => {
  const kubernetesKeys = Object.keys(serviceSettingsSchema.shape).filter((k) => !['registry', 'watch'].includes(k));
  const section = doc.slice(doc.indexOf('## x-devspace keys for Kubernetes'));
  expect(kubernetesKeys.filter((k) => !section.includes(`| \`${k}`))).toEqual([]);
});
