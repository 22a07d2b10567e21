/**
 * The image catalog: what the simulated container runtime knows about images (tags that exist,
 * binaries inside, what the default command does). Scenarios extend it by passing their own table.
 */

/** How one image behaves when run with its default command. */
export interface ImageEntry {
  /** Tags the registry has; a pull of any other tag fails with NotFound. */
  tags: readonly string[];
  /** Executables on $PATH in the image (a command naming another one cannot start). */
  binaries: readonly string[];
  /** Compressed size the runtime reports after a pull. */
  sizeBytes: number;
  /** Time a pull takes. */
  pullMs: number;
  /** What the default entrypoint does: serve until stopped, or exit with a code. */
  defaultRun: { kind: 'serve' } | { kind: 'exit'; code: number; afterMs: number };
  /** TCP ports the default entrypoint listens on. */
  ports: readonly number[];
  /** HTTP paths answered with 200 on those ports (others answer 404). */
  httpPaths: readonly string[];
  /** Time from start until the ports accept connections. */
  startMs: number;
  /** Resident memory of the default process. */
  memoryBytes: number;
  /** Log lines the default entrypoint writes at start. */
  startLogs: readonly string[];
  /** Whether PID 1 exits promptly on SIGTERM (else it is SIGKILLed after the grace period: 137). */
  exitsOnSigterm: boolean;
  /** Time the server takes to answer an HTTP request (a probe with a shorter timeout fails); default 5 ms. */
  responseMs?: number;
  /** CPU the default process burns, in millicores; default 2 for a server, 1 for a tool (an idle process). */
  cpuMillis?: number;
  /**
   * Services (of the pod's namespace) the server calls: while one has no ready endpoint, its HTTP
   * paths answer 503 and it logs the failed call (see dependencies.ts).
   */
  dependsOn?: readonly string[];
  /** Memory the default process adds every second it runs (a leak); default 0. */
  memoryGrowthBytesPerSecond?: number;
}

/** Image repository (as written in a pod, without registry `docker.io/library/`) → behaviour. */
export type ImageCatalog = Readonly<Record<string, ImageEntry>>;

const SHELL = ['sh', 'ash', 'echo', 'sleep', 'cat', 'ls', 'env', 'true', 'false', 'wget', 'test'];
const MiB = 1024 * 1024;

const NGINX_LOGS = [
  '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
  '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
  '/docker-entrypoint.sh: Configuration complete; ready for start up',
  'nginx: [notice] 1#1: using the "epoll" event method',
  'nginx: [notice] 1#1: start worker processes',
];

function server(over: Partial<ImageEntry> & Pick<ImageEntry, 'tags' | 'ports'>): ImageEntry {
  return {
    binaries: [...SHELL, 'bash'], sizeBytes: 50_000_000, pullMs: 1_200, defaultRun: { kind: 'serve' },
    httpPaths: ['/'], startMs: 500, memoryBytes: 20 * MiB, startLogs: [], exitsOnSigterm: true, ...over,
  };
}

function tool(over: Partial<ImageEntry> & Pick<ImageEntry, 'tags'>): ImageEntry {
  return {
    binaries: SHELL, sizeBytes: 4_000_000, pullMs: 600, defaultRun: { kind: 'exit', code: 0, afterMs: 100 },
    ports: [], httpPaths: [], startMs: 100, memoryBytes: 1 * MiB, startLogs: [], exitsOnSigterm: false, ...over,
  };
}

/** The built-in catalog. */
export const DEFAULT_CATALOG: ImageCatalog = {
  nginx: server({
    tags: ['latest', '1.27', '1.27.3', '1.26', '1.25', 'alpine', '1.27-alpine', 'stable'], ports: [80],
    binaries: [...SHELL, 'bash', 'nginx', 'curl'], sizeBytes: 68_000_000, httpPaths: ['/', '/index.html'],
    memoryBytes: 8 * MiB, startLogs: NGINX_LOGS,
  }),
  'nginxinc/nginx-unprivileged': server({
    tags: ['latest', '1.27', 'stable', 'alpine'], ports: [8080], binaries: [...SHELL, 'nginx'],
    sizeBytes: 70_000_000, httpPaths: ['/', '/index.html'], memoryBytes: 8 * MiB, startLogs: NGINX_LOGS,
  }),
  busybox: tool({ tags: ['latest', '1.36', '1.37', 'stable'], sizeBytes: 2_200_000, binaries: [...SHELL, 'busybox', 'nc', 'top'] }),
  alpine: tool({ tags: ['latest', '3.20', '3.21', '3.19'], sizeBytes: 3_600_000 }),
  'curlimages/curl': tool({ tags: ['latest', '8.11.0', '8.10.1'], binaries: [...SHELL, 'curl'], sizeBytes: 11_000_000 }),
  redis: server({
    tags: ['latest', '7', '7.4', '7.2', 'alpine'], ports: [6379], binaries: [...SHELL, 'bash', 'redis-server', 'redis-cli'],
    sizeBytes: 45_000_000, httpPaths: [], memoryBytes: 10 * MiB, exitsOnSigterm: true,
    startLogs: ['1:C * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo', '1:M * Ready to accept connections tcp'],
  }),
  postgres: server({
    tags: ['latest', '17', '16', '15', '16-alpine'], ports: [5432], binaries: [...SHELL, 'bash', 'postgres', 'psql', 'pg_isready'],
    sizeBytes: 150_000_000, httpPaths: [], startMs: 3_000, memoryBytes: 40 * MiB,
    startLogs: ['LOG:  database system is ready to accept connections'],
  }),
  httpd: server({
    tags: ['latest', '2.4', '2.4-alpine', 'alpine'], ports: [80], binaries: [...SHELL, 'bash', 'httpd'], sizeBytes: 58_000_000,
    startLogs: ['AH00558: httpd: Could not reliably determine the server\'s fully qualified domain name', '[mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations'],
  }),
  python: tool({
    tags: ['latest', '3.13', '3.12', '3.12-slim', '3.11', '3.13-slim'], binaries: [...SHELL, 'bash', 'python', 'python3', 'pip'],
    sizeBytes: 45_000_000, defaultRun: { kind: 'exit', code: 0, afterMs: 200 }, memoryBytes: 10 * MiB,
  }),
  node: tool({
    tags: ['latest', '22', '20', '22-alpine', '20-alpine', 'lts'], binaries: [...SHELL, 'bash', 'node', 'npm', 'npx'],
    sizeBytes: 160_000_000, defaultRun: { kind: 'exit', code: 0, afterMs: 200 }, memoryBytes: 30 * MiB,
  }),
  'polinux/stress': tool({ tags: ['latest', '1.0.4'], binaries: [...SHELL, 'stress'], sizeBytes: 4_100_000 }),
};

/** An image reference split into what the catalog and the runtime messages need. */
export interface ImageRef {
  /** As written in the pod. */
  image: string;
  /** Fully qualified, as containerd names it (`docker.io/library/nginx:1.27`). */
  qualified: string;
  /** Repository without the registry (`nginx`, `curlimages/curl`) or with it for other registries. */
  repository: string;
  tag: string;
  /** Whether the reference names a registry host. */
  hasRegistry: boolean;
}

/** Parses an image reference the way the container runtime normalises it. */
export function parseImage(image: string): ImageRef {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  const tag = at >= 0 ? image.slice(at + 1) : hasTag ? withoutDigest.slice(colon + 1) : 'latest';
  const first = name.split('/')[0] ?? '';
  const hasRegistry = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  let repository = name;
  if (hasRegistry && first === 'docker.io') repository = name.slice('docker.io/'.length);
  if (repository.startsWith('library/')) repository = repository.slice('library/'.length);
  const host = hasRegistry && first !== 'docker.io' ? '' : repository.includes('/') ? 'docker.io/' : 'docker.io/library/';
  const qualifiedName = hasRegistry && first !== 'docker.io' ? name : host + repository;
  return { image, qualified: `${qualifiedName}${at >= 0 ? '@' : ':'}${tag}`, repository, tag, hasRegistry: hasRegistry && first !== 'docker.io' };
}

/** A generic long-running server for images outside the catalog that name a registry. */
export function genericServer(ports: readonly number[]): ImageEntry {
  return server({ tags: [], ports, binaries: [...SHELL, 'bash'], sizeBytes: 80_000_000, httpPaths: ['/', '/healthz', '/readyz', '/health', '/ready'] });
}

/**
 * What the catalog says about an image: the entry and whether its tag exists. Images outside the
 * catalog with a registry host behave as a generic server on `declaredPorts` (any tag but `latest`
 * exists, as a private registry with a pinned tag would).
 */
export function lookupImage(catalog: ImageCatalog, ref: ImageRef, declaredPorts: readonly number[]): { entry: ImageEntry; tagExists: boolean } | undefined {
  const entry = catalog[ref.repository];
  if (entry) return { entry, tagExists: entry.tags.includes(ref.tag) || ref.image.includes('@sha256:') };
  if (ref.hasRegistry) return { entry: genericServer(declaredPorts), tagExists: ref.tag !== 'latest' };
  return undefined;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?';
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$`);

/**
 * Why the runtime cannot parse an image reference (the distribution reference grammar), or
 * undefined when it is valid.
 */
export function invalidImageReason(image: string): string | undefined {
  if (REFERENCE.test(image)) return undefined;
  const name = image.replace(/[:@].*$/, '');
  if (name !== name.toLowerCase() && REFERENCE.test(image.toLowerCase())) {
    const path = name.includes('/') ? name : `library/${name}`;
    return `invalid reference format: repository name (${path}) must be lowercase`;
  }
  return 'invalid reference format';
}
