// The simulators this sandbox runs: one line each, keyed by the name their options go under in SandboxOptions.
import type { SandboxPlatformModule } from '../platform-module.js';
import { testbedSandboxModule } from './testbed/module.js';
import { tiktokSandboxModule } from './tiktok/module.js';
import { metaSandboxModule } from './meta/module.js';
import { threadsSandboxModule } from './threads/module.js';
import { linkedinSandboxModule } from './linkedin/module.js';
import { xSandboxModule } from './x/module.js';
import { youtubeSandboxModule } from './youtube/module.js';
import { blueskySandboxModule } from './bluesky/module.js';
import { llmSandboxModule } from './llm/module.js';

export const sandboxPlatformModules = {
  testbed: testbedSandboxModule,
  tiktok: tiktokSandboxModule,
  meta: metaSandboxModule,
  threads: threadsSandboxModule,
  linkedin: linkedinSandboxModule,
  x: xSandboxModule,
  youtube: youtubeSandboxModule,
  bluesky: blueskySandboxModule,
  llm: llmSandboxModule,
};

type OptionsOf<M> = M extends SandboxPlatformModule<infer O> ? O : never;
/** Each simulator's options under its key, e.g. `{ meta: { appId } }`. */
export type SandboxPlatformOptions = { [K in keyof typeof sandboxPlatformModules]?: OptionsOf<(typeof sandboxPlatformModules)[K]> };
