import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { K8S_LABELS } from '../../labels.js';
import { UserError } from '../../errors.js';
import { manifestsYaml, renderProject, SECRET_PLACEHOLDER } from './index.js';
import { find, loadCompose, notesOf, pod, renderCompose } from './test-helpers.js';
import { WAIT_IMAGE } from './workload.js';

const one = (service: string) => `name: shop\nservices:\n${service}`;

describe('namespace and labels', () => {
  test('the namespace: --namespace over the environment over x-devspace.kubernetes over the project name', () => {
    const yaml = `name: shop_app
services:
  web: { image: nginx:1.27 }
x-devspace:
  kubernetes: { namespace: from-project }
  environments:
    prod: { namespace: from-env }
    dev: {}
`;
    expect(renderCompose(yaml, { namespace: 'from-flag', environment: 'prod' }).namespace).toBe('from-flag');
    expect(renderCompose(yaml, { environment: 'prod' }).namespace).toBe('from-env');
    expect(renderCompose(yaml, { environment: 'dev' }).namespace).toBe('from-project');
    expect(renderCompose('name: shop_app\nservices:\n  web: { image: nginx }\n').namespace).toBe('shop-app');
    const r = renderCompose(yaml, { namespace: 'ns1' });
    expect(r.objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'ns1', labels: { [K8S_LABELS.project]: 'shop_app', [K8S_LABELS.managedBy]: 'devspace' } } });
    for (const o of r.objects.slice(1)) expect(o.metadata.namespace).toBe('ns1');
  });

  test('an invalid namespace and an unknown environment are user errors that say what to do', () => {
    const yaml = one('  web: { image: nginx }\n') + 'x-devspace:\n  environments:\n    prod: {}\n    staging: {}\n';
    expect(() => renderCompose(yaml, { namespace: 'Not_Valid' })).toThrow(UserError);
    expect(() => renderCompose(yaml, { environment: 'qa' })).toThrow(/unknown environment "qa"/);
    try {
      renderCompose(yaml, { environment: 'qa' });
    } catch (e) {
      expect((e as UserError).nextSteps.join(' ')).toContain('prod, staging');
    }
  });

  test('every object carries the recommended labels and the project (and environment) label; selectors only name + instance', () => {
    const r = renderCompose(one('  Web_Front:\n    image: nginx:1.27\n    ports: ["80"]\n') + 'x-devspace:\n  environments:\n    prod: {}\n', { environment: 'prod' });
    for (const o of r.objects) {
      expect(o.metadata.labels).toMatchObject({ [K8S_LABELS.partOf]: 'shop', [K8S_LABELS.managedBy]: 'devspace', [K8S_LABELS.project]: 'shop', [K8S_LABELS.environment]: 'prod' });
    }
    const { workload, template } = pod(r, 'web-front');
    expect(workload.metadata.labels).toMatchObject({ [K8S_LABELS.name]: 'web-front', [K8S_LABELS.instance]: 'shop-web-front', [K8S_LABELS.component]: 'web-front', [K8S_LABELS.version]: '1.27' });
    expect(workload.spec.selector.matchLabels).toEqual({ [K8S_LABELS.name]: 'web-front', [K8S_LABELS.instance]: 'shop-web-front' });
    expect(template.metadata.labels).toMatchObject(workload.spec.selector.matchLabels);
    expect((find(r, 'Service', 'web-front') as any).spec.selector).toEqual(workload.spec.selector.matchLabels);
  });

  test('two services that become the same Kubernetes name are refused', () => {
    expect(() => renderCompose(one('  web_a: { image: nginx }\n  web-a: { image: nginx }\n'))).toThrow(/both become "web-a"/);
  });
});

describe('workloads', () => {
  test('replicas: the environment over deploy.replicas over scale; waves put dependencies first', () => {
    const yaml = `name: shop
services:
  a: { image: nginx, scale: 2 }
  b: { image: nginx, deploy: { replicas: 3 }, depends_on: [a] }
  c: { image: nginx, depends_on: [b, a] }
x-devspace:
  environments:
    prod: { services: { b: { replicas: 7 } } }
`;
    const r = renderCompose(yaml);
    expect(pod(r, 'a').workload.spec.replicas).toBe(2);
    expect(pod(r, 'b').workload.spec.replicas).toBe(3);
    expect(pod(r, 'c').workload.spec.replicas).toBe(1);
    expect(r.waves.map((w) => w.map((s) => s.service))).toEqual([['a'], ['b'], ['c']]);
    expect(r.waves[2]![0]).toEqual({ service: 'c', workload: 'Deployment', name: 'c', dependsOn: ['a', 'b'], replicas: 1, image: 'nginx' });
    expect(pod(renderCompose(yaml, { environment: 'prod' }), 'b').workload.spec.replicas).toBe(7);
  });

  test('resources: cpus to millicores, bytes to Mi/Gi; the environment overlay takes Kubernetes or compose quantities', () => {
    const yaml = `name: shop
services:
  web:
    image: nginx
    deploy: { resources: { limits: { cpus: "1.5", memory: 1.5g }, reservations: { cpus: "0.25", memory: 256m } } }
  old:
    image: nginx
    cpus: 2
    mem_limit: 1g
    mem_reservation: 100k
x-devspace:
  environments:
    prod: { services: { web: { resources: { limits: { cpus: 2, memory: 2g }, reservations: { cpus: 500m, memory: 512Mi } } } } }
`;
    const r = renderCompose(yaml);
    expect(pod(r, 'web').container.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1500m', memory: '1536Mi' } });
    expect(pod(r, 'old').container.resources).toEqual({ requests: { memory: '100Ki' }, limits: { cpu: '2', memory: '1Gi' } });
    expect(pod(renderCompose(yaml, { environment: 'prod' }), 'web').container.resources).toEqual({ requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } });
  });

  test('entrypoint → command, command → args, working_dir, user, stop_grace_period, security settings', () => {
    const r = renderCompose(one(`  web:
    image: nginx
    entrypoint: /bin/entry --flag
    command: ["serve", "--port", "80"]
    working_dir: /srv
    user: "1000:2000"
    stop_grace_period: 1m30s
    cap_add: [CAP_NET_ADMIN]
    cap_drop: [ALL]
    privileged: true
    read_only: true
    security_opt: [no-new-privileges:true, seccomp:unconfined]
    stdin_open: true
    tty: true
`));
    const { container, spec } = pod(r, 'web');
    expect(container.command).toEqual(['/bin/entry', '--flag']);
    expect(container.args).toEqual(['serve', '--port', '80']);
    expect(container.workingDir).toBe('/srv');
    expect(container.securityContext).toEqual({ runAsUser: 1000, runAsGroup: 2000, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, privileged: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(spec.terminationGracePeriodSeconds).toBe(90);
    expect(container).toMatchObject({ stdin: true, tty: true });
    expect(notesOf(r, 'web').join('\n')).toContain('security_opt: "seccomp:unconfined"');
  });

  test('an empty entrypoint, which cannot clear the image\'s on Kubernetes, is noted', () => {
    const r = renderCompose(one('  web: { image: nginx, entrypoint: [] }\n'));
    expect(pod(r, 'web').container.command).toBeUndefined();
    expect(notesOf(r, 'web').join('\n')).toMatch(/^entrypoint: an empty entrypoint cannot clear/m);
  });

  test('a named user is noted, not guessed', () => {
    const r = renderCompose(one('  web: { image: nginx, user: www-data }\n'));
    expect(pod(r, 'web').container.securityContext).toBeUndefined();
    expect(notesOf(r, 'web').join('\n')).toMatch(/user: "www-data"/);
  });

  test('a ReadWriteOnce claim makes a Deployment recreate instead of rolling', () => {
    const r = renderCompose(one('  db: { image: redis:7, volumes: ["data:/data"] }\n  web: { image: nginx }\n') + 'volumes:\n  data:\n');
    expect(pod(r, 'db').workload.spec.strategy).toEqual({ type: 'Recreate' });
    expect(pod(r, 'web').workload.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
  });

  test('x-devspace.workload statefulset: volumeClaimTemplates for its named volumes and a headless governing Service', () => {
    const r = renderCompose(one(`  db:
    image: postgres:17
    expose: ["5432"]
    volumes: ["pg:/var/lib/postgresql/data"]
    x-devspace: { workload: statefulset, storage: { size: 10Gi, class: fast } }
`) + 'volumes:\n  pg:\n');
    const { workload, container } = pod(r, 'db', 'StatefulSet');
    expect(workload.spec.serviceName).toBe('db-headless');
    const { [K8S_LABELS.version]: _version, ...stable } = workload.metadata.labels;
    expect(stable[K8S_LABELS.project]).toBe('shop');
    expect(workload.spec.volumeClaimTemplates).toEqual([{ metadata: { name: 'pg', labels: stable }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '10Gi' } } } }]);
    expect(container.volumeMounts).toEqual([{ name: 'pg', mountPath: '/var/lib/postgresql/data' }]);
    expect(r.objects.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
    expect((find(r, 'Service', 'db-headless') as any).spec.clusterIP).toBe('None');
    expect((find(r, 'Service', 'db') as any).spec.type).toBe('ClusterIP');
    expect(r.waves[0]![0]!.workload).toBe('StatefulSet');
  });

  test('image: the environment image, else input.images (pinned), else image:, else the build tag; pull policy follows the reference', () => {
    const yaml = one('  web: { image: "nginx:1.27" }\n  app: { build: . }\n  latest: { image: redis }\n  pinned: { image: redis, pull_policy: never }\n') + 'x-devspace:\n  environments:\n    prod: { services: { web: { image: "reg.example/web:9" } } }\n';
    const r = renderCompose(yaml, { images: { app: 'reg.example/shop-app@sha256:' + 'a'.repeat(64) } }, { Dockerfile: 'FROM scratch\n' });
    expect(pod(r, 'web').container).toMatchObject({ image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent' });
    expect(pod(r, 'app').container).toMatchObject({ image: `reg.example/shop-app@sha256:${'a'.repeat(64)}`, imagePullPolicy: 'IfNotPresent' });
    expect(pod(r, 'app').workload.metadata.labels[K8S_LABELS.version]).toBe('aaaaaaaaaaaa');
    expect(pod(r, 'latest').container).toMatchObject({ image: 'redis', imagePullPolicy: 'Always' });
    expect(pod(r, 'pinned').container.imagePullPolicy).toBe('Never');
    expect(pod(renderCompose(yaml, { environment: 'prod' }, { Dockerfile: 'FROM scratch\n' }), 'web').container.image).toBe('reg.example/web:9');
    expect(pod(renderCompose(yaml, {}, { Dockerfile: 'FROM scratch\n' }), 'app').container.image).toBe('shop-app');
    expect(pod(renderCompose(yaml, { imagePullSecrets: ['regcred'] }, { Dockerfile: 'FROM scratch\n' }), 'web').spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  test('pod-level settings: extra_hosts → hostAliases, sysctls, numeric group_add, platform → nodeSelector, labels/annotations → template annotations', () => {
    const r = renderCompose(one(`  web:
    image: nginx
    extra_hosts: ["a.internal=10.0.0.1", "b.internal:10.0.0.1", "gw=host-gateway"]
    sysctls: { net.core.somaxconn: "1024" }
    group_add: ["44", video]
    platform: linux/arm64
    labels: { com.example.team: shop }
    annotations: { com.example.note: hi }
`));
    const { spec, template } = pod(r, 'web');
    expect(spec.hostAliases).toEqual([{ ip: '10.0.0.1', hostnames: ['a.internal', 'b.internal'] }]);
    expect(spec.securityContext).toEqual({ sysctls: [{ name: 'net.core.somaxconn', value: '1024' }], supplementalGroups: [44] });
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'arm64' });
    expect(template.metadata.annotations).toEqual({ 'com.example.team': 'shop', 'com.example.note': 'hi' });
    const notes = notesOf(r, 'web').join('\n');
    expect(notes).toContain('gw=host-gateway');
    expect(notes).toContain('group_add');
  });
});

describe('probes', () => {
  test('healthcheck → readiness and liveness: CMD exec, CMD-SHELL through /bin/sh -c, timings mapped, start_period delays liveness', () => {
    const r = renderCompose(one(`  a:
    image: nginx
    healthcheck: { test: ["CMD", "curl", "-f", "http://localhost"], interval: 10s, timeout: 1500ms, retries: 5, start_period: 30s }
  b:
    image: nginx
    healthcheck: { test: "pg_isready || exit 1" }
  c:
    image: nginx
    healthcheck: { test: ["NONE"] }
  d:
    image: nginx
    healthcheck: { test: ["CMD", "true"], disable: true }
`));
    const a = pod(r, 'a').container;
    expect(a.readinessProbe).toEqual({ exec: { command: ['curl', '-f', 'http://localhost'] }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 5 });
    expect(a.livenessProbe).toEqual({ exec: { command: ['curl', '-f', 'http://localhost'] }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 5 });
    // Compose's defaults (30s, 30s, 3), not Kubernetes' (10s, 1s, 3).
    expect(pod(r, 'b').container.readinessProbe).toEqual({ exec: { command: ['/bin/sh', '-c', 'pg_isready || exit 1'] }, periodSeconds: 30, timeoutSeconds: 30, failureThreshold: 3 });
    for (const s of ['c', 'd']) {
      expect(pod(r, s).container.readinessProbe).toBeUndefined();
      expect(pod(r, s).container.livenessProbe).toBeUndefined();
    }
  });

  test('x-devspace.probes: http (port defaults to the first port), tcp, disable', () => {
    const r = renderCompose(one(`  web:
    image: nginx
    ports: ["8080:80"]
    healthcheck: { test: ["CMD", "true"], interval: 4s }
    x-devspace:
      probes:
        readiness: { http: { path: /ready } }
        liveness: { disable: true }
  db:
    image: redis
    x-devspace:
      probes: { liveness: { tcp: { port: 6379 } } }
`));
    expect(pod(r, 'web').container.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 80 }, periodSeconds: 4, timeoutSeconds: 30, failureThreshold: 3 });
    expect(pod(r, 'web').container.livenessProbe).toBeUndefined();
    expect(pod(r, 'db').container.livenessProbe).toEqual({ tcpSocket: { port: 6379 } });
    expect(pod(r, 'db').container.readinessProbe).toBeUndefined();
  });
});

describe('services and ingress', () => {
  test('ports → Service of container ports, named, with protocols; host ports noted; expose and image ports join', () => {
    const r = renderCompose(one(`  web:
    image: nginx
    ports:
      - "127.0.0.1:8080:80"
      - "53:53/udp"
      - { target: 443, name: https, app_protocol: https }
    expose: ["9000-9001", "80"]
  cache:
    image: redis
`), { imagePorts: { cache: ['6379/tcp'], web: ['80/tcp'] } });
    const svc = find(r, 'Service', 'web') as any;
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([
      { name: 'tcp-80', port: 80, targetPort: 80, protocol: 'TCP' },
      { name: 'udp-53', port: 53, targetPort: 53, protocol: 'UDP' },
      { name: 'https', port: 443, targetPort: 443, protocol: 'TCP', appProtocol: 'https' },
      { name: 'tcp-9000', port: 9000, targetPort: 9000, protocol: 'TCP' },
      { name: 'tcp-9001', port: 9001, targetPort: 9001, protocol: 'TCP' },
    ]);
    expect(pod(r, 'web').container.ports).toContainEqual({ name: 'udp-53', containerPort: 53, protocol: 'UDP' });
    expect((find(r, 'Service', 'cache') as any).spec.ports).toEqual([{ name: 'tcp-6379', port: 6379, targetPort: 6379, protocol: 'TCP' }]);
    expect(notesOf(r, 'web').join('\n')).toMatch(/ports\[0\]: host port 127.0.0.1:8080 not carried over/);
  });

  test('a service without any known port gets no Service, and that is said', () => {
    const r = renderCompose(one('  worker: { image: busybox }\n'));
    expect(r.objects.some((o) => o.kind === 'Service')).toBe(false);
    expect(notesOf(r, 'worker').join('\n')).toMatch(/no Service/);
    expect(renderCompose(one('  worker: { image: busybox }\n'), { imagePorts: { worker: [] } }).notes).toEqual([]);
  });

  test('x-devspace.service.type: LoadBalancer, NodePort with node_port, Headless', () => {
    const r = renderCompose(one(`  lb: { image: nginx, ports: ["80"], x-devspace: { service: { type: LoadBalancer } } }
  np: { image: nginx, ports: ["80", "81"], x-devspace: { service: { type: NodePort, node_port: 30080 } } }
  hl: { image: nginx, expose: ["80"], x-devspace: { service: { type: Headless } } }
`));
    expect((find(r, 'Service', 'lb') as any).spec.type).toBe('LoadBalancer');
    expect((find(r, 'Service', 'np') as any).spec).toMatchObject({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }, { port: 81 }] });
    expect((find(r, 'Service', 'np') as any).spec.ports[1].nodePort).toBeUndefined();
    expect((find(r, 'Service', 'hl') as any).spec).toMatchObject({ clusterIP: 'None' });
    expect((find(r, 'Service', 'hl') as any).spec.type).toBeUndefined();
  });

  test('x-devspace.ingress → Ingress to the first port; the environment overlays host and TLS', () => {
    const yaml = one(`  web:
    image: nginx
    ports: ["8080:80"]
    x-devspace: { ingress: { host: shop.test, path: /app, class: nginx, tls_secret: shop-tls } }
`) + 'x-devspace:\n  environments:\n    prod: { services: { web: { ingress: { host: shop.example.com } } } }\n';
    expect(find(renderCompose(yaml), 'Ingress', 'web').spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.test'], secretName: 'shop-tls' }],
      rules: [{ host: 'shop.test', http: { paths: [{ path: '/app', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    });
    expect(find(renderCompose(yaml, { environment: 'prod' }), 'Ingress', 'web').spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/app', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    });
  });

  test('x-devspace.autoscale → autoscaling/v2 HPA on CPU; min defaults to replicas; the Deployment leaves replicas to it', () => {
    const yaml = one(`  web:
    image: nginx
    deploy: { replicas: 3, resources: { reservations: { cpus: "0.5" } } }
    x-devspace: { autoscale: { max: 10, cpu: 50 } }
`) + 'x-devspace:\n  environments:\n    prod: { services: { web: { autoscale: { min: 5, max: 50, cpu: 80 } } } }\n';
    const r = renderCompose(yaml);
    expect(find(r, 'HorizontalPodAutoscaler', 'web').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    });
    expect(pod(r, 'web').workload.spec.replicas).toBeUndefined();
    expect(r.waves[0]![0]!.replicas).toBe(3);
    expect(find(renderCompose(yaml, { environment: 'prod' }), 'HorizontalPodAutoscaler', 'web').spec).toMatchObject({ minReplicas: 5, maxReplicas: 50 });
    expect(notesOf(renderCompose(one('  web: { image: nginx, x-devspace: { autoscale: { max: 3, cpu: 50 } } }\n'))).join('\n')).toMatch(/sets none/);
  });
});

describe('configuration and secrets', () => {
  test('environment → ConfigMap, secret_environment → Secret (never the ConfigMap), both through envFrom; unset variables noted', () => {
    const r = renderCompose(one(`  web:
    image: nginx
    env_file: ./web.env
    environment: { MODE: prod, API_KEY: hunter2, UNSET: null }
    x-devspace: { secret_environment: [API_KEY, FROM_FILE] }
`), {}, { 'web.env': 'FROM_FILE=file-secret\nPLAIN=1\n' });
    expect(find(r, 'ConfigMap', 'web-env').data).toEqual({ MODE: 'prod', PLAIN: '1' });
    expect(find(r, 'Secret', 'web-env-secret').data).toEqual({ API_KEY: Buffer.from('hunter2').toString('base64'), FROM_FILE: Buffer.from('file-secret').toString('base64') });
    expect(pod(r, 'web').container.envFrom).toEqual([{ configMapRef: { name: 'web-env' } }, { secretRef: { name: 'web-env-secret' } }]);
    expect(JSON.stringify(r.objects.filter((o) => o.kind !== 'Secret'))).not.toMatch(/hunter2|file-secret/);
    expect(notesOf(r, 'web').join('\n')).toMatch(/environment.UNSET: left out/);
  });

  test('a changed value rolls the pods: the template carries a hash of what it reads', () => {
    const hash = (v: string) => pod(renderCompose(one(`  web: { image: nginx, environment: { A: "${v}" } }\n`)), 'web').template.metadata.annotations['dev.devspace/config-hash'];
    expect(hash('1')).toMatch(/^[0-9a-f]{16}$/);
    expect(hash('1')).toBe(hash('1'));
    expect(hash('1')).not.toBe(hash('2'));
  });

  test('configs → ConfigMaps mounted at their target; secrets → Secrets at /run/secrets/<name>; contents from the sources', () => {
    const r = renderCompose(one(`  web:
    image: nginx
    configs: [{ source: app, target: /etc/app.json }, inline]
    secrets: [pw, { source: key, target: api.key, mode: 0o400 }]
`) + `configs:
  app: { file: ./app.json }
  inline: { content: hello }
secrets:
  pw: { file: ./pw.txt }
  key: { environment: API_KEY }
`, {}, { 'app.json': '{"a":1}\n', 'pw.txt': 'pa55' }, { API_KEY: 'k3y' });
    expect(find(r, 'ConfigMap', 'app').data).toEqual({ app: '{"a":1}\n' });
    expect(find(r, 'ConfigMap', 'inline').data).toEqual({ inline: 'hello' });
    expect(find(r, 'Secret', 'pw').data).toEqual({ pw: Buffer.from('pa55').toString('base64') });
    expect(find(r, 'Secret', 'key').data).toEqual({ key: Buffer.from('k3y').toString('base64') });
    const { container, spec } = pod(r, 'web');
    expect(container.volumeMounts).toEqual([
      { name: 'config-app', mountPath: '/etc/app.json', subPath: 'app', readOnly: true },
      { name: 'config-inline', mountPath: '/inline', subPath: 'inline', readOnly: true },
      { name: 'secret-pw', mountPath: '/run/secrets/pw', subPath: 'pw', readOnly: true },
      { name: 'secret-key', mountPath: '/run/secrets/api.key', subPath: 'key', readOnly: true },
    ]);
    expect(spec.volumes).toContainEqual({ name: 'secret-key', secret: { secretName: 'key', defaultMode: 0o400 } });
    expect(r.objects.filter((o) => o.kind === 'ConfigMap').some((o) => JSON.stringify(o).includes('pa55'))).toBe(false);
  });

  test('without sources (scale and delete need only names) file contents are left empty and noted; inline content still renders', () => {
    const { project } = loadCompose(one('  web: { image: nginx, secrets: [pw], configs: [inline], volumes: ["./conf:/conf"], x-devspace: { mounts: { /conf: configMap } } }\n') + 'secrets:\n  pw: { file: ./pw.txt }\nconfigs:\n  inline: { content: hi }\n', { 'pw.txt': 'pa55', 'conf/a': 'a' });
    const r = renderProject({ project, images: {} });
    expect(find(r, 'Secret', 'pw').data).toBeUndefined();
    expect(find(r, 'ConfigMap', 'inline').data).toEqual({ inline: 'hi' });
    expect(find(r, 'ConfigMap', 'web-files-conf').data).toBeUndefined();
    expect(notesOf(r, 'web').filter((n) => n.includes('not read'))).toHaveLength(2);
  });

  test('manifestsYaml hides Secret values behind a placeholder and stays valid YAML; showSecrets prints them', () => {
    const r = renderCompose(one('  web: { image: nginx, environment: { TOKEN: tok-123 }, x-devspace: { secret_environment: [TOKEN] } }\n'));
    const hidden = manifestsYaml(r.objects, { showSecrets: false });
    expect(hidden).not.toContain(Buffer.from('tok-123').toString('base64'));
    expect(hidden).toContain(SECRET_PLACEHOLDER);
    const docs = parseAllDocuments(hidden);
    expect(docs.every((d) => d.errors.length === 0)).toBe(true);
    expect(docs.map((d) => d.toJS().kind)).toEqual(r.objects.map((o) => o.kind));
    expect(manifestsYaml(r.objects, { showSecrets: true })).toContain(Buffer.from('tok-123').toString('base64'));
  });
});

describe('storage', () => {
  test('named volume → PVC (1Gi RWO by default, size and class from x-devspace.storage); shared claims noted; external claims referenced', () => {
    const r = renderCompose(one(`  a: { image: nginx, volumes: ["data:/data", "ext:/ext:ro"] }
  b: { image: nginx, volumes: ["data:/data"], x-devspace: { storage: { size: 5Gi } } }
  c: { image: nginx, volumes: ["big:/big"], x-devspace: { storage: { size: 20Gi, class: ssd } } }
`) + 'volumes:\n  data:\n  big:\n  ext: { external: true, name: legacy-claim }\n');
    expect(find(r, 'PersistentVolumeClaim', 'data').spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
    expect(find(r, 'PersistentVolumeClaim', 'big').spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'ssd', resources: { requests: { storage: '20Gi' } } });
    expect(r.objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata.name)).toEqual(['data', 'big']);
    expect(pod(r, 'a').spec.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }, { name: 'ext', persistentVolumeClaim: { claimName: 'legacy-claim', readOnly: true } }]);
    expect(pod(r, 'a').container.volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }, { name: 'ext', mountPath: '/ext', readOnly: true }]);
    const notes = notesOf(r).join('\n');
    expect(notes).toMatch(/shared with another service/);
    expect(notes).toMatch(/legacy-claim/);
  });

  test('bind mounts: left out with a note by default, emptyDir or ConfigMap by x-devspace.mounts; tmpfs and shm_size → memory emptyDirs', () => {
    const r = renderCompose(one(`  web:
    image: nginx
    volumes: ["./src:/app/src", "./cache:/cache", "./conf:/etc/conf", "./one.txt:/etc/one.txt", "/data", { type: tmpfs, target: /tmp, tmpfs: { size: 1048576 } }]
    tmpfs: ["/run:size=32m,mode=1777"]
    shm_size: 256m
    x-devspace: { mounts: { /cache: emptyDir, /etc/conf: configMap, /etc/one.txt: configMap } }
`), {}, { 'src/a.py': 'x', 'cache/.keep': '', 'conf/a.conf': 'a=1', 'conf/b.bin': '', 'conf/sub/c.conf': 'c', 'one.txt': 'one' });
    const { container, spec } = pod(r, 'web');
    expect(find(r, 'ConfigMap', 'web-files-conf').data).toEqual({ 'a.conf': 'a=1', 'b.bin': '' });
    expect(find(r, 'ConfigMap', 'web-files-one-txt').data).toEqual({ 'one.txt': 'one' });
    expect(spec.volumes).toEqual([
      { name: 'bind-1', emptyDir: {} },
      { name: 'bind-2', configMap: { name: 'web-files-conf' } },
      { name: 'bind-3', configMap: { name: 'web-files-one-txt' } },
      { name: 'anon-4', emptyDir: {} },
      { name: 'tmpfs-5', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
      { name: 'tmpfs-x0', emptyDir: { medium: 'Memory', sizeLimit: '32Mi' } },
      { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } },
    ]);
    expect(container.volumeMounts).toContainEqual({ name: 'bind-3', mountPath: '/etc/one.txt', readOnly: true, subPath: 'one.txt' });
    expect(container.volumeMounts).toContainEqual({ name: 'shm', mountPath: '/dev/shm' });
    const notes = notesOf(r, 'web').join('\n');
    expect(notes).toMatch(/volumes\[0\]: bind mount .*src → \/app\/src left out/);
    expect(notes).toMatch(/sub\/c.conf left out of ConfigMap web-files-conf/);
    expect(notes).toMatch(/volumes\[4\]: anonymous volume/);
  });
});

describe('dependencies', () => {
  test('wait_for_dependencies: an initContainer per dependency waiting for its Service port', () => {
    const r = renderCompose(one(`  db: { image: postgres, expose: ["5432"] }
  worker: { image: busybox }
  web:
    image: nginx
    depends_on: [db, worker]
    x-devspace: { wait_for_dependencies: true }
  other: { image: nginx, depends_on: [db] }
`), { imagePorts: { worker: [] } });
    const init = pod(r, 'web').spec.initContainers;
    expect(init).toHaveLength(1);
    expect(init[0]).toMatchObject({ name: 'wait-for-db', image: WAIT_IMAGE, command: ['sh', '-c', expect.stringContaining('nc -z -w 2 db 5432')] });
    expect(pod(r, 'other').spec.initContainers).toBeUndefined();
    expect(notesOf(r, 'web').join('\n')).toMatch(/depends_on.worker: no wait initContainer/);
  });
});

describe('attributes without a Kubernetes counterpart', () => {
  test('each is named in a note, never silently dropped', () => {
    const r = renderCompose(one(`  web:
    image: nginx
    build: .
    network_mode: host
    dns: [1.1.1.1]
    logging: { driver: syslog }
    ulimits: { nofile: 1024 }
    restart: on-failure
    init: true
    hostname: h
    deploy: { mode: global, restart_policy: { condition: on-failure }, resources: { limits: { pids: 10 } } }
    develop: { watch: [{ path: ./src, action: sync, target: /src }] }
`), {}, { Dockerfile: 'FROM scratch\n' });
    const attributes = r.notes.filter((n) => n.service === 'web').map((n) => n.attribute);
    expect(attributes).toEqual(expect.arrayContaining(['build', 'network_mode', 'dns', 'logging', 'ulimits', 'restart', 'init', 'hostname', 'deploy.mode', 'deploy.restart_policy', 'deploy.resources.limits.pids', 'develop']));
  });

  test('the default network and restart: always are not worth a note', () => {
    expect(renderCompose(one('  web: { image: nginx, restart: always, ports: ["80"] }\n')).notes).toEqual([]);
  });
});
