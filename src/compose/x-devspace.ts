/**
 * Our own settings, carried in compose's extension mechanism: a top-level `x-devspace` block and
 * a per-service `x-devspace` block. Unknown keys here are errors (with a suggestion); other
 * tools' `x-*` keys are left alone. docs/configuration.md documents every key.
 */
import * as z from 'zod';
import { bool, int, number, strictObject, str } from './schema.js';

/** A Kubernetes namespace name (RFC 1123 label); the --namespace flag is checked where it is used. */
const namespace = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a Kubernetes namespace: at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit');
const quantity = z.union([z.number(), z.string().regex(/^[0-9.]+(m|k|Ki|Mi|Gi|Ti|M|G|T|b|kb|mb|gb)?$/i, 'expected a quantity such as 250m, 0.5, 512Mi or 1g')]);
const resources = strictObject({
  limits: strictObject({ cpus: quantity.optional(), memory: quantity.optional() }).optional(),
  reservations: strictObject({ cpus: quantity.optional(), memory: quantity.optional() }).optional(),
});
const autoscale = strictObject({
  min: int.optional(),
  max: int,
  cpu: int.refine((n) => n > 0 && n <= 100, 'expected a CPU utilisation target between 1 and 100 (percent)'),
});
const ingress = strictObject({ host: str, path: str.optional(), class: str.optional(), tls_secret: str.optional() });
const probe = z.union([
  strictObject({ http: strictObject({ path: str, port: int.optional() }) }),
  strictObject({ tcp: strictObject({ port: int }) }),
  strictObject({ disable: bool }),
]);

export const serviceSettingsSchema = strictObject({
  service: strictObject({ type: z.enum(['ClusterIP', 'LoadBalancer', 'NodePort', 'Headless']).optional(), node_port: int.optional() }).optional(),
  ingress: ingress.optional(),
  autoscale: autoscale.optional(),
  workload: z.enum(['deployment', 'statefulset']).optional(),
  storage: strictObject({ size: str.optional(), class: str.optional() }).optional(),
  probes: strictObject({ readiness: probe.optional(), liveness: probe.optional() }).optional(),
  /** Bind mounts on Kubernetes: left out (default) or turned into an emptyDir or a ConfigMap. */
  mounts: z.record(z.string(), z.enum(['omit', 'emptyDir', 'configMap'])).optional(),
  secret_environment: z.array(z.string()).optional(),
  wait_for_dependencies: bool.optional(),
  registry: str.optional(),
  /** Default watch rule (rebuild on build-context changes) when there is no develop.watch. */
  watch: bool.optional(),
});

const environmentService = strictObject({
  replicas: int.optional(),
  image: str.optional(),
  resources: resources.optional(),
  autoscale: autoscale.optional(),
  ingress: ingress.optional(),
});

export const projectSettingsSchema = strictObject({
  registry: str.optional(),
  tag: str.optional(),
  build: strictObject({ parallel: int.refine((n) => n >= 1, 'expected at least 1').optional() }).optional(),
  kubernetes: strictObject({ context: str.optional(), namespace: namespace.optional(), kubeconfig: str.optional(), timeout: number.optional() }).optional(),
  environments: z.record(z.string(), strictObject({
    registry: str.optional(),
    namespace: namespace.optional(),
    context: str.optional(),
    tag: str.optional(),
    services: z.record(z.string(), environmentService).optional(),
  })).optional(),
});

export type ServiceSettings = z.output<typeof serviceSettingsSchema>;
export type ProjectSettings = z.output<typeof projectSettingsSchema>;

/** A project's validated `x-devspace` block (load-file.ts checked it against the schema). */
export function projectSettings(project: { extensions: Record<string, unknown> }): ProjectSettings | undefined {
  return project.extensions['x-devspace'] as ProjectSettings | undefined;
}

/** A service's validated `x-devspace` block. */
export function serviceSettings(service: object): ServiceSettings | undefined {
  return (service as { 'x-devspace'?: ServiceSettings })['x-devspace'];
}
