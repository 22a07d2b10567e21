import { describe, expect, it } from 'vitest';
import { FieldSet, pathString } from './fieldset.js';

describe('FieldSet', () => {
  it('serialises members, keys and values in structured-merge-diff order with "." last', () => {
    const set = new FieldSet()
      .insert([{ field: 'metadata' }, { field: 'finalizers' }, { value: 'b.io/x' }])
      .insert([{ field: 'metadata' }, { field: 'finalizers' }, { value: 'a.io/x' }])
      .insert([{ field: 'spec' }, { field: 'ports' }, { key: { protocol: 'TCP', port: 80 } }])
      .insert([{ field: 'spec' }, { field: 'ports' }, { key: { protocol: 'TCP', port: 80 } }, { field: 'port' }])
      .insert([{ field: 'spec' }, { field: 'clusterIP' }]);
    const json = JSON.stringify(set.toFieldsV1());
    expect(json).toBe('{"f:metadata":{"f:finalizers":{"v:\\"a.io/x\\"":{},"v:\\"b.io/x\\"":{}}},'
      + '"f:spec":{"f:clusterIP":{},"f:ports":{"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{"f:port":{},".":{}}}}}');
  });

  it('reads back what it writes', () => {
    const fields = {
      'f:spec': { 'f:containers': { 'k:{"name":"api"}': { '.': {}, 'f:image': {} } }, 'f:replicas': {} },
    };
    const set = FieldSet.fromFieldsV1(fields);
    expect(set.has([{ field: 'spec' }, { field: 'containers' }, { key: { name: 'api' } }])).toBe(true);
    expect(set.has([{ field: 'spec' }, { field: 'containers' }])).toBe(false);
    expect(set.toFieldsV1()).toEqual(fields);
  });

  it('prints paths as the apiserver does in conflicts', () => {
    expect(pathString([{ field: 'spec' }, { field: 'ports' }, { key: { protocol: 'TCP', port: 80 } }, { field: 'targetPort' }]))
      .toBe('.spec.ports[port=80,protocol="TCP"].targetPort');
    expect(pathString([{ field: 'metadata' }, { field: 'finalizers' }, { value: 'x' }])).toBe('.metadata.finalizers[="x"]');
  });
});
