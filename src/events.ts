/**
 * What the domain stages report while they work. Renderers (src/ui/) display these and nothing
 * else; domain code never writes to the terminal itself. Keep each event small and plain-data
 * (the JSON renderer prints them as they are).
 */
export type DevspaceEvent =
  // build (src/build/)
  | { type: 'build-start'; service: string; image: string }
  | { type: 'build-step'; service: string; step: string }
  | { type: 'build-output'; service: string; line: string }
  /** `imageId`: set when an earlier image with these inputs was tagged again (the tag had moved off it). */
  | { type: 'build-cached'; service: string; image: string; digest: string; imageId?: string }
  | { type: 'build-done'; service: string; image: string; imageId: string; digest: string; durationMs: number }
  | { type: 'build-failed'; service: string; step?: string; message: string; tail: string[] }
  | { type: 'pull-start'; service: string; image: string }
  | { type: 'pull-progress'; service: string; image: string; layer: string; status: string; current?: number; total?: number }
  | { type: 'pull-done'; service: string; image: string }
  // push (src/registry/)
  | { type: 'push-start'; service: string; image: string }
  | { type: 'push-progress'; service: string; layer: string; status: string; current?: number; total?: number }
  | { type: 'push-retry'; service: string; image: string; attempt: number; delayMs: number; message: string }
  | { type: 'push-done'; service: string; image: string; digest: string; skipped: boolean; durationMs: number }
  // run (src/run/)
  | { type: 'resource'; kind: 'network' | 'volume'; name: string; action: 'created' | 'removed' | 'kept' }
  | { type: 'container'; service: string; name: string; action: ContainerAction; cause: string }
  | { type: 'service-state'; service: string; container: string; state: ServiceState; exitCode?: number; detail?: string }
  | { type: 'log'; service: string; container: string; stream: 'stdout' | 'stderr'; line: string; time?: string }
  // watch (src/watch/)
  | { type: 'watching'; services: string[]; paths: number; poll: boolean }
  | { type: 'watch'; service: string; action: WatchOutcome; durationMs: number; paths: string[]; files?: number; deleted?: number; command?: string; exitCode?: number; output?: string[] }
  | { type: 'watch-failed'; service?: string; action: 'sync' | 'rebuild' | 'restart' | 'exec' | 'reload'; message: string; next: string }
  // deploy (src/k8s/)
  | { type: 'k8s-object'; kind: string; name: string; namespace?: string; action: K8sObjectAction; manager?: string }
  | { type: 'image-load'; service: string; image: string; nodes: string[]; skipped: boolean; durationMs: number }
  | { type: 'rollout'; service: string; workload: string; state: RolloutState; desired: number; updated: number; ready: number; available: number; message: string; reason?: string; pod?: string; logs?: string[] }
  // anything else worth a line
  | { type: 'message'; level: 'info' | 'warn' | 'error'; text: string };

/**
 * synced: files copied/deleted; rebuilt: image rebuilt and containers recreated; unchanged: a
 * rebuild found the image inputs identical; restarted; exec: a sync+exec command ran; reloaded:
 * the compose file changed and the project converged (service is empty).
 */
export type WatchOutcome = 'synced' | 'rebuilt' | 'unchanged' | 'restarted' | 'exec' | 'reloaded';

/** created/configured/unchanged: server-side apply; pruned: applied before, no longer rendered; deleted: `devspace delete`. */
export type K8sObjectAction = 'created' | 'configured' | 'unchanged' | 'pruned' | 'deleted' | 'conflict';

/** progressing: not all new replicas ready; ready: rolled out; failed: a reason (CrashLoopBackOff, deadline…); rolled-back. */
export type RolloutState = 'progressing' | 'ready' | 'failed' | 'rolled-back';

export type ContainerAction = 'create' | 'recreate' | 'start' | 'keep' | 'stop' | 'remove' | 'scale-down' | 'orphan';

export type ServiceState = 'created' | 'starting' | 'running' | 'healthy' | 'unhealthy' | 'exited' | 'restarting' | 'removed';

export type Emit = (event: DevspaceEvent) => void;

/** An image ID as people read it: the first 12 hex digits, as `docker images` shows. */
export function shortImageId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
