import { describe, expect, it } from 'vitest';
import { fromSelectorObject, matchesLabels, parseLabelSelector, selectorString } from './label-selector.js';
import { StatusError } from './status-error.js';

const matches = (selector: string, labels?: Record<string, string>) => matchesLabels(parseLabelSelector(selector), labels);

describe('parseLabelSelector', () => {
  it('reads every operator the apiserver takes', () => {
    expect(parseLabelSelector('a=1, b==2,c!=3,d in (x, y),e notin (z),f,!g,h>5,i<7')).toEqual([
      { key: 'a', op: '=', value: '1' }, { key: 'b', op: '=', value: '2' }, { key: 'c', op: '!=', value: '3' },
      { key: 'd', op: 'in', values: ['x', 'y'] }, { key: 'e', op: 'notin', values: ['z'] },
      { key: 'f', op: 'exists' }, { key: 'g', op: 'notexists' }, { key: 'h', op: '>', value: 5 }, { key: 'i', op: '<', value: 7 },
    ]);
    expect(parseLabelSelector('')).toEqual([]);
    expect(parseLabelSelector('app.kubernetes.io/name=web')).toEqual([{ key: 'app.kubernetes.io/name', op: '=', value: 'web' }]);
    expect(parseLabelSelector('a=')).toEqual([{ key: 'a', op: '=', value: '' }]);
  });

  it('matches as the apiserver does: != and notin hold when the label is absent', () => {
    expect(matches('app=web', { app: 'web' })).toBe(true);
    expect(matches('app=web', {})).toBe(false);
    expect(matches('app!=web', {})).toBe(true);
    expect(matches('app notin (web)', undefined)).toBe(true);
    expect(matches('app in (web,api)', { app: 'api' })).toBe(true);
    expect(matches('app', { app: '' })).toBe(true);
    expect(matches('!app', { app: '' })).toBe(false);
    expect(matches('n>5', { n: '6' })).toBe(true);
    expect(matches('n>5', { n: 'six' })).toBe(false);
  });

  it('refuses bad syntax and bad keys or values with 400', () => {
    for (const bad of ['app in web', 'app in ()', 'a b', '=x', 'a=x y', 'a>b', 'Bad Key=1', 'a=-x-']) {
      let err: unknown;
      try { parseLabelSelector(bad); } catch (e) { err = e; }
      expect(err, bad).toBeInstanceOf(StatusError);
      expect((err as StatusError).code).toBe(400);
    }
  });
});

describe('selector objects', () => {
  it('reads matchLabels and matchExpressions, and prints the canonical string', () => {
    const selector = fromSelectorObject({ matchLabels: { tier: 'front', app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }, { key: 'legacy', operator: 'DoesNotExist' }] });
    expect(selectorString(selector)).toBe('app=web,env in (dev,prod),!legacy,tier=front');
    expect(matchesLabels(selector, { app: 'web', tier: 'front', env: 'dev' })).toBe(true);
    expect(matchesLabels(selector, { app: 'web', tier: 'front', env: 'dev', legacy: 'y' })).toBe(false);
  });
});
