/**
 * Reading why the API server's admission refused an object a controller tried to create, from the
 * controller's `FailedCreate` message. The formats are Kubernetes' own:
 *
 * - controllers (pkg/controller/controller_utils.go, cronjob, statefulset/stateful_pod_control.go):
 *   `Error creating: <err>`, `Error creating job: <err>`,
 *   `create Pod <pod> in StatefulSet <set> failed error: <err>` (and `create Claim <pvc> for Pod ...`);
 * - the API server: `<resource> "<name>" is forbidden: <reason>` (admission.NewForbidden; a mutating
 *   plugin sees a generateName pod before its name is generated, so it names `web-5d8f7c9b7d-`), or
 *   `Internal error occurred: <reason>` (apierrors.NewInternalError);
 * - webhooks (apiserver/pkg/util/webhook/error.go, admission/plugin/webhook/errors/statuserror.go):
 *   `failed calling webhook "<name>": <err>` and `admission webhook "<name>" denied the request: <msg>`
 *   (or `... denied the request without explanation`);
 * - PodSecurity (pod-security-admission/admission/admission.go):
 *   `violates PodSecurity "<level>:<version>": <check> (<detail>), <check> (<detail>)`;
 * - ServiceAccount (plugin/pkg/admission/serviceaccount/admission.go):
 *   `error looking up service account <ns>/<name>: <err>`;
 * - LimitRanger (plugin/pkg/admission/limitranger/admission.go): `maximum <res> usage per <Type> is
 *   <q>, but limit is <q>`, `minimum ...`, `... No limit is specified`, `<res> max limit to request
 *   ratio per <Type> is <q>, but provided ratio is <f>`, several of them aggregated as `[a, b]`.
 *
 * ResourceQuota refusals (`exceeded quota:`) are not admission refusals here: they are Pending/quota-exceeded.
 */
import type { Category } from './finding.js';

export type RefusalCategory = Exclude<Category<'AdmissionRefused'>, 'unknown'>;

/** One PodSecurity check that failed: `allowPrivilegeEscalation != false` and what it asks. */
export interface PodSecurityCheck {
  check: string;
  detail?: string;
}

/** One LimitRange bound a pod (or claim) broke. */
export interface LimitViolation {
  bound: 'minimum' | 'maximum' | 'ratio';
  resource: string;
  /** `Container`, `Pod` or `PersistentVolumeClaim`: what the bound applies to. */
  scope: string;
  /** The bound's value, as the LimitRange states it. */
  enforced: string;
  /** Which value of the object broke it; `missing` when the object set none. */
  observed: 'limit' | 'request' | 'ratio' | 'missing';
  /** The object's value (absent when missing). */
  value?: string;
  /** The violation in the plugin's own words. */
  text: string;
}

interface RefusalBase {
  /** The object refused, as the API server names it (`pods "web-5d8f7c9b7d-"`). */
  object?: { resource: string; name: string };
  /** The admission plugin's own words, without the controller's and the API server's prefixes. */
  reason: string;
}

export type AdmissionRefusal = RefusalBase & (
  | { category: 'webhook-unavailable'; webhook: string; error: string }
  | { category: 'webhook-denied'; webhook: string; message: string | undefined }
  | { category: 'pod-security-violation'; level: string; version: string; checks: PodSecurityCheck[] }
  | { category: 'service-account-missing'; namespace: string; name: string; error: string }
  | { category: 'limit-range-violation'; violations: LimitViolation[] }
);

const CONTROLLER_PREFIX = /^(?:Error creating(?: job)?: |create (?:Pod|Claim) \S+ (?:for Pod \S+ )?in StatefulSet \S+ failed error: )/;
const FORBIDDEN_PREFIX = /^([a-z0-9.-]+) "([^"]*)" is forbidden: /;
const INTERNAL_PREFIX = /^Internal error occurred: /;

const WEBHOOK_CALL = /^failed calling (?:admission )?webhook "([^"]+)"(?:: ([\s\S]*)|; no further details available)$/;
const WEBHOOK_DENIAL = /^admission webhook "([^"]+)" denied the request(?:: ([\s\S]*)| without explanation)$/;
const POD_SECURITY = /^(?:pod )?violates PodSecurity "([^":]+):([^"]+)": ([\s\S]*)$/;
const SERVICE_ACCOUNT = /^error looking up service account ([^/\s]+)\/([^:\s]+): ([\s\S]*)$/i;
const SERVICE_ACCOUNT_RETRY = /^service account ([^/\s]+)\/(\S+) was not found, retry after the service account is created$/;

const LIMIT_USAGE = /(minimum|maximum) (\S+) usage per (\w+) is (\S+?)(?:, but (limit|request) is (\S+?)|\.\s+No (?:limit|request) is specified)\.?(?=, |\]|$)/gi;
const LIMIT_RATIO = /(\S+) max limit to request ratio per (\w+) is (\S+?), but (?:provided ratio is ([0-9.]+)|no (?:request|limit) is specified or (?:request|limit) is 0)\.?(?=, |\]|$)/g;

/**
 * @returns what refused the object, or undefined when the message is no admission refusal this reads
 * @example parseAdmissionRefusal('Error creating: pods "web-5d8f7c9b7d-" is forbidden: error looking up service account shop/api: serviceaccount "api" not found')
 *   // { category: 'service-account-missing', namespace: 'shop', name: 'api', ... }
 */
export function parseAdmissionRefusal(message: string): AdmissionRefusal | undefined {
  let reason = message.trim().replace(CONTROLLER_PREFIX, '');
  let object: RefusalBase['object'];
  for (;;) {
    const forbidden = FORBIDDEN_PREFIX.exec(reason);
    if (forbidden) {
      object = { resource: forbidden[1]!, name: forbidden[2]! };
      reason = reason.slice(forbidden[0].length);
    } else if (INTERNAL_PREFIX.test(reason)) {
      reason = reason.replace(INTERNAL_PREFIX, '');
    } else {
      break;
    }
  }
  const base: RefusalBase = object ? { object, reason } : { reason };
  return webhook(base) ?? podSecurity(base) ?? serviceAccount(base) ?? limitRange(base);
}

function webhook(base: RefusalBase): AdmissionRefusal | undefined {
  const call = WEBHOOK_CALL.exec(base.reason);
  if (call) return { ...base, category: 'webhook-unavailable', webhook: call[1]!, error: call[2] ?? '' };
  const denial = WEBHOOK_DENIAL.exec(base.reason);
  if (denial) return { ...base, category: 'webhook-denied', webhook: denial[1]!, message: denial[2] };
  return undefined;
}

function podSecurity(base: RefusalBase): AdmissionRefusal | undefined {
  const m = POD_SECURITY.exec(base.reason);
  if (!m) return undefined;
  return { ...base, category: 'pod-security-violation', level: m[1]!, version: m[2]!, checks: splitChecks(m[3]!) };
}

/** `a (x, y), b, c (z)` → its checks: commas inside the parentheses belong to the detail. */
export function splitChecks(text: string): PodSecurityCheck[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0 && text[i + 1] === ' ') {
      parts.push(text.slice(start, i));
      start = i + 2;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean).map((part) => {
    const open = part.indexOf(' (');
    if (open < 0 || !part.endsWith(')')) return { check: part };
    return { check: part.slice(0, open), detail: part.slice(open + 2, -1) };
  });
}

function serviceAccount(base: RefusalBase): AdmissionRefusal | undefined {
  const m = SERVICE_ACCOUNT.exec(base.reason);
  if (m) return { ...base, category: 'service-account-missing', namespace: m[1]!, name: m[2]!, error: m[3]! };
  const retry = SERVICE_ACCOUNT_RETRY.exec(base.reason);
  if (retry) return { ...base, category: 'service-account-missing', namespace: retry[1]!, name: retry[2]!, error: 'not found' };
  return undefined;
}

function limitRange(base: RefusalBase): AdmissionRefusal | undefined {
  // An aggregate of several errors prints as `[a, b]`; one error prints bare.
  const text = base.reason.startsWith('[') && base.reason.endsWith(']') ? base.reason.slice(1, -1) : base.reason;
  const violations: LimitViolation[] = [];
  for (const m of text.matchAll(LIMIT_USAGE)) {
    const observed = (m[5]?.toLowerCase() ?? 'missing') as LimitViolation['observed'];
    violations.push({
      bound: m[1]!.toLowerCase() as 'minimum' | 'maximum', resource: m[2]!, scope: m[3]!, enforced: m[4]!, observed,
      ...(m[6] ? { value: m[6] } : {}), text: m[0],
    });
  }
  for (const m of text.matchAll(LIMIT_RATIO)) {
    violations.push({
      bound: 'ratio', resource: m[1]!, scope: m[2]!, enforced: m[3]!, observed: m[4] ? 'ratio' : 'missing',
      ...(m[4] ? { value: m[4] } : {}), text: m[0],
    });
  }
  if (!violations.length || !/^\[?(?:minimum|maximum|\S+ max limit to request ratio)/i.test(base.reason)) return undefined;
  return { ...base, category: 'limit-range-violation', violations };
}
