/**
 * ImagePull: containers that cannot start because the kubelet cannot get their image. The kubelet's
 * `Failed` event carries the runtime's error (`Failed to pull image "x": ... not found`, `401
 * Unauthorized`, `no such host` ...), the container's waiting reason says which stage failed
 * (`ErrImagePull`, `ImagePullBackOff`, `InvalidImageName`, `ErrImageNeverPull`); together with the
 * pod's pull secrets and what else runs in the cluster they tell a missing tag from a missing
 * repository, a credential problem from a network one.
 */
import type { ClusterGraph, Obj } from '../../cluster/graph.js';
import type { CoreEvent, KubeObject, ObjectRef, ReplicaSet, Secret } from '../../cluster/objects.js';
import { refOf } from '../../cluster/objects.js';
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { Analyzer } from '../analyzer.js';
import { finding } from '../analyzer.js';
import type { Category, Evidence, Finding } from '../finding.js';
import { eventEvidence, specEvidence, statusEvidence } from '../evidence.js';
import { patchContainer, patchPodSpec, rolloutUndo, TEMPLATED_KINDS } from '../fixes.js';
import type { ActionPlan } from '../plan.js';
import { containerWaitingWith, describeWaiting, troubledPods, type ContainerView, type PodObj } from '../pod-state.js';
import { previousReplicaSet, replicaSetsOf, revisionOf, servedReplicas } from '../revisions.js';

type PullCategory = Category<'ImagePull'>;

/** Waiting reasons the kubelet sets when it cannot get an image (pkg/kubelet/images/types.go, cri-api errors). */
const PULL_WAITING_REASONS: ReadonlySet<string> = new Set([
  'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable',
]);

const DOCKER_HUB = 'docker.io';
const PULL_SECRET_TYPES: ReadonlySet<string> = new Set(['kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg']);

// Runtime error shapes (containerd, CRI-O, the registry's own error codes), most specific first.
const INVALID_NAME = /invalid reference format|couldn't parse image (?:name|reference)|InvalidImageName/i;
const NEVER_PULL = /not present with pull policy of Never/i;
const ACCESS_OR_MISSING = /repository does not exist or may require authorization/i;
const AUTH = /\b401 Unauthorized|\b403 Forbidden|unauthorized:|authentication required|no basic auth credentials|failed to authorize|denied: |access (?:to the resource )?(?:is )?denied|insufficient_scope/i;
const MANIFEST_UNKNOWN = /manifest unknown|MANIFEST_UNKNOWN/i;
const NAME_UNKNOWN = /name unknown|NAME_UNKNOWN|repository name not known|repository (?:\S+ )?not found|repository does not exist/i;
const UNREACHABLE = /no such host|i\/o timeout|connection refused|connection reset by peer|network is unreachable|no route to host|TLS handshake timeout|context deadline exceeded|registry is unavailable|RegistryUnavailable|server gave HTTP response to HTTPS client|\b50[234] (?:Bad Gateway|Service Unavailable|Gateway Timeout)|toomanyrequests|429 Too Many Requests|x509: /i;
const NOT_FOUND = /not found|code = NotFound/i;

/** A parsed image reference, normalised the way the runtime resolves it (`nginx` → `docker.io/library/nginx`). */
export interface ImageRef {
  registry: string;
  /** `registry/path`, the repository the runtime asks for. */
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * @returns undefined for a reference that cannot be an image name (empty, spaces, upper case path)
 * @example parseImage('nginx:1.27') // { registry: 'docker.io', repository: 'docker.io/library/nginx', tag: '1.27' }
 */
export function parseImage(image: string): ImageRef | undefined {
  if (!image || /\s/.test(image)) return undefined;
  const [namePart, digest] = image.split('@', 2) as [string, string | undefined];
  const slash = namePart.lastIndexOf('/');
  const colon = namePart.lastIndexOf(':');
  const tag = colon > slash ? namePart.slice(colon + 1) : undefined;
  const name = colon > slash ? namePart.slice(0, colon) : namePart;
  const parts = name.split('/');
  const first = parts[0]!;
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasRegistry ? first : DOCKER_HUB;
  if (registry === 'index.docker.io') registry = DOCKER_HUB;
  let path = hasRegistry ? parts.slice(1).join('/') : name;
  if (registry === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  if (!path || path !== path.toLowerCase()) return undefined;
  const ref: ImageRef = { registry, repository: `${registry}/${path}` };
  if (tag) ref.tag = tag;
  if (digest) ref.digest = digest;
  return ref;
}

interface Verdict {
  category: PullCategory;
  confidence: number;
  why: string;
}

interface PullSecrets {
  names: string[];
  /** Named but not in the snapshot, when the snapshot holds Secrets of the namespace. */
  missing: string[];
  /** Present but of a type the kubelet does not read for pulls. */
  wrongType: string[];
  /** True when the snapshot holds Secrets of the namespace, so absence means something. */
  checked: boolean;
}

/** Indexes built at most once per run, and only when a failing pod needs them. */
class Context {
  private running: Map<string, { image: string; pod: PodObj; container: string }[]> | undefined;
  private secretsUsed: Map<string, Set<string>> | undefined;
  /** Images repeat across replicas: each distinct reference is parsed once. */
  private readonly parsed = new Map<string, ImageRef | undefined>();

  constructor(readonly graph: ClusterGraph) {}

  parse(image: string): ImageRef | undefined {
    if (!this.parsed.has(image)) this.parsed.set(image, parseImage(image));
    return this.parsed.get(image);
  }

  /**
   * Images running now, by repository: proof that a repository exists and can be pulled. Each
   * distinct image once, with the first container found running it, in input order: what callers
   * ask (any running image, or the first one other than the failing image) is the same as over
   * every running container, and a cluster of 150,000 pods runs a few thousand images.
   */
  runningByRepository(repository: string): { image: string; pod: PodObj; container: string }[] {
    if (!this.running) {
      const running = new Map<string, { image: string; pod: PodObj; container: string }[]>();
      const seen = new Set<string>();
      // Indexed loops: this visits every pod of the cluster (see NodePool in ../node-pool.ts).
      const pods = this.graph.pods();
      for (let i = 0; i < pods.length; i++) {
        const pod = pods[i]!;
        const statuses = pod.status?.containerStatuses ?? [];
        for (let j = 0; j < statuses.length; j++) {
          const cs = statuses[j]!;
          if (!cs.state?.running) continue;
          const image = specImage(pod, cs.name) ?? cs.image;
          if (!image || seen.has(image)) continue;
          seen.add(image);
          const ref = this.parse(image);
          if (!ref) continue;
          const list = running.get(ref.repository);
          if (list) list.push({ image, pod, container: cs.name });
          else running.set(ref.repository, [{ image, pod, container: cs.name }]);
        }
      }
      this.running = running;
    }
    return this.running.get(repository) ?? [];
  }

  /** Pull secrets of running pods that pull from `registry` in `namespace`: the credentials that work there. */
  workingPullSecrets(namespace: string, registry: string): string[] {
    if (!this.secretsUsed) {
      this.secretsUsed = new Map();
      for (const pod of this.graph.pods()) {
        const names = pod.spec?.imagePullSecrets?.map((s) => s.name).filter((n): n is string => !!n) ?? [];
        if (!names.length) continue;
        for (const cs of pod.status?.containerStatuses ?? []) {
          const image = cs.state?.running ? pod.spec?.containers.find((c) => c.name === cs.name)?.image : undefined;
          const ref = image ? this.parse(image) : undefined;
          if (!ref) continue;
          const key = `${pod.metadata.namespace ?? ''}/${ref.registry}`;
          const set = this.secretsUsed.get(key) ?? new Set();
          names.forEach((n) => set.add(n));
          this.secretsUsed.set(key, set);
        }
      }
    }
    return [...(this.secretsUsed.get(`${namespace}/${registry}`) ?? [])];
  }
}

/** The image of the pod's app container of this name (the first, should the spec repeat a name). */
function specImage(pod: PodObj, name: string): string | undefined {
  for (const c of pod.spec?.containers ?? []) if (c.name === name) return c.image;
  return undefined;
}

export const imagePullAnalyzer: Analyzer = {
  mode: 'ImagePull',
  description: 'Containers whose image cannot be pulled: missing image or tag, registry credentials, unreachable registry, invalid name',
  analyze(graph: ClusterGraph): Finding[] {
    const ctx = new Context(graph);
    return troubledPods(graph).flatMap((pod) => {
      const failing = containerWaitingWith(pod, PULL_WAITING_REASONS);
      return failing ? [podFinding(ctx, pod, failing)] : [];
    });
  },
};

function podFinding(ctx: Context, pod: PodObj, view: ContainerView): Finding {
  const graph = ctx.graph;
  const waiting = view.status!.state!.waiting!;
  const reason = waiting.reason!;
  const image = view.spec.image ?? view.status?.image ?? '';
  const events = containerEvents(graph, pod, view);
  const pullFailure = lastWith(events, (e) => e.reason === 'Failed' && /^Failed to pull image/.test(e.message ?? ''));
  const inspectFailure = lastWith(events, (e) => e.reason === 'InspectFailed' || e.reason === 'ErrImageNeverPull');
  const backOff = lastWith(events, (e) => e.reason === 'BackOff' && /^Back-off pulling image/.test(e.message ?? ''));
  const detail = [waiting.message ?? '', inspectFailure?.message ?? '', pullFailure?.message ?? ''].join('\n');

  const secretWarning = lastWith(graph.eventsFor(refOf(pod)), (e) => e.reason === 'FailedToRetrieveImagePullSecret');
  const secrets = pullSecretsOf(ctx, pod, secretWarning?.message);
  const deploy = deploymentRevisions(graph, pod, view.spec.name);
  const verdict = classify(ctx, reason, detail, image, secrets, deploy);

  const evidence: Evidence[] = [
    statusEvidence(pod, `${view.statusPath}.state.waiting`, `State: ${describeWaiting({ reason, message: waiting.message && condense(waiting.message) })}`),
  ];
  for (const ev of [inspectFailure, pullFailure, backOff]) if (ev) evidence.push(eventEvidence({ ...ev, message: condense(ev.message ?? '') }));
  evidence.push(specEvidence(pod, `${view.specPath}.image`, `image: ${image}`));
  if (verdict.category === 'registry-auth') {
    evidence.push(pullSecretEvidence(pod, secrets));
    if (secretWarning) evidence.push(eventEvidence(secretWarning));
  }
  if (verdict.category === 'tag-not-found' && deploy?.previousImage) {
    evidence.push(specEvidence(deploy.previous!, `spec.template.spec.containers[${view.spec.name}].image`, `image: ${deploy.previousImage}`));
  }

  const workload = graph.workloadOf(pod);
  return finding({
    mode: 'ImagePull', category: verdict.category, subject: refOf(pod), culprit: workload,
    explanation: `Container ${view.spec.name} of pod ${pod.metadata.name} cannot start: ${verdict.why}${createSecretHint(pod, verdict, secrets, image)}`,
    evidence, confidence: verdict.confidence,
    severity: replicasServing(graph, pod) > 0 ? 'warning' : 'critical',
    fixes: fixesFor(ctx, pod, view, verdict, workload, secrets, deploy, image),
  });
}

/** Events about this container: by fieldPath, or, for events without one, by the image they name. */
function containerEvents(graph: ClusterGraph, pod: PodObj, view: ContainerView): Obj<CoreEvent>[] {
  const single = (pod.spec?.containers.length ?? 0) + (pod.spec?.initContainers?.length ?? 0) <= 1;
  const image = view.spec.image;
  return graph.eventsFor(refOf(pod)).filter((e) => {
    const path = e.involvedObject.fieldPath;
    if (path) return path === view.fieldPath;
    return single || (image !== undefined && (e.message ?? '').includes(`"${image}"`));
  });
}

/** Longest runtime message quoted whole; longer ones keep their head and their end. */
const MAX_MESSAGE = 300;

/**
 * Runtime errors nest (`failed to pull and unpack image "x": failed to resolve reference "x": ...`)
 * and repeat the image at every level: the innermost cause, at the end, is what tells the category,
 * so a long message keeps its first clause (which image) and its end, marked with an ellipsis.
 */
function condense(message: string): string {
  if (message.length <= MAX_MESSAGE) return message;
  const head = /^(?:Failed to pull image|Back-off pulling image|Failed to apply default image tag) "[^"]*": /.exec(message)?.[0] ?? '';
  let tail = message.slice(-(MAX_MESSAGE - head.length));
  const cut = tail.indexOf(' ');
  if (cut > 0 && cut < 80) tail = tail.slice(cut + 1);
  return `${head}… ${tail}`;
}

function lastWith(events: Obj<CoreEvent>[], test: (e: Obj<CoreEvent>) => boolean): Obj<CoreEvent> | undefined {
  for (let i = events.length - 1; i >= 0; i--) if (test(events[i]!)) return events[i];
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Classification

interface DeploymentRevisions {
  deployment: KubeObject;
  current: Obj<ReplicaSet>;
  previous?: Obj<ReplicaSet>;
  /** The image the previous revision ran for this container, when it differs and that revision served. */
  previousImage?: string;
}

function classify(ctx: Context, reason: string, detail: string, image: string, secrets: PullSecrets, deploy: DeploymentRevisions | undefined): Verdict {
  const ref = parseImage(image);
  if (reason === 'InvalidImageName' || INVALID_NAME.test(detail) || !ref) {
    return { category: 'invalid-image-name', confidence: 0.95, why: `the image name "${image}" is not a valid reference, so the kubelet cannot even try to pull it.` };
  }
  if (reason === 'ErrImageNeverPull' || NEVER_PULL.test(detail)) {
    return { category: 'image-not-found', confidence: 0.8, why: `image "${image}" is not on the node and imagePullPolicy is Never, so the kubelet will not pull it.` };
  }
  if (UNREACHABLE.test(detail) || reason === 'RegistryUnavailable') return unreachable(detail, ref);
  if (ACCESS_OR_MISSING.test(detail)) return accessOrMissing(ctx, ref, image, secrets);
  if (AUTH.test(detail)) {
    return { category: 'registry-auth', confidence: 0.9, why: `registry ${ref.registry} refuses the pull of "${image}" for lack of valid credentials. ${secretsSentence(secrets)}` };
  }
  if (MANIFEST_UNKNOWN.test(detail)) {
    return { category: 'tag-not-found', confidence: 0.9, why: `registry ${ref.registry} knows repository ${ref.repository} but has no manifest for ${tagText(ref)} ("manifest unknown").${previousSentence(deploy)}` };
  }
  if (NAME_UNKNOWN.test(detail)) {
    return { category: 'image-not-found', confidence: 0.9, why: `repository ${ref.repository} does not exist on ${ref.registry}.` };
  }
  if (NOT_FOUND.test(detail)) return notFound(ctx, ref, image, deploy);
  return {
    category: 'unknown', confidence: 0.4,
    why: `the pull of "${image}" fails (${detailReason(reason)}) but no runtime error message is in the snapshot to say why: look at the pod's Failed events.`,
  };
}

function unreachable(detail: string, ref: ImageRef): Verdict {
  if (/toomanyrequests|429 Too Many Requests/i.test(detail)) {
    return { category: 'registry-unreachable', confidence: 0.85, why: `registry ${ref.registry} refuses to serve: its pull rate limit is reached (authenticated pulls get a higher limit, a mirror avoids it).` };
  }
  if (/x509: /i.test(detail)) {
    return { category: 'registry-unreachable', confidence: 0.75, why: `the node cannot establish a trusted TLS connection to registry ${ref.registry} (certificate not trusted by the node's runtime).` };
  }
  const dns = /no such host/i.test(detail);
  return {
    category: 'registry-unreachable', confidence: 0.9,
    why: dns
      ? `the node cannot resolve the registry host ${ref.registry} (DNS lookup: no such host): a typo in the registry name, or DNS the node cannot use.`
      : `the node cannot reach registry ${ref.registry} (network error while pulling): a firewall, proxy or registry outage.`,
  };
}

/**
 * `pull access denied, repository does not exist or may require authorization`: the registry will not
 * say which. Missing credentials, a repository that runs elsewhere, or a private registry decide it.
 */
function accessOrMissing(ctx: Context, ref: ImageRef, image: string, secrets: PullSecrets): Verdict {
  const said = `registry ${ref.registry} answers "pull access denied, repository does not exist or may require authorization" for "${image}"`;
  if (secrets.missing.length || secrets.wrongType.length) {
    return { category: 'registry-auth', confidence: 0.9, why: `${said}. ${secretsSentence(secrets)}` };
  }
  const elsewhere = ctx.runningByRepository(ref.repository)[0];
  if (elsewhere) {
    return { category: 'registry-auth', confidence: 0.8, why: `${said}; the repository exists (pod ${elsewhere.pod.metadata.name} runs ${elsewhere.image}), so these credentials are what fails. ${secretsSentence(secrets)}` };
  }
  if (!secrets.names.length && ref.registry !== DOCKER_HUB) {
    return { category: 'registry-auth', confidence: 0.75, why: `${said}; the pod has no imagePullSecrets for this private registry. ${secretsSentence(secrets)}` };
  }
  if (!secrets.names.length) {
    return { category: 'image-not-found', confidence: 0.6, why: `${said}; without credentials on Docker Hub this usually means the repository name is wrong (a private repository would also need an imagePullSecret).` };
  }
  return { category: 'registry-auth', confidence: 0.6, why: `${said}; the pod's pull secrets (${secrets.names.join(', ')}) do not grant access, or the repository name is wrong.` };
}

/** containerd's `failed to resolve reference "x": x: not found` does not say whether the tag or the repository is missing. */
function notFound(ctx: Context, ref: ImageRef, image: string, deploy: DeploymentRevisions | undefined): Verdict {
  const wanted = ref.digest ?? ref.tag ?? 'latest';
  const other = ctx.runningByRepository(ref.repository).find((r) => r.image !== image);
  const previous = deploy?.previousImage && parseImage(deploy.previousImage)?.repository === ref.repository ? deploy.previousImage : undefined;
  if (wanted !== 'latest' && (other || previous)) {
    const proof = other ? `pod ${other.pod.metadata.name} runs ${other.image}` : `the previous revision ran ${previous}`;
    return { category: 'tag-not-found', confidence: 0.85, why: `${tagText(ref)} of ${ref.repository} does not exist, while the repository does (${proof}).${previousSentence(deploy)}` };
  }
  const hint = wanted === 'latest' ? 'no "latest" tag either, so the repository itself is missing (or misspelled)' : 'no other tag of this repository runs in the cluster, so the repository itself appears to be missing (or misspelled)';
  return { category: 'image-not-found', confidence: wanted === 'latest' ? 0.8 : 0.7, why: `registry ${ref.registry} has no "${image}": ${hint}.` };
}

function tagText(ref: ImageRef): string {
  return ref.digest ? `digest ${ref.digest}` : `tag "${ref.tag ?? 'latest'}"`;
}

function previousSentence(deploy: DeploymentRevisions | undefined): string {
  return deploy?.previousImage ? ` The previous revision (${revisionOf(deploy.previous!)}) ran ${deploy.previousImage}.` : '';
}

function detailReason(reason: string): string {
  return reason === 'ImagePullBackOff' ? 'ImagePullBackOff: the kubelet is backing off after failed pulls' : reason;
}

// ---------------------------------------------------------------------------------------------------
// Pull secrets

/** The kubelet's `Unable to retrieve some image pull secrets (a, b); attempting to pull the image may not succeed.` */
const SECRETS_NOT_RETRIEVED = /Unable to retrieve some image pull secrets \(([^)]*)\)/;

function pullSecretsOf(ctx: Context, pod: PodObj, kubeletWarning: string | undefined): PullSecrets {
  const graph = ctx.graph;
  const ns = pod.metadata.namespace ?? '';
  // The ServiceAccount admission plugin copies the account's pull secrets into the pod at creation;
  // an account changed since then is read as well.
  let names = pod.spec?.imagePullSecrets?.map((s) => s.name).filter((n): n is string => !!n) ?? [];
  if (!names.length) {
    const sa = graph.get<ServiceAccount>('ServiceAccount', ns, pod.spec?.serviceAccountName ?? 'default');
    names = sa?.imagePullSecrets?.map((s) => s.name).filter((n): n is string => !!n) ?? [];
  }
  const checked = graph.ofKindIn('Secret', ns).length > 0;
  const reported = SECRETS_NOT_RETRIEVED.exec(kubeletWarning ?? '')?.[1]?.split(/,\s*/) ?? [];
  const missing: string[] = [];
  const wrongType: string[] = [];
  for (const name of names) {
    const secret = graph.get<Secret>('Secret', ns, name);
    if (!secret) {
      if (checked || reported.includes(name)) missing.push(name);
    } else if (secret.type && !PULL_SECRET_TYPES.has(secret.type)) {
      wrongType.push(`${name} (type ${secret.type})`);
    }
  }
  return { names, missing, wrongType, checked };
}

function secretsSentence(s: PullSecrets): string {
  if (s.missing.length) return `The pod names imagePullSecrets ${s.missing.join(', ')} that do not exist in the namespace, so the kubelet pulls without credentials.`;
  if (s.wrongType.length) return `Pull secret ${s.wrongType.join(', ')} is not of type kubernetes.io/dockerconfigjson, so the kubelet does not use it.`;
  if (!s.names.length) return 'Neither the pod nor its ServiceAccount has imagePullSecrets.';
  return `The pod pulls with ${s.names.join(', ')}.`;
}

/** No credentials can be invented: say what to create instead. */
function createSecretHint(pod: PodObj, verdict: Verdict, s: PullSecrets, image: string): string {
  const name = s.missing[0];
  if (verdict.category !== 'registry-auth' || !name) return '';
  const registry = parseImage(image)?.registry ?? '<registry>';
  return ` Create it with the registry's credentials: kubectl create secret docker-registry ${name} -n ${pod.metadata.namespace ?? 'default'} `
    + `--docker-server=${registry} --docker-username=<user> --docker-password=<token>.`;
}

function pullSecretEvidence(pod: PodObj, s: PullSecrets): Evidence {
  const quote = s.names.length ? `imagePullSecrets: ${s.names.map((n) => `{name: ${n}}`).join(', ')}` : 'imagePullSecrets: <none>';
  return specEvidence(pod, 'spec.imagePullSecrets', quote);
}

// ---------------------------------------------------------------------------------------------------
// Workload context and fixes

/** For a pod of a Deployment's ReplicaSet: that ReplicaSet, the previous one, and the image it ran. */
function deploymentRevisions(graph: ClusterGraph, pod: PodObj, container: string): DeploymentRevisions | undefined {
  const [rs, deployment] = graph.ownerChain(pod);
  if (rs?.kind !== 'ReplicaSet' || deployment?.kind !== 'Deployment') return undefined;
  const current = rs as Obj<ReplicaSet>;
  const previous = previousReplicaSet(replicaSetsOf(graph, deployment), current);
  if (!previous) return { deployment, current };
  const image = previous.spec?.template?.spec?.containers.find((c) => c.name === container)?.image;
  const currentImage = current.spec?.template?.spec?.containers.find((c) => c.name === container)?.image;
  const worked = image && image !== currentImage && servedReplicas(previous);
  return { deployment, current, previous, ...(worked ? { previousImage: image } : {}) };
}

function replicasServing(graph: ClusterGraph, pod: PodObj): number {
  const chain = graph.ownerChain(pod);
  const top = chain[chain.length - 1];
  const status = top?.status as { availableReplicas?: number; numberAvailable?: number; readyReplicas?: number } | undefined;
  return status?.availableReplicas ?? status?.numberAvailable ?? status?.readyReplicas ?? 0;
}

function fixesFor(
  ctx: Context, pod: PodObj, view: ContainerView, verdict: Verdict, workload: ObjectRef,
  secrets: PullSecrets, deploy: DeploymentRevisions | undefined, image: string,
): ActionPlan[] {
  const fixes: ActionPlan[] = [];
  const rollbackable = verdict.category === 'tag-not-found' || verdict.category === 'image-not-found' || verdict.category === 'invalid-image-name';
  if (rollbackable && deploy?.previousImage && deploy.previous) {
    const ref = refOf(deploy.deployment);
    const why = `image ${image} cannot be pulled (${verdict.category}); revision ${revisionOf(deploy.previous)} ran ${deploy.previousImage} with available replicas`;
    fixes.push(rolloutUndo(ref, why, revisionOf(deploy.previous)));
    fixes.push(patchContainer(ref, view.spec.name, { image: deploy.previousImage }, { image },
      `set image of container ${view.spec.name} back to ${deploy.previousImage} (was ${image})`, why));
  } else if (verdict.category === 'tag-not-found' && TEMPLATED_KINDS.has(workload.kind) && !view.init) {
    // No earlier revision to return to: the tag another pod pulls is the one known to exist.
    const repository = parseImage(image)?.repository;
    const other = repository ? ctx.runningByRepository(repository).find((r) => r.image !== image) : undefined;
    if (other) {
      fixes.push(patchContainer(workload, view.spec.name, { image: other.image }, { image },
        `set image of container ${view.spec.name} to ${other.image} (was ${image})`,
        `tag of ${image} does not exist; pod ${other.pod.metadata.name} runs ${other.image} from the same repository`));
    }
  }
  if (verdict.category === 'registry-auth' && !secrets.names.length && TEMPLATED_KINDS.has(workload.kind) && !view.init) {
    const registry = parseImage(image)?.registry;
    const candidates = registry ? ctx.workingPullSecrets(pod.metadata.namespace ?? '', registry) : [];
    const name = candidates.length === 1 ? candidates[0]! : undefined;
    if (name) {
      fixes.push(patchPodSpec(workload, { imagePullSecrets: [{ name }] }, { imagePullSecrets: [{ name, $patch: 'delete' }] },
        `add imagePullSecret ${name} to ${workload.kind.toLowerCase()}/${workload.name}`,
        `running pods in namespace ${pod.metadata.namespace ?? ''} pull from ${registry} with Secret ${name}; this workload names no pull secret`));
    }
  }
  return fixes;
}

