// What a simulated platform brings to the sandbox frame besides its routes: how it is built from its options, how
// those options follow Herald's configuration when the sandbox runs as part of the product (`npm run sandbox`,
// `npm run dev`), and which settings `npm run dev` fills in so Herald's provider talks to it. Adding a simulator
// means its folder, a `module.ts` made with defineSandboxModule, and one line in ./platforms/index.ts.
import type { Config } from '../config.js';
import type { SandboxPlatformFactory } from './platform.js';

export interface SandboxPlatformModule<Options extends object> {
  /** The simulator, from its options (the sandbox-wide consent mode is filled in when they leave it unset). */
  create(options: Options): SandboxPlatformFactory;
  /**
   * Its options from Herald's configuration: the same app credentials the provider is configured with, webhooks
   * to Herald's routes, so the demo works end to end without any other setting.
   */
  fromConfig?(config: Config, herald: { apiBaseUrl: string }): Options;
  /**
   * Settings `npm run dev` sets where the environment leaves them unset, pointing Herald at this simulator's app;
   * skipped altogether when `unlessSet` is configured (a real platform host).
   */
  devSettings?: { unlessSet?: string; values: Record<string, string> };
}

export function defineSandboxModule<Options extends object>(module: SandboxPlatformModule<Options>): SandboxPlatformModule<Options> {
  return module;
}
