// Builds the simulator's answer: a value that fits the requested JSON schema, made deterministically from the words of
// the prompt. The prompt's `Name: value` lines (Topic, Tone, Platform, Maximum length, Maximum hashtags, Variants,
// Count, Language) steer it: texts are made of the topic's words in the named tone and cut to the named length,
// hashtags from the topic's words, arrays as long as the named count. Nothing is random, so tests can rely on it.

export interface PromptFacts {
  fields: Map<string, string>;
  topicWords: string[];
}

/** `Name: value` lines of every user message, keyed by the lower-cased name (later messages win). */
export function readPrompt(messages: { role: string; content: unknown }[]): PromptFacts {
  const fields = new Map<string, string>();
  for (const m of messages) {
    if (m.role !== 'user' || typeof m.content !== 'string') continue;
    for (const line of m.content.split('\n')) {
      const match = /^\s*([A-Za-z][A-Za-z ]{0,40}):\s*(.+?)\s*$/.exec(line);
      if (match) fields.set(match[1]!.toLowerCase(), match[2]!);
    }
  }
  const source = fields.get('topic') ?? fields.get('content') ?? 'your update';
  const topicWords = source.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 2);
  return { fields, topicWords: topicWords.length > 0 ? topicWords : ['update'] };
}

const numberField = (facts: PromptFacts, name: string): number | undefined => {
  const n = Number.parseInt(facts.fields.get(name) ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Cuts at the last space that keeps the text within `max` characters. */
function cutAtWord(text: string, max: number): string {
  if ([...text].length <= max) return text;
  const cut = [...text].slice(0, max).join('');
  const space = cut.lastIndexOf(' ');
  return (space > 0 ? cut.slice(0, space) : cut).replace(/[\s,.:;-]+$/, '');
}

function textFor(key: string, facts: PromptFacts, index: number): string {
  const words = facts.topicWords;
  if (/hashtag|tag/i.test(key)) return `#${words[index % words.length]!.toLowerCase()}${index >= words.length ? index : ''}`;
  if (/platform/i.test(key)) return facts.fields.get('platform') ?? 'unknown';
  if (/language/i.test(key)) return facts.fields.get('language') ?? 'en';
  const topic = facts.fields.get('topic') ?? facts.fields.get('content') ?? words.join(' ');
  const tone = facts.fields.get('tone') ?? 'neutral';
  const openers = ['Here is the news', 'Worth a look', 'Quick update', 'In short'];
  const text = `${capitalize(tone)} take, ${openers[index % openers.length]!.toLowerCase()}: ${topic}. Tell us what you think about ${words[0]}!`;
  const maxLength = numberField(facts, 'maximum length');
  // Leave room for the hashtags the caller appends.
  const hashtagRoom = (numberField(facts, 'maximum hashtags') ?? 0) > 0 ? 40 : 0;
  return maxLength !== undefined ? cutAtWord(text, Math.max(10, maxLength - hashtagRoom)) : text;
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
};

function arrayLength(key: string, schema: JsonSchema, facts: PromptFacts): number {
  const wanted = /hashtag|tag/i.test(key)
    ? Math.min(numberField(facts, 'count') ?? 3, numberField(facts, 'maximum hashtags') ?? 3)
    : numberField(facts, 'variants') ?? numberField(facts, 'count') ?? 1;
  return Math.min(schema.maxItems ?? Infinity, Math.max(schema.minItems ?? 0, wanted));
}

export function buildAnswer(schema: JsonSchema, facts: PromptFacts, key = '', index = 0): unknown {
  if (schema.const !== undefined) return schema.const;
  // Enumerations alternate along an array (e.g. broad / specific hashtags).
  if (schema.enum) return schema.enum[index % schema.enum.length];
  if (schema.anyOf) return buildAnswer(schema.anyOf.find((s) => s.type !== 'null') ?? schema.anyOf[0]!, facts, key, index);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, buildAnswer(s, facts, k, index)]));
    case 'array':
      return Array.from({ length: arrayLength(key, schema, facts) }, (_, i) => buildAnswer(schema.items ?? { type: 'string' }, facts, key, index + i));
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return textFor(key, facts, index);
  }
}
