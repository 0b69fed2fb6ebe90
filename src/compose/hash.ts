import type { Service } from './model.js';

/**
 * The per-service config hash: it changes exactly when the container would have to change.
 * Fields that shape how devspace builds, scales or orders the service — not the container
 * itself — are left out (as Docker Compose does): build, pull_policy, scale, deploy.replicas,
 * depends_on, profiles, develop, extends, and x-* extensions.
 */
export function serviceConfigHash(service: Service): string {
  const { build: _b, pull_policy: _p, scale: _s, depends_on: _d, profiles: _pr, develop: _dv, ...rest } = service;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) if (!key.startsWith('x-') && key !== 'extends') kept[key] = value;
  if (service.deploy) {
    const { replicas: _r, ...deploy } = service.deploy;
    // `deploy: {replicas: n}` alone hashes like no deploy at all, as `scale: n` does.
    if (Object.keys(deploy).length > 0) kept.deploy = deploy;
    else delete kept.deploy;
  }
  // node:crypto is loaded on first use: `devspace config` rarely hashes, and start-up counts.
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(canonicalJson(kept)).digest('hex');
}

/** JSON with object keys sorted at every level, so equal values always hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
