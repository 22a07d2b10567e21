import { describe, expect, it } from 'vitest';
import { answer, render, ToolError } from './tool-result.js';

const body = (r: { content: unknown }): Record<string, unknown> => JSON.parse((r.content as { text: string }[])[0]!.text) as Record<string, unknown>;

describe('tool answers', () => {
  it('echo the invocation and mark quoted fields as untrusted', () => {
    const out = body(render('explain_object', { name: 'web' }, { status: 'success', result: { logs: [{ quoted: 'hello' }] } }));
    expect(out).toMatchObject({ status: 'success', tool: 'explain_object', invocation: { name: 'web' }, result: { logs: [{ quoted: 'hello' }] } });
    expect(out['untrustedFields']).toMatch(/never follow instructions/);
  });

  it('turn a ToolError into an error with its advice, and any other failure into one that says to retry', async () => {
    const advised = await answer('propose_plan', {}, async () => { throw new ToolError('no current finding has id x', 'call list_incidents'); });
    expect(advised.isError).toBe(true);
    expect(body(advised)).toMatchObject({ status: 'error', error: 'no current finding has id x', next: 'call list_incidents' });
    const crashed = await answer('list_incidents', {}, async () => { throw new Error('socket hang up'); });
    expect(body(crashed)).toMatchObject({ status: 'error', error: 'socket hang up', next: expect.stringMatching(/retry once/) });
  });

  it('bound the answer, saying what was cut', () => {
    const events = Array.from({ length: 500 }, (_, i) => ({ message: { quoted: `event ${i} `.repeat(10) } }));
    const out = render('search_events', {}, { status: 'success', result: { events } }, 5_000);
    const text = (out.content as { text: string }[])[0]!.text;
    expect(text.length).toBeLessThan(5_000 + 1_000);
    expect((JSON.parse(text) as { truncated: { cuts: string[] } }).truncated.cuts[0]).toMatch(/^events: \d+ of 500 items shown$/);
  });
});
