/** The report as Markdown, for tickets, chat and pull requests. */
import { displayRef } from '../cluster/objects.js';
import type { DiagnosisReport, IncidentReport } from '../diagnose/report.js';

export function renderMarkdown(report: DiagnosisReport): string {
  const lines = ['# kubetriage diagnosis', '', `State at ${report.at}: ${report.summary.incidents} incident(s), `
    + `${report.summary.critical} critical, ${report.summary.warning} warning, ${report.summary.info} info.`];
  report.incidents.forEach((incident, i) => lines.push('', ...renderIncident(incident, i + 1)));
  for (const e of report.errors) lines.push('', `> **warning:** analyzer ${e.mode} failed: ${e.message}`);
  for (const gap of report.gaps ?? []) lines.push('', `> **note:** ${gap}; findings that need it may be missing`);
  return `${lines.join('\n')}\n`;
}

function renderIncident(incident: IncidentReport, n: number): string[] {
  const c = incident.cause;
  const lines = [
    `## ${n}. ${c.mode} / ${c.category} — \`${displayRef(c.subject)}\``,
    '',
    `**Severity:** ${incident.severity} · **Confidence:** ${c.confidence.toFixed(2)}`,
    '',
    c.explanation,
    '',
    '**Evidence**',
    '',
    ...c.evidence.map((e) => `- ${e.source} \`${displayRef(e.ref)}\`${e.field ? ` (${e.field})` : ''}: ${inlineCode(e.quote)}`),
  ];
  if (incident.symptoms.length) {
    lines.push('', '**Symptoms**', '', ...incident.symptoms.map((s) => `- ${s.mode} / ${s.category} on \`${displayRef(s.subject)}\``));
  }
  if (c.fixes.length) {
    lines.push('', '**Fix**', '', ...c.fixes.map((f) => `- \`${f.verb}\` \`${displayRef(f.target)}\`: ${f.summary}`));
  }
  return lines;
}

/** A code span that survives backticks inside the quote. */
function inlineCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence} ${text.replace(/\n/g, ' ')} ${fence}`;
}
