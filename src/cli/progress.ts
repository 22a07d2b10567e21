/** Progress of long reads on stderr, only when stderr is a terminal: `-o json` output stays clean. */
export type ProgressEvent = { origin: string; bytesRead: number; totalBytes?: number };

const INTERVAL_MS = 250;

export function progressReporter(stream: NodeJS.WriteStream): ((p: ProgressEvent) => void) | undefined {
  if (!stream.isTTY) return undefined;
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < INTERVAL_MS) return;
    last = now;
    const total = p.totalBytes ? ` / ${mb(p.totalBytes)} (${Math.floor((p.bytesRead / p.totalBytes) * 100)}%)` : '';
    stream.write(`\r\u001b[2Kreading ${p.origin}: ${mb(p.bytesRead)}${total}`);
  };
}

export function clearProgress(stream: NodeJS.WriteStream): void {
  if (stream.isTTY) stream.write('\r\u001b[2K');
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
