// What a platform brings to Herald besides its provider: its own environment settings (merged into the one
// validated config) and how a deployment builds its providers from them. Adding a platform means its folder, a
// `module.ts` made with definePlatformModule, and one line in ./modules.ts; config.ts and the registry stay as
// they are.
import type { z } from 'zod';
import type { PlatformProvider } from './provider.js';

/** Core settings every platform's providers may use, resolved once by the registry. */
export interface SharedPlatformSettings {
  /** The platform sandbox's base URL without a trailing slash: unset platform hosts default to its prefixes. */
  sandboxBaseUrl: string;
  /** COMMIT_SETTLE_WINDOW_SECONDS / COMMIT_SETTLE_RECHECK_SECONDS in milliseconds. */
  settleWindow: { windowMs: number; recheckEveryMs: number };
  /** WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS. */
  webhookToleranceSeconds: number;
}

export interface PlatformModule<Shape extends z.ZodRawShape = z.ZodRawShape> {
  /** Names the module in start-up errors. */
  readonly name: string;
  /**
   * The platform's environment settings, prefixed with its name (e.g. `X_CLIENT_ID`). Merged into the config
   * schema; each needs a row in README's configuration table (test/unit/config.test.ts checks). Two modules may
   * declare the same setting only with the very same schema (Instagram and Facebook share the Meta app's).
   */
  readonly settings: Shape;
  /** The providers this deployment runs for the platform; none when it is not configured (e.g. no client id). */
  providers(settings: z.output<z.ZodObject<Shape>>, shared: SharedPlatformSettings): PlatformProvider[];
}

export function definePlatformModule<Shape extends z.ZodRawShape>(module: PlatformModule<Shape>): PlatformModule<Shape> {
  return module;
}
