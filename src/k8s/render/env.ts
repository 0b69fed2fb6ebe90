/**
 * environment (with env_file already merged in by the loader) → a ConfigMap `<service>-env` and,
 * for the variables named in x-devspace.secret_environment, a Secret `<service>-env-secret`, both
 * used through envFrom. envFrom rather than one valueFrom per variable: the pod template stays
 * short and readable, and a changed value rolls the pods through the config hash annotation
 * (see workload.ts) instead of through the template.
 */
import type { K8sObject } from '../manifest.js';
import { serviceMetadata, type RenderContext, type ServiceContext } from './context.js';
import { childName } from './names.js';

export interface EnvPart {
  objects: K8sObject[];
  envFrom: Record<string, unknown>[];
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

export function environment(ctx: RenderContext, svc: ServiceContext): EnvPart {
  const secretNames = new Set(svc.settings.secret_environment ?? []);
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  for (const [key, value] of Object.entries(svc.spec.environment ?? {})) {
    if (value === null) {
      ctx.note(svc.service, `environment.${key}`, 'left out: it has no value here (compose would take it from the shell running it); set it in the compose file or an env_file');
      continue;
    }
    if (!CONFIG_KEY.test(key)) {
      ctx.note(svc.service, `environment.${key}`, 'left out: Kubernetes ConfigMap and Secret keys allow only letters, digits, "-", "_" and "."');
      continue;
    }
    (secretNames.has(key) ? secret : plain)[key] = value;
  }
  for (const key of secretNames) {
    if (!(key in (svc.spec.environment ?? {}))) ctx.note(svc.service, 'x-devspace.secret_environment', `"${key}" is not a variable of this service; nothing to keep secret`);
  }
  const objects: K8sObject[] = [];
  const envFrom: Record<string, unknown>[] = [];
  if (Object.keys(plain).length > 0) {
    const name = childName(svc.name, 'env');
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: serviceMetadata(ctx, svc, name), data: sorted(plain) });
    envFrom.push({ configMapRef: { name } });
  }
  if (Object.keys(secret).length > 0) {
    const name = childName(svc.name, 'env-secret');
    const data = Object.fromEntries(Object.entries(sorted(secret)).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
    objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: serviceMetadata(ctx, svc, name), type: 'Opaque', data });
    envFrom.push({ secretRef: { name } });
  }
  return { objects, envFrom };
}

function sorted(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
