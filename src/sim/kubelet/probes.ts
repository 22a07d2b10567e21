/**
 * Probe evaluation against a simulated process: which ports it listens on (once started) and which
 * HTTP paths it answers, with the prober's own failure messages (pkg/probe/http, pkg/probe/tcp).
 */
import type { Container, Probe } from '../../cluster/objects.js';
import type { Program } from './program.js';

/** A probe's outcome; `output` is what the kubelet appends to "<Kind> probe failed: ". */
export interface ProbeOutcome {
  ok: boolean;
  output: string;
}

function resolvePort(port: number | string | undefined, c: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

function refused(target: string): string {
  return `dial tcp ${target}: connect: connection refused`;
}

/**
 * Runs one probe of container `c` (program `p`, listening since `listening`) at the pod IP.
 * Exec probes succeed when the image has the executable. `dependencyDown`: the server cannot reach a
 * service it needs, so it answers 503 where it would answer 200.
 */
export function runProbe(probe: Probe, c: Container, p: Program, podIP: string, listening: boolean, binaries: readonly string[], dependencyDown = false): ProbeOutcome {
  if (probe.httpGet) {
    const port = resolvePort(probe.httpGet.port, c);
    const host = probe.httpGet.host ?? podIP;
    const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
    const path = probe.httpGet.path ?? '/';
    const target = `${host}:${port ?? 0}`;
    const url = `${scheme}://${target}${path.startsWith('/') ? path : `/${path}`}`;
    if (port === undefined || !listening || !p.ports.includes(port)) return { ok: false, output: `Get "${url}": ${refused(target)}` };
    if (p.responseMs >= (probe.timeoutSeconds ?? 1) * 1000) {
      return { ok: false, output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` };
    }
    const bare = path.split('?')[0] ?? path;
    if (!p.httpPaths.includes(bare)) return { ok: false, output: 'HTTP probe failed with statuscode: 404' };
    if (dependencyDown) return { ok: false, output: 'HTTP probe failed with statuscode: 503' };
    return { ok: true, output: '' };
  }
  if (probe.tcpSocket || probe.grpc) {
    const port = probe.tcpSocket ? resolvePort(probe.tcpSocket.port, c) : probe.grpc?.port;
    const target = `${probe.tcpSocket?.host ?? podIP}:${port ?? 0}`;
    if (port === undefined || !listening || !p.ports.includes(port)) return { ok: false, output: refused(target) };
    return { ok: true, output: '' };
  }
  const command = probe.exec?.command ?? [];
  const exe = (command[0] ?? '').split('/').pop() ?? '';
  if (!binaries.includes(exe)) {
    return { ok: false, output: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${command[0] ?? ''}": executable file not found in $PATH: unknown` };
  }
  const fails = exe === 'false' || (exe === 'cat' && (command[1] ?? '').startsWith('/tmp/'));
  return fails ? { ok: false, output: exe === 'cat' ? `cat: can't open '${command[1] ?? ''}': No such file or directory` : '' } : { ok: true, output: '' };
}
