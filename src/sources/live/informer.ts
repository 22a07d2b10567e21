/**
 * One kind kept current: a paginated list, then a watch from the list's resourceVersion, as
 * client-go's reflector does. A watch that ends is resumed from the last version seen (bookmarks
 * included); `410 Gone` (the version left the server's window) re-lists; an unreachable server is
 * retried with back-off until it answers again. The watch stream itself is client-node's `Watch`.
 */
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { keyOf as refKey, refOf, type KubeObject } from '../../cluster/objects.js';
import { ApiError, type ApiClient } from './api-client.js';
import { listPath, type LiveKind } from './kinds.js';
import { pagedList, typed, type ListScope } from './list-kind.js';

export interface InformerOptions extends ListScope {
  /** Called after every change to the items: a list (re)loaded, or one watch event applied. */
  onChange: (kind: LiveKind) => void;
  /** A list the credentials may not make: the kind stays empty. */
  onForbidden?: (kind: LiveKind, message: string) => void;
  /** First delay before retrying a failed watch or list; doubled up to {@link MAX_BACKOFF_MS}. */
  backoffMs?: number;
}

export interface InformerStats {
  lists: number;
  watches: number;
  /** Re-lists forced by 410 Gone. */
  expired: number;
}

const MAX_BACKOFF_MS = 30_000;

export class Informer {
  readonly stats: InformerStats = { lists: 0, watches: 0, expired: 0 };
  private readonly items = new Map<string, KubeObject>();
  private resourceVersion = '';
  private stopped = false;
  private abort: AbortController | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(private readonly client: ApiClient, private readonly kubeConfig: KubeConfig, readonly kind: LiveKind, private readonly options: InformerOptions) {}

  /** Lists the kind and starts watching; resolves once the first list is in (or refused). */
  async start(): Promise<void> {
    await this.relist();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.abort?.abort();
  }

  /** The objects as last seen. */
  current(): KubeObject[] {
    return [...this.items.values()];
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    try {
      this.stats.lists++;
      const { items, resourceVersion } = await pagedList(this.client, this.kind, this.options);
      this.items.clear();
      for (const item of items) this.items.set(keyOf(item), item);
      this.resourceVersion = resourceVersion;
      this.failures = 0;
      this.options.onChange(this.kind);
      this.watch();
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) {
        this.options.onForbidden?.(this.kind, err.message);
        return;
      }
      this.retry(() => this.relist());
    }
  }

  private watch(): void {
    if (this.stopped) return;
    this.stats.watches++;
    let expired = false;
    const query = {
      resourceVersion: this.resourceVersion, allowWatchBookmarks: true,
      ...(this.kind.selectable && this.options.labelSelector ? { labelSelector: this.options.labelSelector } : {}),
    };
    const onEvent = (type: string, obj: KubeObject & { code?: number }) => {
      if (type === 'ERROR') {
        // The Status of a watch that cannot go on: 410 means our version is gone from the server.
        if (obj.code === 410) expired = true;
        return;
      }
      this.resourceVersion = obj.metadata?.resourceVersion ?? this.resourceVersion;
      if (type === 'BOOKMARK') return;
      if (type === 'DELETED') this.items.delete(keyOf(obj));
      else this.items.set(keyOf(obj), typed(obj, this.kind));
      this.failures = 0;
      this.options.onChange(this.kind);
    };
    const onDone = (err: unknown) => {
      if (this.stopped) return;
      const status = (err as { statusCode?: number } | null)?.statusCode;
      if (expired || status === 410) {
        this.stats.expired++;
        void this.relist();
      } else if (err) {
        this.retry(() => this.watch());
      } else {
        // The server ended the watch (its timeout): resume where it stopped.
        this.watch();
      }
    };
    new Watch(this.kubeConfig).watch(listPath(this.kind, this.options.namespace), query, onEvent, onDone)
      .then((abort) => {
        this.abort = abort;
        if (this.stopped) abort.abort();
      }, (err: unknown) => onDone(err));
  }

  private retry(again: () => void | Promise<void>): void {
    if (this.stopped) return;
    const delay = Math.min((this.options.backoffMs ?? 500) * 2 ** this.failures++, MAX_BACKOFF_MS);
    this.retryTimer = setTimeout(() => void again(), delay);
  }
}

/** As the snapshot keys objects: by uid, else by kind, namespace and name. */
function keyOf(obj: KubeObject): string {
  return obj.metadata.uid ?? refKey(refOf(obj));
}
