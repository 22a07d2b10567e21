/**
 * The defaults of admissionregistration.k8s.io/v1 webhook configurations
 * (pkg/apis/admissionregistration/v1/defaults.go): failurePolicy Fail, matchPolicy Equivalent,
 * empty namespace and object selectors, a 10 s timeout, rule scope `*`, service port 443, and for
 * mutating webhooks reinvocationPolicy Never.
 */
import { type Obj, arr, rec } from './admission-plugin.js';

function setDefault(target: Obj, key: string, value: unknown): void {
  if (target[key] === undefined || target[key] === null) target[key] = value;
}

function defaultWebhook(hook: Obj, mutating: boolean): void {
  setDefault(hook, 'failurePolicy', 'Fail');
  setDefault(hook, 'matchPolicy', 'Equivalent');
  setDefault(hook, 'namespaceSelector', {});
  setDefault(hook, 'objectSelector', {});
  setDefault(hook, 'timeoutSeconds', 10);
  if (mutating) setDefault(hook, 'reinvocationPolicy', 'Never');
  for (const rule of arr(hook['rules'])) setDefault(rule, 'scope', '*');
  const service = rec(rec(hook['clientConfig'])?.['service']);
  if (service) setDefault(service, 'port', 443);
}

/** Fills the defaults of a ValidatingWebhookConfiguration or MutatingWebhookConfiguration draft in place. */
export function defaultWebhookConfiguration(configuration: Obj): void {
  const mutating = configuration['kind'] === 'MutatingWebhookConfiguration';
  for (const hook of arr(configuration['webhooks'])) defaultWebhook(hook, mutating);
}
