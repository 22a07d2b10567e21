import { describe, expect, it } from 'vitest';
import { type PolicyRule, describeSubject, ruleAllows, subjectMatches } from './rbac-rules.js';
import { requestAttributes } from './request-attributes.js';
import { serviceAccountUser } from './user-info.js';

const user = serviceAccountUser('shop', 'builder');
const attrs = (method: string, path: string) => requestAttributes(user, method, new URL(`http://sim${path}`));

describe('ruleAllows', () => {
  const podReader: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };

  it('matches verb, group and resource exactly', () => {
    expect(ruleAllows(attrs('GET', '/api/v1/namespaces/shop/pods'), podReader)).toBe(true);
    expect(ruleAllows(attrs('DELETE', '/api/v1/namespaces/shop/pods/web'), podReader)).toBe(false);
    expect(ruleAllows(attrs('GET', '/apis/apps/v1/namespaces/shop/deployments'), podReader)).toBe(false);
    expect(ruleAllows(attrs('GET', '/apis/apps/v1/namespaces/shop/pods'), podReader)).toBe(false);
  });

  it('does not let a resource rule cover its subresources', () => {
    expect(ruleAllows(attrs('GET', '/api/v1/namespaces/shop/pods/web/log'), podReader)).toBe(false);
    expect(ruleAllows(attrs('GET', '/api/v1/namespaces/shop/pods/web/log'), { ...podReader, resources: ['pods/log'] })).toBe(true);
    expect(ruleAllows(attrs('GET', '/api/v1/namespaces/shop/pods/web/log'), { ...podReader, resources: ['*/log'] })).toBe(true);
    expect(ruleAllows(attrs('GET', '/api/v1/namespaces/shop/pods/web'), { ...podReader, resources: ['*/log'] })).toBe(false);
  });

  it('treats * as any verb, group and resource', () => {
    const all: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
    expect(ruleAllows(attrs('PATCH', '/apis/apps/v1/namespaces/shop/deployments/web/scale'), all)).toBe(true);
    expect(ruleAllows(attrs('GET', '/version'), all)).toBe(false);
  });

  it('limits by resourceNames, which a list (no name) never matches', () => {
    const one: PolicyRule = { ...podReader, resourceNames: ['web'] };
    expect(ruleAllows(attrs('GET', '/api/v1/namespaces/shop/pods/web'), one)).toBe(true);
    expect(ruleAllows(attrs('GET', '/api/v1/namespaces/shop/pods/api'), one)).toBe(false);
    expect(ruleAllows(attrs('GET', '/api/v1/namespaces/shop/pods'), one)).toBe(false);
    expect(ruleAllows(attrs('GET', '/api/v1/namespaces/shop/pods?fieldSelector=metadata.name%3Dweb'), one)).toBe(true);
  });

  it('matches non-resource URLs exactly or by a trailing * prefix', () => {
    const discovery: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/api', '/apis/*'] };
    expect(ruleAllows(attrs('GET', '/api'), discovery)).toBe(true);
    expect(ruleAllows(attrs('GET', '/apis/apps/v1'), discovery)).toBe(true);
    expect(ruleAllows(attrs('GET', '/apis'), discovery)).toBe(false);
    expect(ruleAllows(attrs('POST', '/api'), discovery)).toBe(false);
  });
});

describe('subjectMatches', () => {
  it('names users, groups and service accounts (namespace defaulting to the binding)', () => {
    expect(subjectMatches({ kind: 'ServiceAccount', name: 'builder' }, user, 'shop')).toBe(true);
    expect(subjectMatches({ kind: 'ServiceAccount', name: 'builder' }, user, 'other')).toBe(false);
    expect(subjectMatches({ kind: 'ServiceAccount', name: 'builder', namespace: 'shop' }, user, '')).toBe(true);
    expect(subjectMatches({ kind: 'ServiceAccount', name: 'builder' }, user, '')).toBe(false);
    expect(subjectMatches({ kind: 'Group', name: 'system:serviceaccounts:shop' }, user, '')).toBe(true);
    expect(subjectMatches({ kind: 'User', name: 'system:serviceaccount:shop:builder' }, user, '')).toBe(true);
    expect(subjectMatches({ kind: 'User', name: 'builder' }, user, '')).toBe(false);
  });

  it('describes a service account as name/namespace', () => {
    expect(describeSubject({ kind: 'ServiceAccount', name: 'builder' }, 'shop')).toBe('ServiceAccount "builder/shop"');
    expect(describeSubject({ kind: 'Group', name: 'system:masters' }, '')).toBe('Group "system:masters"');
  });
});
