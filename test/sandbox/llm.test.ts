// The sandbox's language-model simulator, called with the `openai` SDK as Herald calls it: it lists its model,
// answers deterministically with JSON that fits the requested schema and the prompt's limits, reports usage, serves
// queued wrong answers once each, and obeys the shared fault store.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from './helpers.js';

const schema = {
  type: 'object',
  properties: {
    captions: { type: 'array', items: { type: 'object', properties: { text: { type: 'string' }, hashtags: { type: 'array', items: { type: 'string' } } } } },
  },
};

describe('sandbox LLM simulator', () => {
  let sandbox: RunningSandbox;
  let openai: OpenAI;
  beforeAll(async () => {
    sandbox = await startSandbox();
    openai = new OpenAI({ baseURL: `${sandbox.baseUrl}/llm/v1`, apiKey: 'sk-sandbox', maxRetries: 0 });
  });
  afterAll(async () => { await sandbox?.close(); });
  beforeEach(async () => { await sandbox.control.reset(); });

  const ask = (prompt: string) => openai.chat.completions.create({
    model: 'any-model',
    messages: [{ role: 'user', content: prompt }],
    response_format: { type: 'json_schema', json_schema: { name: 'captions', schema } },
  });

  test('lists its model', async () => {
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['herald-sandbox-llm']);
  });

  test('answers the schema from the prompt\'s words, within the named limits, the same every time', async () => {
    const prompt = 'Topic: rooftop garden tour\nTone: calm\nMaximum length: 60\nMaximum hashtags: 2\nVariants: 3';
    const first = await ask(prompt);
    const again = await ask(prompt);
    expect(first.choices[0]!.message.content).toBe(again.choices[0]!.message.content);
    expect(first.system_fingerprint).toBe('sandbox');
    const answer = JSON.parse(first.choices[0]!.message.content!);
    expect(answer.captions).toHaveLength(3);
    for (const caption of answer.captions) {
      expect(caption.text).toMatch(/^Calm take/);
      expect(caption.text.length).toBeLessThanOrEqual(60);
      expect(caption.hashtags).toHaveLength(2);
    }
    // Hashtags come from the topic's words, shifted per variant.
    expect(answer.captions.map((c: { hashtags: string[] }) => c.hashtags)).toEqual([['#rooftop', '#garden'], ['#garden', '#tour'], ['#tour', '#rooftop3']]);
    expect(first.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(first.usage!.total_tokens).toBe(first.usage!.prompt_tokens + first.usage!.completion_tokens);
  });

  test('serves queued wrong answers once each, then correct ones', async () => {
    await sandbox.control.call('POST', '/llm/next-answers', { answers: ['invalid', 'too_long'] });
    const prompt = 'Topic: tea\nMaximum length: 100';
    const invalid = (await ask(prompt)).choices[0]!.message.content!;
    expect(() => JSON.parse(invalid)).toThrow();
    const tooLong = JSON.parse((await ask(prompt)).choices[0]!.message.content!);
    expect(tooLong.captions[0].text.length).toBeGreaterThan(4000);
    const fine = JSON.parse((await ask(prompt)).choices[0]!.message.content!);
    expect(fine.captions[0].text.length).toBeLessThanOrEqual(100);
    expect((await sandbox.control.state('llm')).completionsServed).toBe(3);
  });

  test('a fault from the shared store answers instead of the simulator', async () => {
    await sandbox.control.addFault({ match: { method: 'POST', path: '/llm/v1/chat/completions' }, action: { type: 'status', status: 429, body: { error: { message: 'slow down' } } } });
    await expect(ask('Topic: tea')).rejects.toMatchObject({ status: 429 });
    expect((await ask('Topic: tea')).choices).toHaveLength(1);
  });
});
