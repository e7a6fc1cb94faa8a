// Platform modules: each platform brings its settings and builds its providers; the config schema and the registry
// are assembled from them, and the sandbox's modules fill in dev settings the config really has.
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { configSchema, loadConfig } from '../../src/config.js';
import { platformModules, platformSettingsShape } from '../../src/platforms/modules.js';
import { definePlatformModule, type PlatformModule, type SharedPlatformSettings } from '../../src/platforms/platform-module.js';
import { createProviderRegistry } from '../../src/platforms/registry.js';
import type { SandboxPlatformModule } from '../../src/sandbox/platform-module.js';
import { sandboxPlatformModules } from '../../src/sandbox/platforms/index.js';
import { ScriptedProvider } from '../support/scripted-provider.js';

describe('platform modules', () => {
  test('two modules may share a setting only as the very same schema; otherwise start-up names both', () => {
    const shared = { SHARED_APP_ID: z.string().optional() };
    const a = definePlatformModule({ name: 'alpha', settings: { ...shared, ALPHA_LIMIT: z.coerce.number().default(1) }, providers: () => [] });
    const b = definePlatformModule({ name: 'beta', settings: { ...shared }, providers: () => [] });
    expect(Object.keys(platformSettingsShape([a, b] as PlatformModule[])).sort()).toEqual(['ALPHA_LIMIT', 'SHARED_APP_ID']);
    const clash = definePlatformModule({ name: 'gamma', settings: { ALPHA_LIMIT: z.string() }, providers: () => [] });
    expect(() => platformSettingsShape([a, clash] as PlatformModule[])).toThrow(/alpha and gamma both declare the setting ALPHA_LIMIT/);
  });

  test('every module setting is in the config schema, and the registry builds only the providers a deployment configures', () => {
    for (const m of platformModules) for (const name of Object.keys(m.settings)) expect(configSchema.shape).toHaveProperty(name);
    const seen: SharedPlatformSettings[] = [];
    const scripted = definePlatformModule({
      name: 'scripted',
      settings: {},
      providers: (_s, shared) => { seen.push(shared); return [new ScriptedProvider('scripted')]; },
    });
    const config = loadConfig({ SANDBOX_BASE_URL: 'http://127.0.0.1:4999/', COMMIT_SETTLE_WINDOW_SECONDS: '7', X_CLIENT_ID: 'only-the-id' });
    const registry = createProviderRegistry(config, [...platformModules, scripted] as PlatformModule[]);
    expect(registry.has('scripted')).toBe(true);
    expect(registry.has('x')).toBe(false); // no secret: not configured
    expect(seen[0]).toMatchObject({ sandboxBaseUrl: 'http://127.0.0.1:4999', settleWindow: { windowMs: 7000 } });
    // With nothing set only Meta's Facebook switch and defaults remain: no platform is on.
    expect(createProviderRegistry(loadConfig({})).list()).toEqual([]);
  });

  test('the settings npm run dev fills in for each simulator are settings the config has', () => {
    const known = new Set(Object.keys(configSchema.shape));
    for (const [key, module] of Object.entries(sandboxPlatformModules) as [string, SandboxPlatformModule<object>][]) {
      const dev = module.devSettings;
      if (!dev) continue;
      for (const name of [...Object.keys(dev.values), ...(dev.unlessSet ? [dev.unlessSet] : [])]) expect(known.has(name), `${key}: ${name}`).toBe(true);
      // And with them the platform's provider is registered against the sandbox.
      const withDev = loadConfig(dev.values);
      expect(createProviderRegistry(withDev).list().length, key).toBeGreaterThan(0);
    }
  });
});
