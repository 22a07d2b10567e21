/** One kind, listed whole: every page, each item given its kind and apiVersion (and stripped of values where the kind says so). */
import type { KubeObject } from '../../cluster/objects.js';
import { ApiError, type ApiClient } from './api-client.js';
import { listPath, type LiveKind } from './kinds.js';

export interface ListScope {
  namespace?: string;
  labelSelector?: string;
  pageSize?: number;
}

const PAGE_SIZE = 500;

/** Every page of one kind; an expired continue token restarts the list once, as client-go's pager does. */
export async function pagedList(client: ApiClient, k: LiveKind, options: ListScope): Promise<{ items: KubeObject[]; resourceVersion: string }> {
  const path = listPath(k, options.namespace);
  const query = { limit: options.pageSize ?? PAGE_SIZE, labelSelector: k.selectable ? options.labelSelector : undefined };
  for (let restarted = false; ; restarted = true) {
    const items: KubeObject[] = [];
    let resourceVersion = '';
    let token: string | undefined;
    try {
      do {
        const page = await client.getJson<{ items?: KubeObject[]; metadata?: { continue?: string; resourceVersion?: string } }>(path, { ...query, continue: token });
        for (const item of page.items ?? []) items.push(typed(item, k));
        token = page.metadata?.continue || undefined;
        // The list's version is the first page's: a watch from it misses nothing of the pages after.
        resourceVersion ||= page.metadata?.resourceVersion ?? '';
      } while (token !== undefined);
      return { items, resourceVersion };
    } catch (err) {
      if (restarted || !(err instanceof ApiError) || err.status !== 410 || token === undefined) throw err;
    }
  }
}

/**
 * List items come without kind and apiVersion: the list names them once. Managed fields and the
 * last-applied annotation go at once (no analyzer reads them, and the annotation of a Secret
 * applied with kubectl holds its values).
 */
export function typed(item: KubeObject, k: LiveKind): KubeObject {
  item.kind = k.kind;
  item.apiVersion = k.group === '' ? k.version : `${k.group}/${k.version}`;
  delete item.metadata.managedFields;
  if (item.metadata.annotations) delete item.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
  if (k.keysOnly) keysOnly(item);
  return item;
}

function keysOnly(item: KubeObject): void {
  const holder = item as KubeObject & { data?: Record<string, string>; binaryData?: Record<string, string>; stringData?: Record<string, string> };
  for (const field of ['data', 'binaryData', 'stringData'] as const) {
    const values = holder[field];
    if (values) holder[field] = Object.fromEntries(Object.keys(values).map((key) => [key, '']));
  }
}
