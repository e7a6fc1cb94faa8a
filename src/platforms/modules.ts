// The platforms this build of Herald knows: one line each. Their settings join the config schema (src/config.ts)
// and the registry builds the providers of those a deployment configures (src/platforms/registry.ts).
import type { z } from 'zod';
import type { PlatformModule } from './platform-module.js';
import { testbedModule } from './testbed/module.js';
import { tiktokModule } from './tiktok/module.js';
import { instagramModule } from './instagram/module.js';
import { facebookModule } from './facebook/module.js';
import { threadsModule } from './threads/module.js';
import { linkedinModule } from './linkedin/module.js';
import { xModule } from './x/module.js';
import { youtubeModule } from './youtube/module.js';
import { blueskyModule } from './bluesky/module.js';

export const platformModules = [
  testbedModule,
  tiktokModule,
  instagramModule,
  facebookModule,
  threadsModule,
  linkedinModule,
  xModule,
  youtubeModule,
  blueskyModule,
] as const;

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
/** Every platform's settings in one zod shape. */
export type PlatformSettingsShape = UnionToIntersection<(typeof platformModules)[number]['settings']>;

/** The platforms' settings merged; a setting two modules declare must be the very same schema. */
export function platformSettingsShape(modules: readonly PlatformModule[] = platformModules as readonly PlatformModule[]): PlatformSettingsShape {
  const shape: Record<string, z.ZodType> = {};
  const owner = new Map<string, string>();
  for (const m of modules) {
    for (const [name, schema] of Object.entries(m.settings)) {
      if (shape[name] !== undefined && shape[name] !== schema) {
        throw new Error(`platform modules ${owner.get(name)} and ${m.name} both declare the setting ${name}, differently`);
      }
      shape[name] = schema as z.ZodType;
      owner.set(name, m.name);
    }
  }
  return shape as PlatformSettingsShape;
}
