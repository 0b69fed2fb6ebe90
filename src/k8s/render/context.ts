/**
 * What every part of rendering shares: the project, the chosen environment's overlay, the
 * namespace, the labels, and the notes said about what is not carried over.
 */
import type { Project, Service } from '../../compose/model.js';
import { projectSettings, serviceSettings, type ProjectSettings, type ServiceSettings } from '../../compose/x-devspace.js';
import { UserError } from '../../errors.js';
import type { K8sObject, RenderInput, RenderNote } from '../manifest.js';
import { dnsLabel, imageVersion as imageVersionOf, objectLabels, selectorLabels, type LabelContext } from './names.js';

type EnvironmentSettings = NonNullable<ProjectSettings['environments']>[string];
export type EnvironmentServiceSettings = NonNullable<EnvironmentSettings['services']>[string];

export interface RenderContext {
  input: RenderInput;
  project: Project;
  settings: ProjectSettings | undefined;
  environment: EnvironmentSettings | undefined;
  namespace: string;
  labels: LabelContext;
  notes: RenderNote[];
  note(service: string | undefined, attribute: string, message: string): void;
  /** Objects several services share (a compose secret or config, a named volume's claim), by kind/name. */
  shared: Map<string, K8sObject>;
}

/** One compose service with everything derived from its name and settings. */
export interface ServiceContext {
  /** Compose name. */
  service: string;
  /** DNS-1123 name of its workload, Service, ConfigMaps… */
  name: string;
  spec: Service;
  settings: ServiceSettings;
  overlay: EnvironmentServiceSettings;
  image: string;
  labels: Record<string, string>;
  selector: Record<string, string>;
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function renderContext(input: RenderInput): RenderContext {
  const { project } = input;
  const settings = projectSettings(project);
  const environments = settings?.environments ?? {};
  let environment: EnvironmentSettings | undefined;
  if (input.environment !== undefined) {
    environment = environments[input.environment];
    if (!environment) {
      const names = Object.keys(environments);
      throw new UserError(`unknown environment "${input.environment}"`, [
        names.length > 0 ? `Environments of this project: ${names.join(', ')}.` : 'This project defines no environments; add them under x-devspace.environments, or leave out --env.',
      ]);
    }
  }
  const namespace = input.namespace ?? environment?.namespace ?? settings?.kubernetes?.namespace ?? dnsLabel(project.name);
  if (!NAMESPACE.test(namespace) || namespace.length > 63) {
    throw new UserError(`"${namespace}" is not a valid Kubernetes namespace`, ['Use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit.']);
  }
  const notes: RenderNote[] = [];
  return {
    input,
    project,
    settings,
    environment,
    namespace,
    labels: { project: project.name, ...(input.environment !== undefined && { environment: input.environment }) },
    notes,
    shared: new Map(),
    note(service, attribute, message) {
      notes.push({ ...(service !== undefined && { service }), attribute, message });
    },
  };
}

export function serviceContext(ctx: RenderContext, service: string): ServiceContext {
  const spec = ctx.project.services[service]!;
  const name = dnsLabel(service);
  const overlay = ctx.environment?.services?.[service] ?? {};
  const image = overlay.image ?? ctx.input.images[service] ?? spec.image ?? `${ctx.project.name}-${service}`;
  return {
    service,
    name,
    spec,
    settings: serviceSettings(spec) ?? {},
    overlay,
    image,
    labels: objectLabels(ctx.labels, { name, version: imageVersionOf(image) }),
    selector: selectorLabels(ctx.project.name, name),
  };
}

/** The metadata of an object of the project (not of one service). */
export function projectMetadata(ctx: RenderContext, name: string): K8sObject['metadata'] {
  return { name, namespace: ctx.namespace, labels: objectLabels(ctx.labels) };
}

/** The metadata of an object that belongs to a service. */
export function serviceMetadata(ctx: RenderContext, svc: ServiceContext, name = svc.name): K8sObject['metadata'] {
  return { name, namespace: ctx.namespace, labels: { ...svc.labels } };
}
