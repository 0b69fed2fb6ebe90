/**
 * healthcheck → readiness AND liveness probes. Compose has one check that both gates
 * `service_healthy` dependants and restarts nothing; Kubernetes splits it: readiness keeps a pod
 * out of its Service while the check fails, liveness restarts it. Compose's defaults (30s interval,
 * 30s timeout, 3 retries) are written out, since Kubernetes' own (10s, 1s) would change behaviour.
 * start_period becomes the liveness probe's initialDelaySeconds: failures during it must not restart
 * the container, but a pod that turns healthy early should be ready early.
 */
import { parseDuration } from '../../compose/units.js';
import type { RenderContext, ServiceContext } from './context.js';
import { seconds } from './quantities.js';

type Probe = Record<string, unknown>;
type ProbeSetting = { http: { path: string; port?: number } } | { tcp: { port: number } } | { disable: boolean };

export function probes(ctx: RenderContext, svc: ServiceContext, firstPort: number | undefined): { readinessProbe?: Probe; livenessProbe?: Probe } {
  const hc = svc.spec.healthcheck;
  const ms = (d: string | undefined, fallback: number) => (d === undefined ? fallback : parseDuration(d) ?? fallback);
  let timing: Probe = {};
  let fromHealthcheck: Probe | undefined;
  if (hc && !hc.disable && hc.test && hc.test.length > 1) {
    timing = {
      periodSeconds: seconds(ms(hc.interval, 30_000)),
      timeoutSeconds: seconds(ms(hc.timeout, 30_000)),
      failureThreshold: Math.max(1, hc.retries ?? 3),
    };
    const command = hc.test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', hc.test.slice(1).join(' ')] : hc.test.slice(1);
    fromHealthcheck = { exec: { command } };
    if (hc.start_interval !== undefined) ctx.note(svc.service, 'healthcheck.start_interval', 'not applicable: probes run at one interval (periodSeconds); start_period delays the liveness probe instead');
  }
  const startDelay = hc?.start_period !== undefined ? seconds(ms(hc.start_period, 0), 0) : 0;
  const overrides = svc.settings.probes ?? {};
  const one = (kind: 'readiness' | 'liveness'): Probe | undefined => {
    const setting = overrides[kind] as ProbeSetting | undefined;
    let handler: Probe | undefined = fromHealthcheck;
    if (setting) {
      if ('disable' in setting) handler = setting.disable ? undefined : fromHealthcheck;
      else if ('http' in setting) {
        const port = setting.http.port ?? firstPort;
        if (port === undefined) {
          ctx.note(svc.service, `x-devspace.probes.${kind}`, 'left out: an HTTP probe needs a port (x-devspace.probes.*.http.port, or a port in ports/expose)');
          handler = undefined;
        } else handler = { httpGet: { path: setting.http.path, port } };
      } else handler = { tcpSocket: { port: setting.tcp.port } };
    }
    if (!handler) return undefined;
    const delay = kind === 'liveness' && startDelay > 0 ? { initialDelaySeconds: startDelay } : {};
    return { ...handler, ...delay, ...timing };
  };
  const readinessProbe = one('readiness');
  const livenessProbe = one('liveness');
  return { ...(readinessProbe && { readinessProbe }), ...(livenessProbe && { livenessProbe }) };
}
