// Facebook Pages is registered from the Meta app settings Instagram uses (what `npm run dev` sets), unless
// FACEBOOK_ENABLED=false.
import { expect, test } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createProviderRegistry } from '../../src/platforms/registry.js';

const META = { META_APP_ID: 'app', META_APP_SECRET: 'secret' };

test('with the Meta app set, facebook is registered next to instagram', () => {
  const ids = createProviderRegistry(loadConfig(META)).list().map((p) => p.id);
  expect(ids).toEqual(expect.arrayContaining(['instagram', 'facebook']));
});

test('FACEBOOK_ENABLED=false leaves only instagram; no Meta app, neither', () => {
  expect(createProviderRegistry(loadConfig({ ...META, FACEBOOK_ENABLED: 'false' })).list().map((p) => p.id)).not.toContain('facebook');
  expect(createProviderRegistry(loadConfig({})).list().map((p) => p.id)).not.toContain('facebook');
});
