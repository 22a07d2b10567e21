/** Objects made safe to print, quote or hand to an agent. */
import type { KubeObject } from './objects.js';

/**
 * The object as it may be shown anywhere: without a Secret's values (keys and sizes stay), its managed
 * fields, or the last-applied copy (which holds a Secret's values when it was applied with kubectl).
 */
export function withoutSecretValues(obj: KubeObject): KubeObject {
  const { managedFields: _managed, annotations: _annotations, ...metadata } = obj.metadata;
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  const out: KubeObject = { ...obj, metadata: { ...metadata, ...(Object.keys(annotations).length ? { annotations } : {}) } };
  if (obj.kind !== 'Secret') return out;
  const hide = (values: unknown, decode: boolean): Record<string, string> => Object.fromEntries(Object.entries((values ?? {}) as Record<string, string>)
    .map(([key, v]) => [key, `[REDACTED: ${decode ? Buffer.from(String(v), 'base64').length : String(v).length} bytes]`]));
  if (obj['data'] !== undefined) out['data'] = hide(obj['data'], true);
  if (obj['stringData'] !== undefined) out['stringData'] = hide(obj['stringData'], false);
  return out;
}
