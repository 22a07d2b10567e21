import { describe, expect, it } from 'vitest';
import { ROOT_CAUSES, type Finding, type Incident } from '../src/diagnose/finding.js';
import { listScenarios, runScenario, type ExpectedIncident } from './scenario.js';

const scenarios = listScenarios();

function matches(incident: Incident, want: ExpectedIncident): boolean {
  const c = incident.cause;
  if (c.mode !== want.mode || c.rootCause.category !== want.category) return false;
  if (!want.subject) return true;
  return c.subject.kind === want.subject.kind && c.subject.name === want.subject.name
    && (want.subject.namespace === undefined || c.subject.namespace === want.subject.namespace);
}

function summary(incidents: Incident[]): string {
  return incidents.map((i) => `${i.cause.mode}/${i.cause.rootCause.category} on ${i.cause.subject.kind}/${i.cause.subject.name}`
    + ` (+${i.symptoms.length}: ${i.symptoms.map((s) => `${s.mode}/${s.rootCause.category}`).join(', ')})`).join('\n') || '(none)';
}

function checkVocabulary(f: Finding): void {
  const categories: readonly string[] = ROOT_CAUSES[f.mode];
  expect(f.rootCause.category === 'unknown' || categories.includes(f.rootCause.category), `${f.mode}/${f.rootCause.category} is in the vocabulary`).toBe(true);
  expect(f.evidence.length, `${f.id} quotes evidence`).toBeGreaterThan(0);
  expect(f.confidence).toBeGreaterThan(0);
  expect(f.confidence).toBeLessThanOrEqual(1);
}

describe('scenario corpus', () => {
  it('holds at least 40 labelled scenarios, healthy ones among them', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(40);
    expect(scenarios.filter((s) => s.expect.incidents.length === 0).length).toBeGreaterThanOrEqual(3);
  });

  for (const scenario of scenarios) {
    it(`${scenario.name}: ${scenario.title}`, async () => {
      const { incidents, errors } = await runScenario(scenario);
      expect(errors).toEqual([]);
      const found = summary(incidents);
      expect(incidents.length, `incidents found:\n${found}`).toBe(scenario.expect.incidents.length);
      const unmatched = [...incidents];
      for (const want of scenario.expect.incidents) {
        const idx = unmatched.findIndex((i) => matches(i, want));
        expect(idx, `expected ${want.mode}/${want.category} ${want.subject?.name ?? ''}; found:\n${found}`).toBeGreaterThanOrEqual(0);
        const incident = unmatched.splice(idx, 1)[0]!;
        const quotes = incident.cause.evidence.map((e) => e.quote).join('\n');
        for (const text of want.evidence ?? []) expect(quotes, 'evidence of the cause').toContain(text);
        const verbs = incident.cause.fixes.map((p) => p.verb);
        for (const verb of want.fixes ?? []) expect(verbs, 'fixes of the cause').toContain(verb);
        if (want.minSymptoms !== undefined) expect(incident.symptoms.length).toBeGreaterThanOrEqual(want.minSymptoms);
      }
      for (const incident of incidents) [incident.cause, ...incident.symptoms].forEach(checkVocabulary);
    });
  }
});
