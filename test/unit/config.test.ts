import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { configSchema, ConfigError, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  test('README documents exactly the variables the config module reads', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Operations'));
    const documented = [...section.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(configSchema.shape).sort());
  });

  test('defaults apply and blank values count as unset', () => {
    const c = loadConfig({ API_PORT: '', NODE_ENV: 'test' });
    expect(c.API_PORT).toBe(3000);
    expect(c.SANDBOX_BASE_URL).toBe('http://127.0.0.1:4010');
  });

  test('a bad value names the variable and the rule', () => {
    expect(() => loadConfig({ API_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ API_PORT: 'eighty' })).toThrow(/API_PORT/);
    expect(() => loadConfig({ TOKEN_KEYS: 'v1:short' })).toThrow(/TOKEN_KEYS: each entry must be id:base64 of exactly 32 bytes/);
    expect(() => loadConfig({ TOKEN_KEYS: `v1:${Buffer.alloc(32).toString('base64')}`, TOKEN_KEY_CURRENT: 'v9' })).toThrow(/TOKEN_KEY_CURRENT/);
    expect(() => loadConfig({ ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN/);
  });

  test('the key ring parses ids and 32-byte keys, keeping their order', () => {
    const k1 = Buffer.alloc(32, 1).toString('base64');
    const k2 = Buffer.alloc(32, 2).toString('base64');
    const c = loadConfig({ TOKEN_KEYS: `new:${k2}, old:${k1}` });
    expect([...c.TOKEN_KEYS!.keys()]).toEqual(['new', 'old']);
    expect(c.TOKEN_KEYS!.get('old')).toEqual(Buffer.alloc(32, 1));
  });
});
