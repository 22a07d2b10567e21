import { describe, expect, it } from 'vitest';
import { requestAttributes } from './request-attributes.js';
import { ADMIN } from './user-info.js';

const of = (method: string, path: string) => {
  const a = requestAttributes(ADMIN, method, new URL(`http://sim${path}`));
  return { verb: a.verb, resourceRequest: a.resourceRequest, apiGroup: a.apiGroup, namespace: a.namespace, resource: a.resource, subresource: a.subresource, name: a.name };
};

describe('requestAttributes', () => {
  it('derives the verb from the method, the name and the watch parameter', () => {
    expect(of('GET', '/api/v1/namespaces/shop/pods').verb).toBe('list');
    expect(of('GET', '/api/v1/namespaces/shop/pods?watch=true').verb).toBe('watch');
    expect(of('GET', '/api/v1/watch/namespaces/shop/pods/web').verb).toBe('watch');
    expect(of('GET', '/api/v1/namespaces/shop/pods/web').verb).toBe('get');
    expect(of('POST', '/api/v1/namespaces/shop/pods').verb).toBe('create');
    expect(of('PUT', '/api/v1/namespaces/shop/pods/web').verb).toBe('update');
    expect(of('PATCH', '/api/v1/namespaces/shop/pods/web').verb).toBe('patch');
    expect(of('DELETE', '/api/v1/namespaces/shop/pods/web').verb).toBe('delete');
    expect(of('DELETE', '/api/v1/namespaces/shop/pods').verb).toBe('deletecollection');
  });

  it('reads group, namespace, resource, name and subresource from the path', () => {
    expect(of('GET', '/apis/apps/v1/namespaces/shop/deployments/web/scale')).toEqual({
      verb: 'get', resourceRequest: true, apiGroup: 'apps', namespace: 'shop', resource: 'deployments', subresource: 'scale', name: 'web',
    });
    expect(of('GET', '/api/v1/nodes')).toMatchObject({ namespace: '', resource: 'nodes', verb: 'list' });
  });

  it('makes a namespace its own namespace, keeping status and finalize as subresources', () => {
    expect(of('GET', '/api/v1/namespaces/shop')).toMatchObject({ namespace: 'shop', resource: 'namespaces', name: 'shop' });
    expect(of('PUT', '/api/v1/namespaces/shop/finalize')).toMatchObject({ namespace: 'shop', resource: 'namespaces', name: 'shop', subresource: 'finalize' });
    expect(of('GET', '/api/v1/namespaces')).toMatchObject({ namespace: '', resource: 'namespaces', verb: 'list' });
  });

  it('treats discovery, version and health as non-resource requests with the method as verb', () => {
    for (const path of ['/api', '/api/v1', '/apis', '/apis/apps', '/apis/apps/v1', '/version', '/healthz']) {
      expect(of('GET', path)).toMatchObject({ resourceRequest: false, verb: 'get' });
    }
    expect(of('POST', '/version').verb).toBe('post');
  });
});
