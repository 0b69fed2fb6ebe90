/**
 * Objects as multi-document YAML, the way kubectl reads them. Secret values are replaced by a
 * placeholder unless asked for: `render` output ends up in terminals, CI logs and pull requests.
 * The placeholder is not base64, so applying hidden output by mistake fails at the API server
 * instead of storing a wrong value.
 */
import { stringify } from 'yaml';
import type { K8sObject } from '../manifest.js';

export const SECRET_PLACEHOLDER = '<hidden: devspace render --show-secrets prints it>';

export function manifestsYaml(objects: K8sObject[], options: { showSecrets: boolean }): string {
  return objects.map((o) => objectYaml(options.showSecrets ? o : hideSecret(o))).join('---\n');
}

export function objectYaml(object: K8sObject): string {
  return stringify(object, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** A Secret with every value replaced by the placeholder (keys stay: they are not secret, and say what is there). */
export function hideSecret(object: K8sObject): K8sObject {
  if (object.kind !== 'Secret') return object;
  const hidden: K8sObject = { ...object };
  for (const field of ['data', 'stringData']) {
    const values = object[field] as Record<string, string> | undefined;
    if (values) hidden[field] = Object.fromEntries(Object.keys(values).map((k) => [k, SECRET_PLACEHOLDER]));
  }
  return hidden;
}

/** `NN-kind-name.yaml`: the file of an object in `render -o DIR`, numbered in apply order. */
export function objectFileName(object: K8sObject, index: number, total: number): string {
  const width = Math.max(2, String(total).length);
  return `${String(index + 1).padStart(width, '0')}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
}
