/**
 * The Pod Security Standards checks the simulator evaluates, with the reasons and details of
 * staging/src/k8s.io/pod-security-admission/policy/check_*.go, in the order the evaluator runs them
 * (registry.go: baseline checks, then at baseline the baseline-only ones, at restricted the
 * restricted ones; each group in the order its files register). Containers are visited init
 * containers first, then containers, then ephemeral containers (visitor.go).
 *
 * Not modelled (rare in practice): AppArmor, procMount, SELinux options, sysctls, Windows host
 * process, and the baseline seccomp check (`Unconfined`).
 */
import { type Obj, arr, rec, str } from './admission-plugin.js';

/** A failed check: its reason, and the detail printed in parentheses after it. */
export interface CheckFailure {
  reason: string;
  detail: string;
}

type Check = (spec: Obj) => CheckFailure | undefined;

function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** Go's sets.String.List(): unique and sorted. */
function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

function containers(spec: Obj): Obj[] {
  return [...arr(spec['initContainers']), ...arr(spec['containers']), ...arr(spec['ephemeralContainers'])];
}

function securityContext(o: Obj): Obj | undefined {
  return rec(o['securityContext']);
}

function nameOf(c: Obj): string {
  return str(c['name']) ?? '';
}

function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

const hostNamespaces: Check = (spec) => {
  const used = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => spec[k] === true);
  return used.length ? { reason: 'host namespaces', detail: sortedSet(used).join(', ') } : undefined;
};

const hostPorts: Check = (spec) => {
  const bad: string[] = [];
  const ports: string[] = [];
  for (const c of containers(spec)) {
    const used = arr(c['ports']).map((p) => p['hostPort']).filter((p): p is number => typeof p === 'number' && p !== 0);
    if (used.length === 0) continue;
    bad.push(nameOf(c));
    ports.push(...used.map(String));
  }
  if (bad.length === 0) return undefined;
  const list = sortedSet(ports);
  return {
    reason: 'hostPort',
    detail: `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}`,
  };
};

const privileged: Check = (spec) => {
  const bad = containers(spec).filter((c) => securityContext(c)?.['privileged'] === true).map(nameOf);
  return bad.length ? { reason: 'privileged', detail: `${containersPhrase(bad)} must not set securityContext.privileged=true` } : undefined;
};

/** The capabilities a baseline pod may add. */
const DEFAULT_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

function addedCapabilities(c: Obj): string[] {
  return (rec(securityContext(c)?.['capabilities'])?.['add'] as unknown[] | undefined ?? []).filter((x): x is string => typeof x === 'string');
}

const capabilitiesBaseline: Check = (spec) => {
  const bad: string[] = [];
  const caps: string[] = [];
  for (const c of containers(spec)) {
    const extra = addedCapabilities(c).filter((cap) => !DEFAULT_CAPABILITIES.has(cap));
    if (extra.length === 0) continue;
    bad.push(nameOf(c));
    caps.push(...extra);
  }
  if (bad.length === 0) return undefined;
  return { reason: 'non-default capabilities', detail: `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add` };
};

const hostPathVolumes: Check = (spec) => {
  const bad = arr(spec['volumes']).filter((v) => rec(v['hostPath'])).map(nameOf);
  return bad.length ? { reason: 'hostPath volumes', detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}` } : undefined;
};

const allowPrivilegeEscalation: Check = (spec) => {
  const bad = containers(spec).filter((c) => securityContext(c)?.['allowPrivilegeEscalation'] !== false).map(nameOf);
  return bad.length
    ? { reason: 'allowPrivilegeEscalation != false', detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false` }
    : undefined;
};

const capabilitiesRestricted: Check = (spec) => {
  const missingDrop: string[] = [];
  const adding: string[] = [];
  const caps: string[] = [];
  for (const c of containers(spec)) {
    const capabilities = rec(securityContext(c)?.['capabilities']);
    if (!capabilities) {
      missingDrop.push(nameOf(c));
      continue;
    }
    if (!(capabilities['drop'] as unknown[] | undefined ?? []).includes('ALL')) missingDrop.push(nameOf(c));
    const extra = addedCapabilities(c).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (extra.length > 0) {
      adding.push(nameOf(c));
      caps.push(...extra);
    }
  }
  const details = [
    ...(missingDrop.length ? [`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`] : []),
    ...(adding.length ? [`${containersPhrase(adding)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`] : []),
  ];
  return details.length ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
};

const ALLOWED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

const restrictedVolumes: Check = (spec) => {
  const bad: string[] = [];
  const types: string[] = [];
  for (const v of arr(spec['volumes'])) {
    const sources = Object.keys(v).filter((k) => k !== 'name' && rec(v[k]));
    if (sources.some((k) => ALLOWED_VOLUME_TYPES.has(k))) continue;
    bad.push(nameOf(v));
    types.push(sources[0] ?? 'unknown');
  }
  if (bad.length === 0) return undefined;
  const typeList = sortedSet(types);
  return {
    reason: 'restricted volume types',
    detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} `
      + `${pluralize('restricted volume type', 'restricted volume types', typeList.length)} ${joinQuote(typeList)}`,
  };
};

/**
 * The shape runAsNonRoot and seccompProfile share: the pod and containers that set a bad value,
 * else the containers left without a good one.
 */
function podOrContainers(spec: Obj, setting: (ctx: Obj | undefined) => 'good' | 'bad' | 'unset', reason: string,
  badDetail: (setters: string) => string, unsetDetail: (containers: string) => string): CheckFailure | undefined {
  const setters: string[] = [];
  const pod = setting(securityContext(spec));
  if (pod === 'bad') setters.push('pod');
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containers(spec)) {
    const value = setting(securityContext(c));
    if (value === 'bad') explicit.push(nameOf(c));
    else if (value === 'unset' && pod !== 'good') implicit.push(nameOf(c));
  }
  if (explicit.length) setters.push(containersPhrase(explicit));
  if (setters.length) return { reason, detail: badDetail(setters.join(' and ')) };
  if (implicit.length) return { reason, detail: unsetDetail(containersPhrase(implicit)) };
  return undefined;
}

const runAsNonRoot: Check = (spec) => podOrContainers(spec,
  (ctx) => (typeof ctx?.['runAsNonRoot'] !== 'boolean' ? 'unset' : ctx['runAsNonRoot'] ? 'good' : 'bad'),
  'runAsNonRoot != true',
  (setters) => `${setters} must not set securityContext.runAsNonRoot=false`,
  (names) => `pod or ${names} must set securityContext.runAsNonRoot=true`);

const runAsUser: Check = (spec) => {
  const setters = securityContext(spec)?.['runAsUser'] === 0 ? ['pod'] : [];
  const bad = containers(spec).filter((c) => securityContext(c)?.['runAsUser'] === 0).map(nameOf);
  if (bad.length) setters.push(containersPhrase(bad));
  return setters.length ? { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0` } : undefined;
};

const seccompProfile: Check = (spec) => {
  const badTypes: string[] = [];
  const failure = podOrContainers(spec,
    (ctx) => {
      const profile = rec(ctx?.['seccompProfile']);
      if (!profile) return 'unset';
      const type = str(profile['type']) ?? '';
      if (type === 'RuntimeDefault' || type === 'Localhost') return 'good';
      badTypes.push(type);
      return 'bad';
    },
    'seccompProfile',
    (setters) => `${setters} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badTypes))}`,
    (names) => `pod or ${names} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
  return failure;
};

const BASELINE: readonly Check[] = [hostNamespaces, hostPorts, privileged];
const BASELINE_ONLY: readonly Check[] = [capabilitiesBaseline, hostPathVolumes];
const RESTRICTED: readonly Check[] = [allowPrivilegeEscalation, capabilitiesRestricted, restrictedVolumes, runAsNonRoot, runAsUser, seccompProfile];

/** The checks a pod spec fails at a level (`privileged` allows everything). */
export function evaluatePod(level: 'privileged' | 'baseline' | 'restricted', spec: Obj): CheckFailure[] {
  if (level === 'privileged') return [];
  const checks = [...BASELINE, ...(level === 'baseline' ? BASELINE_ONLY : RESTRICTED)];
  return checks.map((check) => check(spec)).filter((f): f is CheckFailure => f !== undefined);
}

/** AggregateCheckResult.ForbiddenDetail(): `reason (detail), reason (detail)`. */
export function forbiddenDetail(failures: readonly CheckFailure[]): string {
  return failures.map((f) => (f.detail ? `${f.reason} (${f.detail})` : f.reason)).join(', ');
}
