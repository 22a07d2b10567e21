/**
 * A watch over HTTP: a chunked stream of `{"type":"ADDED","object":{...}}` lines, as the apiserver
 * writes them. A resourceVersion older than the history is answered, like the apiserver's watch
 * cache does, with 200 and a single ERROR event carrying a 410 Expired Status. A client that does
 * not read is cut off rather than buffered without bound.
 */
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../cluster/objects.js';
import { jsonOf } from '../store/frozen.js';
import type { ObjectStore, Watch, WatchOptions } from '../store/object-store.js';
import type { ResourceInfo } from '../resources.js';

/** Pending bytes past which a slow watcher is disconnected (it will re-list and re-watch). */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/** A watch being served; `end` closes it (server shutdown). */
export interface ActiveWatch {
  end(): void;
}

/** How event objects are written: as stored JSON, or transformed (into a Table). */
export type EventEncoder = (object: KubeObject) => string;

/** Serves a watch until the client leaves, the timeout passes or the server closes. */
export function serveWatch(
  store: ObjectStore, r: ResourceInfo, options: WatchOptions, res: ServerResponse,
  encode: EventEncoder, contentType: string, timeoutSeconds: number | undefined, active: Set<ActiveWatch>,
): void {
  let watch: Watch | undefined;
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  const handle: ActiveWatch = { end: () => finish() };
  const head = () => {
    if (res.headersSent) return;
    res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  };
  const finish = () => {
    if (done) return;
    done = true;
    watch?.stop();
    if (timer) clearTimeout(timer);
    active.delete(handle);
    head();
    res.end();
  };
  const write = (type: string, object: string) => {
    if (done) return;
    head();
    res.write(`{"type":"${type}","object":${object}}\n`);
    if (res.writableLength > MAX_PENDING_BYTES) finish();
  };
  watch = store.watch(r, options, {
    event: (type, object) => write(type, encode(object)),
    bookmark: (object) => write('BOOKMARK', jsonOf(object)),
    error: (err) => { write('ERROR', JSON.stringify(err.status)); finish(); },
  });
  if (done) return;
  head();
  res.flushHeaders();
  active.add(handle);
  res.on('close', finish);
  if (timeoutSeconds !== undefined && timeoutSeconds > 0) {
    timer = setTimeout(finish, timeoutSeconds * 1000);
    timer.unref();
  }
}
