/** The readable report: one block per incident, its cause first, with evidence and fixes. */
import { displayRef } from '../cluster/objects.js';
import type { DiagnosisReport, FindingReport, IncidentReport } from '../diagnose/report.js';
import type { Style } from './style.js';

const MAX_AFFECTED_SHOWN = 6;

export function renderText(report: DiagnosisReport, style: Style, objectCount: number): string {
  const lines: string[] = [];
  const { summary } = report;
  if (summary.incidents === 0) {
    lines.push(style.green(`No problems found in ${objectCount} objects (state at ${report.at}).`));
  } else {
    const parts = (['critical', 'warning', 'info'] as const).filter((s) => summary[s] > 0).map((s) => `${summary[s]} ${s}`);
    lines.push(style.bold(`${summary.incidents} incident${summary.incidents === 1 ? '' : 's'} (${parts.join(', ')}) in ${objectCount} objects, state at ${report.at}`));
  }
  report.incidents.forEach((incident, i) => lines.push('', ...renderIncident(incident, i + 1, style)));
  for (const e of report.errors) lines.push('', style.yellow(`warning: analyzer ${e.mode} failed: ${e.message}`));
  for (const gap of report.gaps ?? []) lines.push(style.yellow(`note: ${gap}; findings that need it may be missing`));
  return `${lines.join('\n')}\n`;
}

function renderIncident(incident: IncidentReport, n: number, style: Style): string[] {
  const c = incident.cause;
  const sev = incident.severity.toUpperCase();
  const colour = incident.severity === 'critical' ? style.red : incident.severity === 'warning' ? style.yellow : style.cyan;
  const lines = [
    `${colour(style.bold(`#${n} ${sev}`))}  ${style.bold(`${c.mode} / ${c.category}`)}  ${displayRef(c.subject)}  ${style.dim(`confidence ${c.confidence.toFixed(2)}`)}`,
    ...indent(wrapText(c.explanation, 96), '   '),
    `   ${style.bold('Evidence:')}`,
    ...evidenceLines(c, style),
  ];
  if (incident.symptoms.length) {
    lines.push(`   ${style.bold(`Symptoms (${incident.symptoms.length}):`)}`);
    const groups = symptomGroups(incident.symptoms);
    for (const g of groups.slice(0, MAX_AFFECTED_SHOWN)) {
      const shown = g.subjects.slice(0, 2).map(displayRef).join(', ');
      lines.push(`     - ${g.mode} / ${g.category}  ${shown}${g.subjects.length > 2 ? style.dim(` … +${g.subjects.length - 2}`) : ''}`);
    }
    if (groups.length > MAX_AFFECTED_SHOWN) lines.push(style.dim(`     … and ${groups.length - MAX_AFFECTED_SHOWN} more kinds of symptom`));
  }
  const others = incident.affected.filter((r) => !(r.kind === c.subject.kind && r.name === c.subject.name && r.namespace === c.subject.namespace));
  if (others.length) {
    const shown = others.slice(0, MAX_AFFECTED_SHOWN).map(displayRef).join(', ');
    lines.push(`   ${style.bold('Affected:')} ${shown}${others.length > MAX_AFFECTED_SHOWN ? style.dim(` … +${others.length - MAX_AFFECTED_SHOWN}`) : ''}`);
  }
  if (c.fixes.length) {
    lines.push(`   ${style.bold('Fix:')}`);
    for (const fix of c.fixes) lines.push(`     ${style.green('→')} ${fix.verb} ${displayRef(fix.target)}: ${fix.summary}`);
  }
  return lines;
}

function evidenceLines(f: FindingReport, style: Style): string[] {
  return f.evidence.map((e) => {
    const where = e.field ? ` ${style.dim(e.field)}` : '';
    const at = e.at ? style.dim(` (${e.at})`) : '';
    return `     ${style.cyan(e.source.padEnd(8))} ${displayRef(e.ref)}${where}${at}\n       ${style.dim('│')} ${e.quote.replace(/\n/g, ' ⏎ ')}`;
  });
}

function indent(lines: string[], prefix: string): string[] {
  return lines.map((l) => `${prefix}${l}`);
}

function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(line);
  return out;
}

/** Symptoms of the same mode and category on one line each: ten crashing replicas are one line, not ten. */
function symptomGroups(symptoms: readonly FindingReport[]): { mode: string; category: string; subjects: FindingReport['subject'][] }[] {
  const groups = new Map<string, { mode: string; category: string; subjects: FindingReport['subject'][] }>();
  for (const s of symptoms) {
    const key = `${s.mode}/${s.category}`;
    const group = groups.get(key) ?? { mode: s.mode, category: s.category, subjects: [] };
    group.subjects.push(s.subject);
    groups.set(key, group);
  }
  return [...groups.values()];
}
