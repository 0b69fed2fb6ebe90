/**
 * volumes, tmpfs, shm_size, configs and secrets → pod volumes, mounts and the objects behind them.
 * Named volumes become ReadWriteOnce PersistentVolumeClaims (size and class from
 * x-devspace.storage, 1Gi by default), or volumeClaimTemplates for a StatefulSet. Bind mounts are
 * dev-only: left out with a note, or an emptyDir / a ConfigMap of the files where x-devspace.mounts
 * says so. File contents come from input.sources, read at the edge.
 */
import path from 'node:path';
import type { FileReference, Resource } from '../../compose/model.js';
import { UserError } from '../../errors.js';
import { K8S_LABELS } from '../../labels.js';
import type { K8sObject } from '../manifest.js';
import { projectMetadata, serviceMetadata, type RenderContext, type ServiceContext } from './context.js';
import { childName, dnsLabel } from './names.js';
import { memoryQuantity } from './quantities.js';

type Obj = Record<string, unknown>;

export interface StoragePart {
  objects: K8sObject[];
  volumes: Obj[];
  volumeMounts: Obj[];
  /** For a StatefulSet: one claim template per named volume instead of a shared claim. */
  claimTemplates: Obj[];
  /** Whether the pods mount a ReadWriteOnce claim (a Deployment then needs the Recreate strategy). */
  rwoClaim: boolean;
}

const CONFIG_MAP_LIMIT = 1024 * 1024;

export function storage(ctx: RenderContext, svc: ServiceContext, statefulSet: boolean): StoragePart {
  const part: StoragePart = { objects: [], volumes: [], volumeMounts: [], claimTemplates: [], rwoClaim: false };
  const { spec, settings } = svc;
  (spec.volumes ?? []).forEach((v, i) => {
    const at = `volumes[${i}]`;
    const mount = (name: string, extra: Obj = {}) => part.volumeMounts.push({ name, mountPath: v.target, ...(v.read_only && { readOnly: true }), ...extra });
    if (v.type === 'volume' && v.source !== undefined) {
      const definition: Resource = ctx.project.volumes[v.source] ?? { name: v.source };
      const name = dnsLabel(v.source);
      const subPath = v.volume?.subpath ? { subPath: v.volume.subpath } : {};
      if (v.volume?.nocopy) ctx.note(svc.service, `${at}.volume.nocopy`, 'not applicable: a new claim starts empty; image content is never copied into it');
      if (definition.external) {
        const claimName = typeof definition.name === 'string' ? definition.name : v.source;
        ctx.note(svc.service, at, `external volume "${v.source}": mounts the existing PersistentVolumeClaim "${claimName}", which must exist in namespace ${ctx.namespace}`);
        part.volumes.push({ name, persistentVolumeClaim: { claimName, ...(v.read_only && { readOnly: true }) } });
        mount(name, subPath);
        return;
      }
      for (const key of ['driver', 'driver_opts']) {
        if (definition[key] !== undefined) ctx.note(undefined, `volumes.${v.source}.${key}`, 'not applicable: the claim uses the storage class from x-devspace.storage.class (or the cluster default)');
      }
      const claimSpec = {
        accessModes: ['ReadWriteOnce'],
        ...(settings.storage?.class !== undefined && { storageClassName: settings.storage.class }),
        resources: { requests: { storage: settings.storage?.size ?? '1Gi' } },
      };
      if (statefulSet) {
        // Claim templates cannot change once the StatefulSet exists: stable labels only (no version),
        // but the project's, so that `delete` can find the claims the StatefulSet leaves behind.
        const { [K8S_LABELS.version]: _version, ...stable } = svc.labels;
        part.claimTemplates.push({ metadata: { name, labels: stable }, spec: claimSpec });
      } else {
        const key = `PersistentVolumeClaim/${name}`;
        const existing = ctx.shared.get(key);
        if (existing) {
          ctx.note(svc.service, at, `volume "${v.source}" is shared with another service: its ReadWriteOnce claim can be mounted only on one node at a time`);
        } else {
          // A named volume belongs to the project, not to the first service that mounts it.
          const claim: K8sObject = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: projectMetadata(ctx, name), spec: claimSpec };
          ctx.shared.set(key, claim);
          part.objects.push(claim);
        }
        part.volumes.push({ name, persistentVolumeClaim: { claimName: name } });
      }
      part.rwoClaim = true;
      mount(name, subPath);
    } else if (v.type === 'volume') {
      const name = `anon-${i}`;
      ctx.note(svc.service, at, 'anonymous volume: an emptyDir, which lasts as long as the pod (name it to keep its data in a PersistentVolumeClaim)');
      part.volumes.push({ name, emptyDir: {} });
      mount(name);
    } else if (v.type === 'tmpfs') {
      const name = `tmpfs-${i}`;
      part.volumes.push({ name, emptyDir: { medium: 'Memory', ...(v.tmpfs?.size !== undefined && { sizeLimit: memoryQuantity(v.tmpfs.size) }) } });
      if (v.tmpfs?.mode !== undefined) ctx.note(svc.service, `${at}.tmpfs.mode`, 'not applicable: an emptyDir is writable by the pod; its mode cannot be set');
      mount(name);
    } else if (v.type === 'bind') {
      bindMount(ctx, svc, part, i);
    } else {
      ctx.note(svc.service, at, `left out: ${v.type} mounts have no Kubernetes equivalent`);
    }
  });
  (spec.tmpfs ?? []).forEach((entry, i) => {
    const [target, options = ''] = splitOnce(entry, ':');
    const size = /(?:^|,)size=([^,]+)/.exec(options)?.[1];
    const bytes = size === undefined ? undefined : parseSize(size);
    const name = `tmpfs-x${i}`;
    part.volumes.push({ name, emptyDir: { medium: 'Memory', ...(bytes !== undefined && { sizeLimit: memoryQuantity(bytes) }) } });
    part.volumeMounts.push({ name, mountPath: target });
  });
  if (spec.shm_size !== undefined) {
    part.volumes.push({ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: memoryQuantity(spec.shm_size) } });
    part.volumeMounts.push({ name: 'shm', mountPath: '/dev/shm' });
  }
  fileReferences(ctx, svc, part, 'configs', spec.configs);
  fileReferences(ctx, svc, part, 'secrets', spec.secrets);
  return part;
}

function bindMount(ctx: RenderContext, svc: ServiceContext, part: StoragePart, i: number): void {
  const v = svc.spec.volumes![i]!;
  const at = `volumes[${i}]`;
  const how = svc.settings.mounts?.[v.target] ?? 'omit';
  if (how === 'omit') {
    ctx.note(svc.service, at, `bind mount ${v.source ?? ''} → ${v.target} left out: bind mounts are for development (x-devspace.mounts can turn it into an emptyDir or a ConfigMap)`);
    return;
  }
  const name = `bind-${i}`;
  if (how === 'emptyDir') {
    part.volumes.push({ name, emptyDir: {} });
    part.volumeMounts.push({ name, mountPath: v.target });
    return;
  }
  const source = v.source!;
  const files = ctx.input.sources?.files ?? {};
  const configMap = childName(svc.name, `files-${path.basename(source)}`);
  const entries: [string, Uint8Array][] = [];
  let single = false;
  if (files[source] !== undefined) {
    entries.push([path.basename(source), files[source]!]);
    single = true;
  } else {
    for (const [file, content] of Object.entries(files)) {
      if (!file.startsWith(source + path.sep)) continue;
      const rel = file.slice(source.length + 1);
      if (rel.includes(path.sep)) {
        ctx.note(svc.service, at, `${rel} left out of ConfigMap ${configMap}: a ConfigMap holds the files of one directory, not its subdirectories`);
        continue;
      }
      entries.push([rel, content]);
    }
    if (entries.length === 0 && !ctx.input.sources) {
      ctx.note(svc.service, at, `ConfigMap ${configMap} rendered without its files: they were not read (pass sources from readRenderSources)`);
    } else if (entries.length === 0) throw new Error(`renderProject: the contents of ${source} (bind mount of ${svc.service}) were not provided; read them with readRenderSources`);
  }
  part.objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: serviceMetadata(ctx, svc, configMap), ...configMapData(entries, `${svc.service} ${at}`) });
  part.volumes.push({ name, configMap: { name: configMap } });
  part.volumeMounts.push({ name, mountPath: v.target, readOnly: true, ...(single && { subPath: path.basename(source) }) });
}

/** configs → ConfigMaps and secrets → Secrets, one per compose definition, mounted where compose mounts them. */
function fileReferences(ctx: RenderContext, svc: ServiceContext, part: StoragePart, kind: 'configs' | 'secrets', refs: FileReference[] | undefined): void {
  (refs ?? []).forEach((ref, i) => {
    const at = `${kind}[${i}]`;
    const definition = ctx.project[kind][ref.source];
    if (!definition) return; // the loader reported it
    const isSecret = kind === 'secrets';
    const objectKind = isSecret ? 'Secret' : 'ConfigMap';
    const key = ref.source;
    const dir = isSecret ? '/run/secrets/' : '/';
    const target = !ref.target ? dir + ref.source : ref.target.startsWith('/') ? ref.target : dir + ref.target;
    let objectName = dnsLabel(ref.source);
    if (definition.external) {
      objectName = typeof definition.name === 'string' ? definition.name : ref.source;
      ctx.note(svc.service, at, `external ${kind.slice(0, -1)} "${ref.source}": mounts the existing ${objectKind} "${objectName}" (key "${ref.source}"), which must exist in namespace ${ctx.namespace}`);
    } else {
      const shareKey = `${objectKind}/${objectName}`;
      if (!ctx.shared.has(shareKey)) {
        // Without sources (scale, delete and the like only need names) the object has no data, and says so.
        const fromOutside = typeof definition.file === 'string' || typeof definition.environment === 'string';
        const content = !fromOutside || ctx.input.sources ? definitionContent(ctx, kind, ref.source, definition) : undefined;
        if (!content) ctx.note(svc.service, at, `${objectKind} ${objectName} rendered without its content: it was not read (pass sources from readRenderSources)`);
        const data = !content ? (isSecret ? { type: 'Opaque' } : {}) : isSecret ? { type: 'Opaque', data: { [key]: Buffer.from(content).toString('base64') } } : configMapData([[key, content]], `${kind}.${ref.source}`);
        const object: K8sObject = { apiVersion: 'v1', kind: objectKind, metadata: projectMetadata(ctx, objectName), ...data };
        ctx.shared.set(shareKey, object);
        part.objects.push(object);
      }
      for (const k of ['driver', 'driver_opts', 'template_driver']) {
        if (definition[k] !== undefined) ctx.note(undefined, `${kind}.${ref.source}.${k}`, 'not applicable: the content is stored in the ' + objectKind);
      }
    }
    for (const k of ['uid', 'gid'] as const) {
      if (ref[k] !== undefined) ctx.note(svc.service, `${at}.${k}`, `not applicable: files of a ${objectKind} volume belong to root, or to the pod's fsGroup`);
    }
    const name = childName(isSecret ? 'secret' : 'config', ref.source);
    const mode = ref.mode !== undefined ? { defaultMode: ref.mode } : {};
    part.volumes.push(isSecret ? { name, secret: { secretName: objectName, ...mode } } : { name, configMap: { name: objectName, ...mode } });
    part.volumeMounts.push({ name, mountPath: target, subPath: key, readOnly: true });
  });
}

function definitionContent(ctx: RenderContext, kind: 'configs' | 'secrets', source: string, definition: Resource): Uint8Array {
  const what = `${kind}.${source}`;
  if (typeof definition.file === 'string') {
    const content = ctx.input.sources?.files[definition.file];
    if (content === undefined) throw new Error(`renderProject: the contents of ${definition.file} (${what}) were not provided; read them with readRenderSources`);
    return content;
  }
  if (typeof definition.environment === 'string') {
    const value = ctx.input.sources?.env[definition.environment];
    if (value === undefined) throw new Error(`renderProject: the variable ${definition.environment} (${what}) was not provided; read it with readRenderSources`);
    return Buffer.from(value);
  }
  if (typeof definition.content === 'string') return Buffer.from(definition.content);
  throw new Error(`renderProject: ${what} has neither file, environment nor content`);
}

function configMapData(entries: [string, Uint8Array][], what: string): Obj {
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  let total = 0;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  for (const [key, content] of entries.sort(([a], [b]) => (a < b ? -1 : 1))) {
    total += content.byteLength;
    try {
      data[key] = utf8.decode(content);
    } catch {
      binaryData[key] = Buffer.from(content).toString('base64');
    }
  }
  if (total > CONFIG_MAP_LIMIT) {
    throw new UserError(`${what}: ${total} bytes do not fit in a ConfigMap (at most 1 MiB)`, ['Bake the files into the image, or mount a PersistentVolumeClaim instead.']);
  }
  return { ...(Object.keys(data).length > 0 && { data }), ...(Object.keys(binaryData).length > 0 && { binaryData }) };
}

function splitOnce(text: string, sep: string): [string, string?] {
  const at = text.indexOf(sep);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

function parseSize(text: string): number | undefined {
  const m = /^([0-9.]+)([kmgt]?)b?$/i.exec(text);
  if (!m) return undefined;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.floor(Number(m[1]) * unit);
}
