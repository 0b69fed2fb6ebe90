/**
 * The interface of the Kubernetes stage (src/k8s/): what rendering produces and what applying,
 * rollout status, kind support and the commands consume. Rendering (src/k8s/render/) is pure:
 * compose project + choices in, plain objects out. Everything that talks to a cluster lives in
 * src/k8s/cluster/ (apply, prune, rollout, delete, scale) and src/k8s/images/ (getting images to
 * the nodes: registry push, kind load, pull secrets).
 */
import type { Project } from '../compose/model.js';

/** A Kubernetes object as we render and apply it: plain data, JSON-serialisable. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet';

/** One compose service as rendered: its workload and what must be ready before it is applied. */
export interface RenderedService {
  service: string;
  workload: WorkloadKind;
  /** Name of the workload object (the compose service name made DNS-safe). */
  name: string;
  /** Services (compose names) this one depends on (depends_on), which roll out first. */
  dependsOn: string[];
  replicas: number;
  image: string;
}

/** Something of the compose file that is not applied on Kubernetes, said rather than dropped. */
export interface RenderNote {
  service?: string;
  /** The compose attribute, e.g. `volumes[0]` (a bind mount) or `network_mode`. */
  attribute: string;
  message: string;
}

export interface RenderInput {
  project: Project;
  /** `x-devspace.environments.<name>` overlay to apply, if any. */
  environment?: string;
  /** Namespace over the one from x-devspace / the environment / the default (the project name). */
  namespace?: string;
  /**
   * The image reference each service runs, by compose service name: `repo@sha256:…` after a
   * push, a local tag after a kind load. Services missing here use their compose `image`/build tag.
   */
  images: Record<string, string>;
  /**
   * Ports each service's image declares (its EXPOSE, as image inspect gives them: `6379/tcp`), by
   * compose service name. Compose services reach each other on these without `ports`/`expose`, so
   * they join the Service's ports; without them a service like Redis that only EXPOSEs in its
   * Dockerfile gets no Service. Filled at the edge from the local engine when the image is there.
   */
  imagePorts?: Record<string, string[]>;
  /** Names of image pull Secrets (created by src/k8s/images/) every pod should reference. */
  imagePullSecrets?: string[];
  /**
   * What rendering needs from outside the compose model, read at the edge by
   * `readRenderSources` (src/k8s/render/read-sources.ts): the contents of files that secrets,
   * configs and `configMap` mounts name, and the variables `secrets.*.environment` names.
   */
  sources?: RenderSources;
}

export interface RenderSources {
  /** File contents by absolute path (a directory's files each under their own path). */
  files: Record<string, Uint8Array>;
  /** Variables for secrets and configs defined by `environment:`. */
  env: Record<string, string | undefined>;
}

export interface Rendered {
  project: string;
  namespace: string;
  environment?: string;
  /** Every object, Namespace first, then config (ConfigMaps, Secrets, PVCs), then workloads, Services, Ingresses, HPAs. */
  objects: K8sObject[];
  /** Services in dependency waves: each wave depends only on services of earlier waves. */
  waves: RenderedService[][];
  notes: RenderNote[];
}
