/**
 * A recorded event sequence (test data): `devspace up` of the example app with a rebuild, a
 * push and a deploy after it, holding every event type of src/events.ts at least once. The
 * plain, JSON and terminal renderers are tested on it; `satisfies` makes a new event type
 * without a sample here a type error.
 */
import type { DevspaceEvent } from '../events.js';

type Sample = { [T in DevspaceEvent['type']]: Extract<DevspaceEvent, { type: T }> };

export const SAMPLES = {
  'build-start': { type: 'build-start', service: 'front', image: 'voting-app-front' },
  'build-step': { type: 'build-step', service: 'front', step: 'Step 3/6 : RUN pip install flask redis' },
  'build-output': { type: 'build-output', service: 'front', line: 'Successfully installed flask-3.0.3 redis-5.0.8' },
  'build-cached': { type: 'build-cached', service: 'back', image: 'voting-app-back', digest: 'sha256:3f1c0d5e' },
  'build-done': { type: 'build-done', service: 'front', image: 'voting-app-front', imageId: 'sha256:9a0b1c2d', digest: 'sha256:5e6f7a8b', durationMs: 4120 },
  'build-failed': { type: 'build-failed', service: 'front', step: 'Step 3/6 : RUN pip install flask==99', message: 'The command returned a non-zero code: 1', tail: ['ERROR: No matching distribution found for flask==99'] },
  'pull-start': { type: 'pull-start', service: 'cache', image: 'redis:7-alpine' },
  'pull-progress': { type: 'pull-progress', service: 'cache', image: 'redis:7-alpine', layer: 'a1b2c3d4e5f6', status: 'Downloading', current: 1048576, total: 3623807 },
  'pull-done': { type: 'pull-done', service: 'cache', image: 'redis:7-alpine' },
  'push-start': { type: 'push-start', service: 'front', image: '127.0.0.1:5000/voting-app/front:sha-5e6f7a8b' },
  'push-progress': { type: 'push-progress', service: 'front', layer: 'c0ffee00beef', status: 'Pushing', current: 524288, total: 2097152 },
  'push-retry': { type: 'push-retry', service: 'front', image: '127.0.0.1:5000/voting-app/front:sha-5e6f7a8b', attempt: 1, delayMs: 2000, message: '503 Service Unavailable' },
  'push-done': { type: 'push-done', service: 'front', image: '127.0.0.1:5000/voting-app/front:sha-5e6f7a8b', digest: 'sha256:77aa88bb99cc', skipped: false, durationMs: 1830 },
  resource: { type: 'resource', kind: 'network', name: 'voting-app_default', action: 'created' },
  container: { type: 'container', service: 'front', name: 'voting-app-front-1', action: 'recreate', cause: 'image changed' },
  'service-state': { type: 'service-state', service: 'front', container: 'voting-app-front-1', state: 'healthy' },
  log: { type: 'log', service: 'back', container: 'voting-app-back-1', stream: 'stdout', line: 'Ready to accept connections tcp' },
  watching: { type: 'watching', services: ['front', 'back'], paths: 6, poll: false },
  watch: { type: 'watch', service: 'front', action: 'synced', durationMs: 42, paths: ['/src/voting-app/front/templates/index.html'], files: 1, deleted: 0 },
  'watch-failed': { type: 'watch-failed', service: 'front', action: 'sync', message: 'cannot sync into voting-app-front-1: read-only file system', next: 'rebuilding instead' },
  'k8s-object': { type: 'k8s-object', kind: 'Deployment', name: 'front', namespace: 'voting-app', action: 'configured', manager: 'devspace' },
  'image-load': { type: 'image-load', service: 'front', image: 'voting-app-front:sha-5e6f7a8b', nodes: ['kind-control-plane'], skipped: false, durationMs: 2310 },
  rollout: { type: 'rollout', service: 'front', workload: 'deployment/front', state: 'progressing', desired: 2, updated: 1, ready: 1, available: 1, message: '1 of 2 updated replicas are available' },
  message: { type: 'message', level: 'warn', text: 'services.front.deploy.resources.reservations.cpus: a single Docker engine has no CPU reservation' },
} satisfies Sample;

/** The order a run produces them in (roughly): build, start, logs, watch, push, deploy. */
export const RECORDED: DevspaceEvent[] = [
  SAMPLES['build-cached'],
  SAMPLES['build-start'],
  SAMPLES['build-step'],
  SAMPLES['build-output'],
  SAMPLES['build-done'],
  SAMPLES['pull-start'],
  SAMPLES['pull-progress'],
  SAMPLES['pull-done'],
  SAMPLES.resource,
  SAMPLES.message,
  { type: 'container', service: 'back', name: 'voting-app-back-1', action: 'create', cause: 'no container' },
  { type: 'service-state', service: 'back', container: 'voting-app-back-1', state: 'starting' },
  SAMPLES.log,
  { type: 'service-state', service: 'back', container: 'voting-app-back-1', state: 'healthy' },
  SAMPLES.container,
  { type: 'service-state', service: 'front', container: 'voting-app-front-1', state: 'starting' },
  SAMPLES['service-state'],
  SAMPLES.watching,
  SAMPLES.watch,
  SAMPLES['watch-failed'],
  SAMPLES['build-start'],
  SAMPLES['build-failed'],
  SAMPLES['push-start'],
  SAMPLES['push-progress'],
  SAMPLES['push-retry'],
  SAMPLES['push-done'],
  SAMPLES['k8s-object'],
  SAMPLES['image-load'],
  SAMPLES.rollout,
  { ...SAMPLES.rollout, state: 'ready', updated: 2, ready: 2, available: 2, message: 'rolled out' },
];
