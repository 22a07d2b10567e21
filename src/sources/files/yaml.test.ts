import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/objects.js';
import { InputError } from '../input-error.js';
import { readYamlObjects } from './yaml.js';

function read(text: string): KubeObject[] {
  const objects: KubeObject[] = [];
  readYamlObjects(text, 'state.yaml', (o) => objects.push(o));
  return objects;
}

function detailOf(text: string): string {
  try {
    read(text);
  } catch (error) {
    if (error instanceof InputError && error.origin === 'state.yaml') return error.detail;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('readYamlObjects', () => {
  it('reads every document of a stream, skipping empty ones', () => {
    const text = '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n---\n';
    expect(read(text).map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`)).toEqual(['v1 Service/web', 'apps/v1 Deployment/web']);
  });

  it('expands a List document into its items', () => {
    const text = 'apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web-1\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web-2\nkind: List\nmetadata:\n  resourceVersion: ""\n';
    expect(read(text).map((o) => o.metadata.name)).toEqual(['web-1', 'web-2']);
  });

  it('gives the items of a typed list their kind and apiVersion', () => {
    const text = 'kind: ReplicaSetList\napiVersion: apps/v1\nitems:\n- metadata:\n    name: web-5d8f\n';
    expect(read(text)).toEqual([{ kind: 'ReplicaSet', apiVersion: 'apps/v1', metadata: { name: 'web-5d8f' } }]);
  });

  it('names the document and line of a YAML error', () => {
    const text = 'kind: Pod\nmetadata:\n  name: a\n---\nkind: Pod\nmetadata:\n  name: b\n  name: c\n';
    expect(detailOf(text)).toBe('invalid YAML in document 2 at line 8, column 3: Map keys must be unique');
  });

  it('names a document that is not a Kubernetes object, and a bad list item, with their lines', () => {
    expect(detailOf('kind: Pod\nmetadata:\n  name: a\n---\n\n- just\n- a list\n'))
      .toBe('document 2 (line 6) is not a Kubernetes object: it has no kind or metadata.name');
    expect(detailOf('kind: List\nitems:\n- kind: Pod\n  metadata:\n    name: a\n- kind: Pod\n  metadata: {}\n'))
      .toBe('document 1, item 1 (line 6) has no kind or metadata.name');
  });
});
