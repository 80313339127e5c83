import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { interpolate, readEnvFile, serviceEnv, type ComposeFile } from '../deploy/compose.js';
import { readManifests, validateK8sObject, type K8sObject } from '../deploy/kubernetes.js';
import { fillPlaceholders, productionEnvProblems } from '../deploy/production-env.js';
import { collectProcessMetrics, registry } from '../../server/src/kernel/metrics.js';
// Registers the scrape-time series (job queue, database pool) beside the others.
import '../../server/src/app/metrics-server.js';

/**
 * deploy/ is checked offline, as CI can (no container engine, no cluster): every Kubernetes manifest
 * against the Kubernetes schemas, the compose file's services and each process's environment
 * against the server's own production start-up checks.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const deployDir = path.join(root, 'deploy');
const k8sDir = path.join(deployDir, 'k8s');
const manifests = readManifests(k8sDir);

function find(kind: string, name: string): K8sObject {
  const found = manifests.find(({ object }) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/k8s`);
  return found.object;
}

interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: { httpGet?: { path: string } };
  livenessProbe?: { httpGet?: { path: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean };
}
const podSpec = (workload: K8sObject) => (workload.spec as { template: { spec: PodSpec } }).template.spec;

/** The environment a container starts with: its ConfigMap and Secret (the example) and its own env. */
function containerEnv(container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, find('ConfigMap', from.configMapRef.name).data);
    if (from.secretRef) Object.assign(env, find('Secret', from.secretRef.name).stringData);
  }
  for (const { name, value } of container.env ?? []) env[name] = value ?? '';
  return fillPlaceholders(env);
}

/** A valid Deployment, to be broken one way per case below. */
function deployment(): Record<string, unknown> {
  return structuredClone(find('Deployment', 'order-termination-api')) as Record<string, unknown>;
}

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('every manifest validates against the Kubernetes schemas', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(10);
    for (const { file, object } of manifests) {
      expect({ file, kind: object.kind, problems: validateK8sObject(object) }).toEqual({ file, kind: object.kind, problems: [] });
    }
  });

  it('the validation fails on broken manifests', () => {
    const replicas = deployment();
    (replicas.spec as Record<string, unknown>).replicas = 'two';
    expect(validateK8sObject(replicas).join()).toMatch(/replicas must be integer/);

    const unnamed = deployment();
    delete (podSpec(unnamed as K8sObject).containers[0] as Partial<Container>).name;
    expect(validateK8sObject(unnamed).join()).toMatch(/must have required property name/);

    const noSelector = deployment();
    delete (noSelector.spec as Record<string, unknown>).selector;
    expect(validateK8sObject(noSelector).join()).toMatch(/must have required property selector/);

    expect(validateK8sObject({ ...deployment(), kind: 'Deploymnet' })).toEqual(['unknown apiVersion/kind apps/v1 Deploymnet']);
  });

  it('kustomization.yaml lists every manifest but the Secret example, and only existing files', () => {
    const kustomization = parse(fs.readFileSync(path.join(k8sDir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    const files = [...new Set(manifests.map((m) => m.file))].filter((f) => f !== 'secret.example.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('the API Deployment: 2 replicas, probes on /readyz and /healthz, resources, non-root, read-only root', () => {
    const api = find('Deployment', 'order-termination-api');
    expect((api.spec as { replicas: number }).replicas).toBe(2);
    const spec = podSpec(api);
    expect(spec.securityContext?.runAsNonRoot).toBe(true);
    const [container] = spec.containers;
    expect(container!.args).toEqual(['node', 'server/dist/main.js', 'start']);
    expect(container!.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(container!.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container!.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container!.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  it('the worker Deployment, migration Job, Service, PodDisruptionBudget and HorizontalPodAutoscaler fit together', () => {
    const labels = { 'app.kubernetes.io/name': 'order-termination', 'app.kubernetes.io/component': 'api' };
    const worker = podSpec(find('Deployment', 'order-termination-worker'));
    expect(worker.securityContext?.runAsNonRoot).toBe(true);
    expect(worker.containers[0]!.args).toEqual(['node', 'server/dist/main.js', 'worker']);
    expect(podSpec(find('Job', 'order-termination-migrate')).containers[0]!.args).toEqual(['node', 'server/dist/main.js', 'migrate']);
    expect((find('Service', 'order-termination-api').spec as { selector: unknown }).selector).toEqual(labels);
    expect(find('PodDisruptionBudget', 'order-termination-api').spec).toMatchObject({ minAvailable: 1, selector: { matchLabels: labels } });
    expect(find('HorizontalPodAutoscaler', 'order-termination-api')).toMatchObject({
      apiVersion: 'autoscaling/v2',
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'order-termination-api' }, minReplicas: 2 },
    });
  });

  it("every container's environment passes the server's production start-up checks", () => {
    const roles = { api: 'api', worker: 'worker', migrate: 'migrate' } as const;
    for (const [kind, name] of [
      ['Deployment', 'order-termination-api'],
      ['Deployment', 'order-termination-worker'],
      ['Job', 'order-termination-migrate'],
    ] as const) {
      const container = podSpec(find(kind, name)).containers[0]!;
      expect({ name, problems: productionEnvProblems(containerEnv(container), roles[container.name as keyof typeof roles]) }).toEqual({
        name,
        problems: [],
      });
    }
    // The check can fail: an API container without SMTP_URL or with the worker left on.
    const api = podSpec(find('Deployment', 'order-termination-api')).containers[0]!;
    const { SMTP_URL: _smtp, ...withoutMail } = containerEnv(api);
    expect(productionEnvProblems(withoutMail, 'api').join()).toMatch(/needs SMTP_URL/);
    expect(productionEnvProblems({ ...containerEnv(api), RUN_WORKER: '1' }, 'api').join()).toMatch(/RUN_WORKER must be 0/);
  });
});

describe('compose file (deploy/compose.yaml)', () => {
  const compose = parse(fs.readFileSync(path.join(deployDir, 'compose.yaml'), 'utf8'), { merge: true }) as ComposeFile;
  const example = readEnvFile(path.join(deployDir, '.env.example'));
  const vars = fillPlaceholders(example);

  it('has PostgreSQL, Redis, two API instances, one worker, migrations first and a reverse proxy', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api-1', 'api-2', 'migrate', 'postgres', 'proxy', 'redis', 'worker']);
    const { services } = compose;
    expect(services['api-1']!.command).toEqual(['node', 'server/dist/main.js', 'start']);
    expect(services['api-2']!.command).toEqual(['node', 'server/dist/main.js', 'start']);
    expect(services.worker!.command).toEqual(['node', 'server/dist/main.js', 'worker']);
    expect(services.migrate!.command).toEqual(['node', 'server/dist/main.js', 'migrate']);
    for (const name of ['api-1', 'api-2', 'worker']) {
      expect(services[name]!.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
      // One image for all, and one shared data volume (imports are run by whichever process).
      expect(services[name]!.image).toBe(services.migrate!.image);
      expect(services[name]!.volumes).toContain('appdata:/data');
    }
    expect(Object.keys(services.proxy!.depends_on ?? {}).sort()).toEqual(['api-1', 'api-2']);
  });

  it('the proxy sends both instances /graphql with WebSocket upgrades', () => {
    expect(compose.services.proxy!.volumes).toContain('./nginx.conf:/etc/nginx/conf.d/default.conf:ro');
    const nginx = fs.readFileSync(path.join(deployDir, 'nginx.conf'), 'utf8');
    expect(nginx).toMatch(/server api-1:4000/);
    expect(nginx).toMatch(/server api-2:4000/);
    const graphql = /location \/graphql \{([^}]*)\}/.exec(nginx)?.[1] ?? '';
    expect(graphql).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(graphql).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
  });

  it("each app service's environment, filled from .env.example, passes the server's production start-up checks", () => {
    const roles = { 'api-1': 'api', 'api-2': 'api', worker: 'worker', migrate: 'migrate' } as const;
    for (const [name, role] of Object.entries(roles)) {
      expect({ name, problems: productionEnvProblems(serviceEnv(compose.services[name]!, vars), role) }).toEqual({ name, problems: [] });
    }
  });

  it('secrets are required: compose stops when .env lacks one, and the example ships none', () => {
    for (const name of ['SMTP_URL', 'SECRETS_KEY', 'AUTH_SECRET', 'POSTGRES_PASSWORD']) {
      expect(example[name]).toBe('CHANGE_ME');
      const { [name]: _dropped, ...without } = vars;
      expect(() => serviceEnv(compose.services['api-1']!, without)).toThrow(`required variable ${name}`);
    }
    expect(interpolate('a $$HOME ${X:-b}', {})).toBe('a $HOME b');
  });
});

describe('Grafana dashboard (deploy/grafana)', () => {
  interface Dashboard {
    panels: { title: string; targets?: { expr: string }[] }[];
  }
  const dashboard = JSON.parse(fs.readFileSync(path.join(deployDir, 'grafana/order-termination.json'), 'utf8')) as Dashboard;
  collectProcessMetrics();
  const families = registry.getMetricsAsArray().map((m) => ({ name: m.name, type: String(m.type) }));
  // The names Prometheus stores: a histogram's _bucket, _count and _sum, the others as named.
  const served = new Set(
    families.flatMap(({ name, type }) => (type === 'histogram' ? ['_bucket', '_count', '_sum'].map((s) => name + s) : [name])),
  );
  const queried = (d: Dashboard) => d.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => t.expr.match(/\bot_[a-z0-9_]+/g) ?? []));
  const unknown = (d: Dashboard) => queried(d).filter((name) => !served.has(name));

  it('queries only series the processes serve, and graphs every series of ours', () => {
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(10);
    expect(unknown(dashboard)).toEqual([]);
    const used = new Set(queried(dashboard));
    const ours = families.filter(({ name }) => !/^ot_(process|nodejs)_/.test(name));
    expect(ours.filter(({ name }) => ![...used].some((u) => u === name || u.startsWith(`${name}_`)))).toEqual([]);
    expect([...used].some((name) => name.startsWith('ot_process_'))).toBe(true);
    expect([...used].some((name) => name.startsWith('ot_nodejs_'))).toBe(true);
  });

  it('the check catches a panel on a series nobody serves', () => {
    const broken = structuredClone(dashboard);
    broken.panels[0]!.targets![0]!.expr = 'sum(rate(ot_http_requests_total[5m]))';
    expect(unknown(broken)).toEqual(['ot_http_requests_total']);
  });
});
