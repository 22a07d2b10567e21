import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { lookupResource } from '../resources.js';
import type { AdmissionAttributes, ClusterReader, Obj } from './admission-plugin.js';
import { namespaceMatches, objectMatches, rulesMatch, webhookApplies } from './webhook-match.js';

function attrs(resource: string, extra: Partial<AdmissionAttributes> = {}): AdmissionAttributes {
  const r = lookupResource(resource)!;
  return {
    operation: 'CREATE', resource: r, subresource: undefined, namespace: r.namespaced ? 'shop' : undefined, name: 'x',
    object: { metadata: { name: 'x', labels: { app: 'api' } } }, oldObject: undefined, dryRun: false, ...extra,
  };
}

function cluster(namespaces: Record<string, Record<string, string>>): ClusterReader {
  return {
    get: (_r, _ns, name) => (namespaces[name] ? { kind: 'Namespace', metadata: { name, labels: namespaces[name] } } as KubeObject : undefined),
    list: () => [],
  };
}

const podRule = { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: '*' };

describe('which requests a webhook is called for', () => {
  it('matches operations, groups, versions and resources, wildcards included', () => {
    expect(rulesMatch({ rules: [podRule] }, attrs('pods'))).toBe(true);
    expect(rulesMatch({ rules: [podRule] }, attrs('pods', { operation: 'UPDATE' }))).toBe(false);
    expect(rulesMatch({ rules: [podRule] }, attrs('deployments'))).toBe(false);
    expect(rulesMatch({ rules: [{ ...podRule, operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] }, attrs('deployments'))).toBe(true);
  });

  it('tells a resource from its subresources', () => {
    const status = attrs('pods', { operation: 'UPDATE', subresource: 'status' });
    const update = { ...podRule, operations: ['UPDATE'] };
    expect(rulesMatch({ rules: [update] }, status)).toBe(false);
    expect(rulesMatch({ rules: [{ ...update, resources: ['pods/*'] }] }, status)).toBe(true);
    expect(rulesMatch({ rules: [{ ...update, resources: ['*/status'] }] }, status)).toBe(true);
    expect(rulesMatch({ rules: [{ ...update, resources: ['*'] }] }, status)).toBe(false);
  });

  it('honours the rule\'s scope', () => {
    const anything = { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] };
    expect(rulesMatch({ rules: [{ ...anything, scope: 'Namespaced' }] }, attrs('pods'))).toBe(true);
    expect(rulesMatch({ rules: [{ ...anything, scope: 'Namespaced' }] }, attrs('nodes'))).toBe(false);
    expect(rulesMatch({ rules: [{ ...anything, scope: 'Cluster' }] }, attrs('namespaces', { namespace: 'shop' }))).toBe(true);
  });

  it('matches another version of the same objects unless matchPolicy is Exact', () => {
    const v2 = { operations: ['CREATE'], apiGroups: ['autoscaling'], apiVersions: ['v2'], resources: ['horizontalpodautoscalers'] };
    const v1Request = attrs('horizontalpodautoscalers.v1.autoscaling');
    expect(v1Request.resource.version).toBe('v1');
    expect(rulesMatch({ rules: [v2], matchPolicy: 'Equivalent' }, v1Request)).toBe(true);
    expect(rulesMatch({ rules: [v2], matchPolicy: 'Exact' }, v1Request)).toBe(false);
  });

  it('selects namespaces by their labels; cluster-scoped objects always pass', () => {
    const hook: Obj = { namespaceSelector: { matchLabels: { policy: 'enforced' } } };
    const labelled = cluster({ shop: { policy: 'enforced' } });
    expect(namespaceMatches(hook, attrs('pods'), labelled)).toBe(true);
    expect(namespaceMatches(hook, attrs('pods'), cluster({ shop: {} }))).toBe(false);
    expect(namespaceMatches(hook, attrs('nodes'), cluster({}))).toBe(true);
    expect(namespaceMatches({ namespaceSelector: {} }, attrs('pods'), cluster({ shop: {} }))).toBe(true);
    const expression = { namespaceSelector: { matchExpressions: [{ key: 'policy', operator: 'NotIn', values: ['off'] }] } };
    expect(namespaceMatches(expression, attrs('pods'), cluster({ shop: { policy: 'off' } }))).toBe(false);
  });

  it('judges a namespace being created by its own labels', () => {
    const hook: Obj = { namespaceSelector: { matchLabels: { policy: 'enforced' } } };
    const ns = attrs('namespaces', { namespace: 'new', object: { metadata: { name: 'new', labels: { policy: 'enforced' } } } });
    expect(namespaceMatches(hook, ns, cluster({}))).toBe(true);
  });

  it('selects objects by the new or the old object\'s labels', () => {
    const hook: Obj = { objectSelector: { matchLabels: { app: 'web' } } };
    expect(objectMatches(hook, attrs('pods'))).toBe(false);
    const old = { kind: 'Pod', metadata: { name: 'x', labels: { app: 'web' } } } as KubeObject;
    expect(objectMatches(hook, attrs('pods', { operation: 'UPDATE', oldObject: old }))).toBe(true);
  });

  it('never sends webhook configurations to webhooks', () => {
    const everything = { rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], scope: '*' }] };
    expect(webhookApplies(everything, attrs('validatingwebhookconfigurations'), cluster({}))).toBe(false);
    expect(webhookApplies(everything, attrs('configmaps'), cluster({ shop: {} }))).toBe(true);
  });
});
