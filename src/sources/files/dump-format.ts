/**
 * What `kubectl cluster-info dump` writes, as its source
 * (staging/src/k8s.io/kubectl/pkg/cmd/clusterinfo/clusterinfo_dump.go) lays it out:
 *
 * - `nodes.json`, then per namespace `<ns>/events.json`, `replication-controllers.json`,
 *   `services.json`, `daemonsets.json`, `deployments.json`, `replicasets.json`, `pods.json`
 *   (`.yaml` with `-o yaml`), each one typed List (`NodeList`, `PodList` ...) printed with 4 spaces;
 * - per pod `<ns>/<pod>/logs.txt`: the current log of every init and app container, each framed by
 *   `==== START logs for container C of pod NS/P ====` and `==== END logs for container C of pod NS/P ====`;
 * - without `--output-directory` the same Lists and log blocks are printed one after another to stdout.
 */

/** The pod and container a dumped log block belongs to. */
export interface DumpLogHeader {
  namespace: string;
  pod: string;
  container: string;
}

/** The file names a dump folder is recognised by. */
export const DUMP_NODES_FILES: readonly string[] = ['nodes.json', 'nodes.yaml'];
export const DUMP_PODS_FILES: readonly string[] = ['pods.json', 'pods.yaml'];
/** The per-pod log file, `<ns>/<pod>/logs.txt`. */
export const DUMP_LOG_FILE = 'logs.txt';

const START_PREFIX = '==== START logs for container ';
const START_LINE = /^==== START logs for container (\S+) of pod ([^/\s]+)\/(\S+) ====\r?$/;

/** True when a line could open a dumped log block (checked before the full parse). */
export function mayStartLogBlock(line: string): boolean {
  return line.startsWith(START_PREFIX);
}

/**
 * Reads a `==== START logs for container C of pod NS/P ====` line; undefined for any other line.
 * @example parseLogStart('==== START logs for container app of pod shop/web-1 ====') // { namespace: 'shop', pod: 'web-1', container: 'app' }
 */
export function parseLogStart(line: string): DumpLogHeader | undefined {
  const m = START_LINE.exec(line);
  if (!m) return undefined;
  return { container: m[1] as string, namespace: m[2] as string, pod: m[3] as string };
}

/** The line that closes a block; it may follow the log's last line without a newline. */
export function logEndMarker(header: DumpLogHeader): string {
  return `==== END logs for container ${header.container} of pod ${header.namespace}/${header.pod} ====`;
}

/**
 * kubectl writes its own error into the block when it could not fetch a log (container not started,
 * API error): that is not container output and must not be quoted as such.
 */
export function isDumpFetchError(text: string): boolean {
  const trimmed = text.trimEnd();
  return !trimmed.includes('\n')
    && (trimmed.startsWith('Create log request error: ') || trimmed.startsWith('Request log error: '));
}
