/** Go's time.Duration.String() for the durations kubelet messages print (`1.2s`, `600ms`, `5m0s`). */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = Number((totalSeconds % 60).toFixed(3));
  const sec = `${seconds}s`;
  if (hours > 0) return `${hours}h${minutes}m${sec}`;
  if (minutes > 0) return `${minutes}m${sec}`;
  return sec;
}
