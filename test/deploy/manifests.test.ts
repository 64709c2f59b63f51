// Checks the deployment files against the app itself, so a renamed route, port or variable fails here rather than
// in production: every value the manifests use comes from the server source (its config resolver, its limits, its
// routes answering in process), not from a copy in this file.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { createApp } from '../../src/server/app.js';
import { DEFAULT_MAX_IMAGE_PIXELS, resolveLimits } from '../../src/server/limits.js';
import type { ModelDescription, Predictor } from '../../src/server/predictor.js';
import { DEFAULT_PORT, resolveServeConfig } from '../../src/server/node/config.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');

type Env = Record<string, string>;

/** A Dockerfile's instructions, continuation lines joined, comments dropped, per stage. */
function parseDockerfile(text: string): { stages: { from: string; lines: string[] }[]; preamble: string[] } {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const preamble: string[] = [];
  const stages: { from: string; lines: string[] }[] = [];
  for (const line of logical) {
    if (/^FROM\s/i.test(line)) stages.push({ from: line, lines: [] });
    else (stages.at(-1)?.lines ?? preamble).push(line);
  }
  return { stages, preamble };
}

/** The instruction's argument text in the final stage (the shipped image), e.g. `EXPOSE` -> ['5000']. */
function finalStage(name: string): string[] {
  const stage = parseDockerfile(read('Dockerfile')).stages.at(-1);
  return (stage?.lines ?? [])
    .filter((l) => l.toUpperCase().startsWith(`${name} `))
    .map((l) => l.slice(name.length + 1).trim());
}

/** Asserts that setting `name` to `value` is read by the server: the resolved config or limits change with it. */
function expectAppReads(name: string, value: string): void {
  const read = (env: Env): unknown => ({ serve: resolveServeConfig({}, env), limits: resolveLimits({}, env) });
  // The deployment's value must be valid (the resolvers throw on bad values)...
  expect(() => read({ [name]: value }), `${name}=${value}`).not.toThrow();
  // ...and the name must be one the app looks at: two other valid values must resolve differently.
  const [a, b] =
    name === 'HOST'
      ? ['127.0.0.2', '127.0.0.3']
      : name === 'MODEL_PATH'
        ? ['/a/model.json.gz', '/b/model.json.gz']
        : ['3', '4'];
  expect(read({ [name]: a }), `the app ignores ${name}`).not.toEqual(read({ [name]: b }));
}

/** The healthcheck's URL path and port: both are in the shared `node -e fetch(...)` one-liner. */
function probeTarget(command: string): { path: string; port: number } {
  const match = /\.get\('http:\/\/127\.0\.0\.1:'\+\(process\.env\.PORT\|\|(\d+)\)\+'(\/[a-z]+)'/.exec(command);
  if (!match?.[1] || !match[2]) throw new Error(`unrecognised healthcheck: ${command}`);
  return { port: Number(match[1]), path: match[2] };
}

/** A predictor whose readiness the test controls, to see which route follows the model's state. */
function fakePredictor(ready: boolean): Predictor {
  const model = { format: 1, supportVectorCount: 0 } as unknown as ModelDescription;
  return {
    describe: () => (ready ? model : undefined),
    whenReady: () => (ready ? Promise.resolve(model) : new Promise<ModelDescription>(() => undefined)),
    predict: () => Promise.reject(new Error('not used')),
    read: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  };
}

async function status(path: string, ready: boolean): Promise<number> {
  const res = await createApp({ predictor: fakePredictor(ready) }).request(path);
  return res.status;
}

const dockerHealth = finalStage('HEALTHCHECK')[0] ?? '';
const dockerHealthCommand = (JSON.parse(dockerHealth.slice(dockerHealth.indexOf('CMD') + 3)) as string[]).join(' ');

describe('the app serves what the deployment probes', () => {
  it('liveness: /healthz answers 200 even while the model loads', async () => {
    expect(await status('/healthz', false)).toBe(200);
  });
  it('readiness: /readyz is 503 while the model loads and 200 once it is ready', async () => {
    expect(await status('/readyz', false)).toBe(503);
    expect(await status('/readyz', true)).toBe(200);
  });
  it('the page is at /', async () => {
    expect(await status('/', true)).toBe(200);
  });
});

describe('Dockerfile', () => {
  const { stages, preamble } = parseDockerfile(read('Dockerfile'));

  it('builds from the official slim Node image, the version as a build argument, with no syntax directive', () => {
    expect(read('Dockerfile')).not.toMatch(/^#\s*syntax=/im);
    expect(preamble).toContainEqual(expect.stringMatching(/^ARG NODE_VERSION=\d+$/));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toMatch(/^FROM node:\$\{NODE_VERSION\}-bookworm-slim\b/);
  });
  it('exposes the default port and probes /healthz on it', () => {
    expect(finalStage('EXPOSE')).toEqual([String(DEFAULT_PORT)]);
    expect(probeTarget(dockerHealthCommand)).toEqual({ path: '/healthz', port: DEFAULT_PORT });
  });
  it('its health probe exits 0 on a 200 and 1 on any other answer or none', async () => {
    const argv = JSON.parse(dockerHealth.slice(dockerHealth.indexOf('CMD') + 3)) as string[];
    const probe = async (status: number | undefined): Promise<number | null> => {
      const server = createServer((_req, res) => res.writeHead(status ?? 200).end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      if (status === undefined) await new Promise((resolve) => server.close(resolve)); // nothing listens
      try {
        const child = spawn(process.execPath, argv.slice(1), { env: { ...process.env, PORT: String(port) } });
        return await new Promise<number | null>((resolve) => child.on('exit', resolve));
      } finally {
        server.close();
      }
    };
    expect(argv[0]).toBe('node');
    expect(await probe(200)).toBe(0);
    expect(await probe(503)).toBe(1);
    expect(await probe(undefined)).toBe(1);
  });
  it('runs as a non-root user, in production mode, with node as PID 1 serving', () => {
    const [user] = finalStage('USER');
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(finalStage('ENV').join(' ')).toMatch(/\bNODE_ENV=production\b/);
    expect(JSON.parse(finalStage('CMD')[0] ?? '[]')).toEqual(['node', 'dist/cli/main.js', 'serve']);
  });
  it('ships production dependencies only', () => {
    expect(finalStage('RUN').join(' ')).toMatch(/npm ci --omit=dev --ignore-scripts/);
  });
  // Read by Node or by glibc's allocator before Node starts, not by the app.
  const RUNTIME_ENV = new Set([
    'NODE_ENV',
    'NODE_OPTIONS',
    'MALLOC_ARENA_MAX',
    'MALLOC_MMAP_THRESHOLD_',
    'LD_PRELOAD',
    'MALLOC_CONF',
    'NODE_EXTRA_CA_CERTS', // emptied: a base image built behind a TLS-inspecting proxy sets it (Dockerfile)
  ]);
  it('every ENV the shipped image sets, other than the ones the runtime reads, is read by the app', () => {
    const env = finalStage('ENV')
      .join(' ')
      .split(/\s+/)
      .map((pair) => pair.split('=') as [string, string]);
    for (const [name, value] of env) if (!RUNTIME_ENV.has(name)) expectAppReads(name, value);
  });
  it('caps glibc arenas and fixes the mmap threshold (the server RSS measured in docs/DEPLOY.md depends on it)', () => {
    expect(finalStage('ENV').join(' ')).toMatch(/\bMALLOC_ARENA_MAX=2\b.*\bMALLOC_MMAP_THRESHOLD_=131072\b/s);
  });
  it('preloads jemalloc, installed in the same stage, purging freed pages (memory comes back after an attack)', () => {
    expect(finalStage('RUN').join(' ')).toMatch(/apt-get install -y --no-install-recommends libjemalloc2/);
    expect(finalStage('RUN').join(' ')).toMatch(/ln -s .*\/usr\/local\/lib\/libjemalloc\.so\.2/);
    const env = finalStage('ENV').join(' ');
    expect(env).toMatch(/\bLD_PRELOAD=\/usr\/local\/lib\/libjemalloc\.so\.2\b/);
    expect(env).toMatch(/\bMALLOC_CONF=background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0\b/);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as {
    services: Record<string, Record<string, unknown> & { healthcheck: { test: string[] }; environment: Env }>;
  };
  const service = compose.services['app'];

  it('publishes the container port the image exposes', () => {
    expect(service?.['ports']).toEqual([`${DEFAULT_PORT}:${DEFAULT_PORT}`]);
  });
  it('uses the same healthcheck as the Dockerfile', () => {
    expect(service?.healthcheck.test.slice(1).join(' ')).toBe(dockerHealthCommand);
  });
  it('is read-only, restarts, drops capabilities and bounds memory', () => {
    expect(service?.['read_only']).toBe(true);
    expect(service?.['restart']).toBe('unless-stopped');
    expect(service?.['cap_drop']).toEqual(['ALL']);
    expect(service?.['deploy']).toMatchObject({ resources: { limits: { memory: expect.any(String) } } });
  });
  it('sets only variables the app reads, with valid values, PORT matching the published port', () => {
    const env = service?.environment ?? {};
    for (const [name, value] of Object.entries(env)) expectAppReads(name, value);
    expect(resolveServeConfig({}, env).port).toBe(DEFAULT_PORT);
  });
});

interface Container {
  ports: { name: string; containerPort: number }[];
  env: { name: string; value: string }[];
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: Record<string, unknown>;
}

describe('Kubernetes manifests', () => {
  const docs = ['deployment.yaml', 'service.yaml', 'hpa.yaml']
    .flatMap((file) => parseAllDocuments(read(`deploy/kubernetes/${file}`)))
    // The shapes are checked by the assertions themselves, so the parsed spec stays loosely typed here.
    .map((doc) => doc.toJS() as { apiVersion: string; kind: string; metadata: { name: string }; spec: any });
  const byKind = (kind: string) => {
    const doc = docs.find((d) => d.kind === kind);
    if (!doc) throw new Error(`no ${kind} in deploy/kubernetes`);
    return doc;
  };
  const deployment = byKind('Deployment');
  const pod = deployment.spec.template.spec as { securityContext: Record<string, unknown>; containers: Container[] };
  const container = pod.containers[0] as Container;
  const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));

  it('the container listens where PORT says, and the probes use that named port', () => {
    const http = container.ports.find((p) => p.name === 'http');
    expect(http?.containerPort).toBe(resolveServeConfig({}, env).port);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
  });
  it('sets only variables the app reads, with valid values', () => {
    for (const [name, value] of Object.entries(env)) expectAppReads(name, value);
    // Left unset, the pool would size itself by the node's cores, not the CPU limit.
    expect(env['PREDICT_THREADS']).toBeDefined();
  });
  it('runs non-root, read-only, without capabilities or privilege escalation', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: expect.any(Number) });
    expect(pod.securityContext['runAsUser']).not.toBe(0);
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });
  it('requests and limits CPU and memory', () => {
    for (const key of ['cpu', 'memory']) {
      expect(container.resources.requests[key]).toBeDefined();
      expect(container.resources.limits[key]).toBeDefined();
    }
  });
  it('the Service and the autoscaler point at the Deployment', () => {
    const service = byKind('Service');
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(service.spec.ports[0].targetPort).toBe('http');
    const hpa = byKind('HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
  });
  it('the kustomization lists every manifest', () => {
    const kustomization = parse(read('deploy/kubernetes/kustomization.yaml')) as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual(['deployment.yaml', 'hpa.yaml', 'service.yaml']);
  });
});

describe('ECS task definition', () => {
  const task = JSON.parse(read('deploy/ecs/task-definition.json')) as {
    requiresCompatibilities: string[];
    networkMode: string;
    containerDefinitions: {
      user: string;
      readonlyRootFilesystem: boolean;
      portMappings: { containerPort: number }[];
      environment: { name: string; value: string }[];
      healthCheck: { command: string[] };
    }[];
  };
  const container = task.containerDefinitions[0];
  const env = Object.fromEntries((container?.environment ?? []).map((e) => [e.name, e.value]));

  it('is a Fargate task', () => {
    expect(task.requiresCompatibilities).toEqual(['FARGATE']);
    expect(task.networkMode).toBe('awsvpc');
  });
  it('maps the port PORT sets and probes /healthz like the Dockerfile', () => {
    expect(container?.portMappings.map((p) => p.containerPort)).toEqual([resolveServeConfig({}, env).port]);
    expect(container?.healthCheck.command.slice(1).join(' ')).toBe(dockerHealthCommand);
  });
  it('sets only variables the app reads, with valid values', () => {
    for (const [name, value] of Object.entries(env)) expectAppReads(name, value);
    expect(env['PREDICT_THREADS']).toBeDefined();
  });
  it('runs non-root on a read-only root filesystem', () => {
    expect(container?.readonlyRootFilesystem).toBe(true);
    expect(container?.user).toMatch(/^[1-9]\d*(:\d+)?$/);
  });
});

describe('every deployment', () => {
  it("sets the same pixel limit, the app's default (Dockerfile, compose, Kubernetes, ECS)", () => {
    const dockerfile = /\bMAX_IMAGE_PIXELS=(\d+)/.exec(finalStage('ENV').join(' '))?.[1];
    const compose = (parse(read('docker-compose.yml')) as { services: { app: { environment: Env } } }).services.app
      .environment;
    const kubernetes = parseAllDocuments(read('deploy/kubernetes/deployment.yaml'))
      .map((doc) => doc.toJS() as { kind: string; spec: { template: { spec: { containers: Container[] } } } })
      .find((doc) => doc.kind === 'Deployment')
      ?.spec.template.spec.containers[0]?.env.find((e) => e.name === 'MAX_IMAGE_PIXELS')?.value;
    const ecs = (
      JSON.parse(read('deploy/ecs/task-definition.json')) as {
        containerDefinitions: { environment: { name: string; value: string }[] }[];
      }
    ).containerDefinitions[0]?.environment.find((e) => e.name === 'MAX_IMAGE_PIXELS')?.value;
    const expected = String(DEFAULT_MAX_IMAGE_PIXELS);
    expect({ dockerfile, compose: compose['MAX_IMAGE_PIXELS'], kubernetes, ecs }).toEqual({
      dockerfile: expected,
      compose: expected,
      kubernetes: expected,
      ecs: expected,
    });
  });
});
