/**
 * A `Volumes:` section: each volume's name and the source its `Type:` line names, with the fields
 * describe prints for it (claim names, config map and secret names, paths).
 */
import type { ReadContext } from './context.js';
import { valueOf, type Field } from './fields.js';
import { boolOf, present } from './values.js';

type Volume = { name: string } & Record<string, unknown>;

/** The volumes of a section; `Volumes: <none>` or a missing section give none. */
export function readVolumes(section: Field | undefined, ctx: ReadContext): Volume[] {
  const out: Volume[] = [];
  for (const field of section?.children ?? []) {
    if (field.key === undefined || field.value !== '') continue;
    out.push({ name: field.key, ...sourceOf(field, ctx) });
  }
  return out;
}

/** Optional flags print as `Optional: false` when unset; only `true` is kept, as the API would have it. */
function optional(text: string | undefined): { optional?: true } {
  return boolOf(text) ? { optional: true } : {};
}

function sourceOf(field: Field, ctx: ReadContext): Record<string, unknown> {
  const f = field.children;
  const typeField = f.find((c) => c.key === 'Type');
  if (!typeField) return {};
  const type = /^(\S+)/.exec(typeField.value)?.[1] ?? '';
  const v = (key: string): string | undefined => present(valueOf(f, key));
  switch (type) {
    case 'PersistentVolumeClaim':
      return { persistentVolumeClaim: { claimName: v('ClaimName') ?? '', ...(boolOf(v('ReadOnly')) ? { readOnly: true } : {}) } };
    case 'ConfigMap':
      return { configMap: { name: v('Name') ?? '', ...optional(v('Optional')) } };
    case 'Secret':
      return { secret: { secretName: v('SecretName') ?? '', ...optional(v('Optional')) } };
    case 'EmptyDir':
      return { emptyDir: { ...(v('Medium') ? { medium: v('Medium') } : {}), ...(v('SizeLimit') ? { sizeLimit: v('SizeLimit') } : {}) } };
    case 'HostPath':
      return { hostPath: { path: v('Path') ?? '', ...(v('HostPathType') ? { type: v('HostPathType') } : {}) } };
    case 'NFS':
      return { nfs: { server: v('Server') ?? '', path: v('Path') ?? '', ...(boolOf(v('ReadOnly')) ? { readOnly: true } : {}) } };
    case 'CSI':
      return { csi: { driver: v('Driver') ?? '', ...(v('FSType') ? { fsType: v('FSType') } : {}), ...(boolOf(v('ReadOnly')) ? { readOnly: true } : {}) } };
    case 'Projected':
      return { projected: { sources: projectedSources(f, ctx) } };
    case 'DownwardAPI':
      return { downwardAPI: {} };
    case 'EphemeralVolume':
      return { ephemeral: { volumeClaimTemplate: { spec: ephemeralClaimSpec(f) } } };
    default:
      return {};
  }
}

/** Projected sources print in order, each followed by its own `Optional:` line. */
function projectedSources(fields: Field[], ctx: ReadContext): Record<string, unknown>[] {
  const sources: Record<string, unknown>[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const next = fields[i + 1];
    const optionalNext = next?.key === 'Optional' || next?.key === 'ConfigMapOptional' ? optional(next.value) : {};
    switch (f.key) {
      case 'TokenExpirationSeconds':
        sources.push({ serviceAccountToken: { path: 'token', expirationSeconds: ctx.int(f) } });
        break;
      case 'ConfigMapName':
        sources.push({ configMap: { name: f.value, ...optionalNext } });
        break;
      case 'SecretName':
        sources.push({ secret: { name: f.value, ...optionalNext } });
        break;
      case 'DownwardAPI':
        if (boolOf(f.value)) sources.push({ downwardAPI: {} });
        break;
    }
  }
  return sources;
}

/** The claim template of an ephemeral volume prints like a PVC, two levels in. */
function ephemeralClaimSpec(fields: Field[]): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  const sc = present(valueOf(fields, 'StorageClass'));
  if (sc) spec['storageClassName'] = sc;
  return spec;
}
