/**
 * `kubectl describe pvc`: storage class, phase, bound volume, capacity and access modes (describe
 * shows these two only once the claim is bound), conditions and events. An empty `StorageClass:`
 * means the claim names no class.
 */
import type { ReadContext } from '../context.js';
import { child, valueOf, type Field } from '../fields.js';
import { metadataOf, objectOf } from '../meta.js';
import { withEvents, type BlockRead } from '../reader.js';
import { tableRows } from '../table.js';
import type { Block } from '../text.js';
import { accessModes, isoTime, present } from '../values.js';

export function readPersistentVolumeClaim(fields: Field[], ctx: ReadContext, block: Block): BlockRead {
  const metadata = metadataOf(fields, ctx, true, block.prompt?.namespace);
  const spec: Record<string, unknown> = {};
  const status: Record<string, unknown> = {};
  const v = (key: string): string | undefined => present(valueOf(fields, key));

  const storageClass = v('StorageClass');
  if (storageClass) spec['storageClassName'] = storageClass;
  const volume = v('Volume');
  if (volume) spec['volumeName'] = volume;
  const volumeMode = v('VolumeMode');
  if (volumeMode) spec['volumeMode'] = volumeMode;
  const dataSource = child(fields, 'DataSource');
  if (dataSource) {
    const ds = dataSource.children;
    spec['dataSource'] = {
      ...(valueOf(ds, 'APIGroup') ? { apiGroup: valueOf(ds, 'APIGroup') } : {}), kind: valueOf(ds, 'Kind') ?? '', name: valueOf(ds, 'Name') ?? '',
    };
  }
  const phase = v('Status');
  if (phase && !phase.startsWith('Terminating')) status['phase'] = phase;
  const capacity = v('Capacity');
  if (capacity) status['capacity'] = { storage: capacity };
  const modes = v('Access Modes');
  if (modes) status['accessModes'] = accessModes(modes);
  const conditions = tableRows(child(fields, 'Conditions')).map((r) => {
    const [type = '', condStatus = '', probe = '', transition = '', reason = '', message = ''] = r.cells;
    const c: Record<string, string> = { type, status: condStatus };
    const probed = isoTime(probe);
    if (probed) c['lastProbeTime'] = probed;
    const changed = isoTime(transition);
    if (changed) c['lastTransitionTime'] = changed;
    if (reason) c['reason'] = reason;
    if (message) c['message'] = message;
    return c;
  });
  if (conditions.length > 0) status['conditions'] = conditions;
  return { objects: withEvents(objectOf('PersistentVolumeClaim', metadata, { spec, status }), fields) };
}
