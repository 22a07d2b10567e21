/** `kubetriage diagnose`: read cluster state from files, diagnose it, print the incidents. */
import { stringify } from 'yaml';
import { ClusterGraph } from '../cluster/graph.js';
import type { ClusterSnapshot } from '../cluster/snapshot.js';
import { diagnose } from '../diagnose/diagnose.js';
import type { Severity } from '../diagnose/finding.js';
import { toReport, type DiagnosisReport } from '../diagnose/report.js';
import { loadInputs } from '../sources/load.js';
import { readLiveSnapshot, type LiveFlags } from './live-snapshot.js';
import { clearProgress, progressReporter } from './progress.js';
import { renderMarkdown } from './render-markdown.js';
import { renderText } from './render-text.js';
import { styleFor } from './style.js';

export const OUTPUT_FORMATS = ['text', 'json', 'yaml', 'markdown'] as const;
export const INPUT_FORMATS = ['json', 'yaml', 'describe'] as const;
export const SEVERITIES = ['critical', 'warning', 'info'] as const;

export interface DiagnoseFlags extends LiveFlags {
  output: (typeof OUTPUT_FORMATS)[number];
  namespace?: string;
  severity?: Severity;
  format?: (typeof INPUT_FORMATS)[number];
  logs: string[];
  previousLogs: string[];
  capturedAt?: string;
}

export interface Io {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/**
 * Diagnoses the inputs, or the live cluster when `inputs` is `'live'`.
 * Exit codes: 0 healthy, 1 findings; errors (2) are thrown to the caller.
 */
export async function runDiagnose(inputs: string[] | 'live', flags: DiagnoseFlags, io: Io): Promise<number> {
  const snapshot = inputs === 'live' ? await readLiveSnapshot(flags, io.stderr) : await readFiles(inputs, flags, io);
  return printDiagnosis(snapshot, flags, io);
}

/** Diagnoses a snapshot and prints the report as the flags ask; 0 healthy, 1 findings. */
export function printDiagnosis(snapshot: ClusterSnapshot, flags: Pick<DiagnoseFlags, 'output' | 'namespace' | 'severity'>, io: Pick<Io, 'stdout'>): number {
  return printReport(diagnoseSnapshot(snapshot, flags), snapshot.objects.length, flags.output, io);
}

/** Prints a report in the chosen format; 0 healthy, 1 findings. */
export function printReport(report: DiagnosisReport, objectCount: number, output: DiagnoseFlags['output'], io: Pick<Io, 'stdout'>): number {
  io.stdout.write(render(report, output, io, objectCount));
  return report.incidents.length > 0 ? 1 : 0;
}

/** The report of a snapshot, filtered as the flags ask. */
export function diagnoseSnapshot(snapshot: ClusterSnapshot, flags: Pick<DiagnoseFlags, 'namespace' | 'severity'>): DiagnosisReport {
  const diagnosis = diagnose(new ClusterGraph(snapshot), {
    ...(flags.namespace ? { namespace: flags.namespace } : {}), ...(flags.severity ? { minSeverity: flags.severity } : {}),
  });
  return toReport(diagnosis);
}

async function readFiles(inputs: string[], flags: DiagnoseFlags, io: Io): Promise<ClusterSnapshot> {
  const progress = progressReporter(io.stderr);
  const snapshot = await loadInputs(inputs, {
    logs: flags.logs, previousLogs: flags.previousLogs, stdin: io.stdin,
    ...(flags.format ? { format: flags.format } : {}), ...(flags.capturedAt ? { capturedAt: flags.capturedAt } : {}), ...(progress ? { onProgress: progress } : {}),
  });
  clearProgress(io.stderr);
  return snapshot;
}

function render(report: DiagnosisReport, output: DiagnoseFlags['output'], io: Pick<Io, 'stdout'>, objectCount: number): string {
  switch (output) {
    case 'json': return `${JSON.stringify(report, null, 2)}\n`;
    case 'yaml': return stringify(report, { lineWidth: 0 });
    case 'markdown': return renderMarkdown(report);
    case 'text': return renderText(report, styleFor(io.stdout), objectCount);
  }
}
