import { describe, expect, it } from 'vitest';
import { lookupResource } from '../resources.js';
import { fieldValue, matchesFields, parseFieldSelector } from './field-selector.js';
import { StatusError } from './status-error.js';

const pods = lookupResource('pods')!;
const nodes = lookupResource('nodes')!;

describe('parseFieldSelector', () => {
  it('reads =, == and !=, and backslash escapes', () => {
    expect(parseFieldSelector('metadata.name=a,status.phase!=Running,spec.nodeName==n1', pods)).toEqual([
      { field: 'metadata.name', equal: true, value: 'a' }, { field: 'status.phase', equal: false, value: 'Running' },
      { field: 'spec.nodeName', equal: true, value: 'n1' },
    ]);
    expect(parseFieldSelector('metadata.name=a\\,b', pods)).toEqual([{ field: 'metadata.name', equal: true, value: 'a,b' }]);
    expect(parseFieldSelector('', pods)).toEqual([]);
  });

  it('refuses a field the resource does not index, naming it as the apiserver does', () => {
    let err: unknown;
    try { parseFieldSelector('spec.unschedulable=true', pods); } catch (e) { err = e; }
    expect((err as StatusError).status.message).toBe('field label not supported: spec.unschedulable');
    expect(parseFieldSelector('spec.unschedulable=true', nodes)).toHaveLength(1);
  });
});

describe('field values', () => {
  it('writes booleans and counts as the apiserver\'s selectable fields do', () => {
    expect(fieldValue({ spec: {} }, 'spec.unschedulable')).toBe('false');
    expect(fieldValue({ spec: { hostNetwork: true } }, 'spec.hostNetwork')).toBe('true');
    expect(fieldValue({ status: {} }, 'status.successful')).toBe('0');
    expect(fieldValue({ status: { succeeded: 2 } }, 'status.successful')).toBe('2');
    expect(fieldValue({ source: { component: 'kubelet' } }, 'source')).toBe('kubelet');
    expect(matchesFields(parseFieldSelector('spec.nodeName=', pods), { spec: {} })).toBe(true);
  });
});
