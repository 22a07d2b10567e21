/**
 * The MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins
 * (apiserver/pkg/admission/plugin/webhook/{mutating,validating}/dispatcher.go). The simulator runs no
 * webhook code, so it models what breaks clusters: a webhook the request goes to (see
 * webhook-match.ts) whose Service has no ready endpoint fails the call; with failurePolicy Fail the
 * request is refused with 500 `Internal error occurred: failed calling webhook "NAME": failed to
 * call webhook: Post "https://…": no endpoints available for service "SVC"`, with Ignore it goes on.
 * A webhook that can be called lets the request through, unless its configuration carries
 * {@link DENY_MESSAGE_ANNOTATION}: then it answers as a webhook that denies does, 400 `admission
 * webhook "NAME" denied the request: MESSAGE` (ToStatusErr: a denial without a code gets 400, and
 * no reason).
 */
import { lookupResource } from '../resources.js';
import { type Status, StatusError, internalError } from '../store/status-error.js';
import { type AdmissionAttributes, type AdmissionPlugin, type ClusterReader, type Obj, arr, str } from './admission-plugin.js';
import { webhookApplies } from './webhook-match.js';
import { callFailure } from './webhook-service.js';

/**
 * Simulator-only annotation of a webhook configuration: its webhooks, when they can be called, deny
 * every request they match with this message.
 */
export const DENY_MESSAGE_ANNOTATION = 'sim.kubetriage.io/deny-message';

const VALIDATING = lookupResource('validatingwebhookconfigurations')!;
const MUTATING = lookupResource('mutatingwebhookconfigurations')!;

/** The refusal of a webhook that denied the request (webhook errors.ToStatusErr, for a Status with only a message). */
export function webhookDenied(webhook: string, message: string): StatusError {
  const deniedBy = `admission webhook ${JSON.stringify(webhook)} denied the request`;
  const status: Status = {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: message ? `${deniedBy}: ${message}` : `${deniedBy} without explanation`, code: 400,
  };
  return new StatusError(status);
}

/** The refusal of a webhook that could not be called under failurePolicy Fail (NewInternalError of ErrCallingWebhook). */
export function webhookCallFailed(webhook: string, reason: string): StatusError {
  return internalError(new Error(`failed calling webhook ${JSON.stringify(webhook)}: ${reason}`));
}

/** The configurations in the order the apiserver calls them: by name. */
function configurations(kind: typeof VALIDATING, cluster: ClusterReader): Obj[] {
  return [...cluster.list(kind)].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0)) as Obj[];
}

function denyMessage(configuration: Obj): string | undefined {
  const annotations = (configuration['metadata'] as { annotations?: Record<string, string> }).annotations;
  return annotations?.[DENY_MESSAGE_ANNOTATION];
}

/** Calls, in order, every webhook of these configurations the request goes to; the first refusal is thrown. */
function dispatch(kind: typeof VALIDATING, a: AdmissionAttributes, cluster: ClusterReader): void {
  for (const configuration of configurations(kind, cluster)) {
    for (const hook of arr(configuration['webhooks'])) {
      if (!webhookApplies(hook, a, cluster)) continue;
      const name = str(hook['name']) ?? '';
      const failure = callFailure(hook, cluster);
      if (failure !== undefined) {
        if (hook['failurePolicy'] === 'Ignore') continue;
        throw webhookCallFailed(name, failure);
      }
      const deny = denyMessage(configuration);
      if (deny !== undefined) throw webhookDenied(name, deny);
    }
  }
}

/** MutatingAdmissionWebhook: runs at the end of the mutating phase. */
export const mutatingWebhookAdmission: AdmissionPlugin = {
  name: 'MutatingAdmissionWebhook',
  admit: (a, cluster) => dispatch(MUTATING, a, cluster),
};

/** ValidatingAdmissionWebhook: runs in the validating phase, on the object as it will be stored. */
export const validatingWebhookAdmission: AdmissionPlugin = {
  name: 'ValidatingAdmissionWebhook',
  validate: (a, cluster) => dispatch(VALIDATING, a, cluster),
};
