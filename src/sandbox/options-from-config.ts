// How the sandbox is set up from Herald's configuration when it runs as part of the product (`npm run sandbox`,
// `npm run dev`): each simulator's options follow the configuration (its module's fromConfig), so its apps take the
// credentials the providers are configured with and its webhooks go to Herald's webhook routes.
import type { Config } from '../config.js';
import type { SandboxOptions } from './app.js';
import type { SandboxPlatformModule } from './platform-module.js';
import { sandboxPlatformModules } from './platforms/index.js';

export function sandboxOptionsFromConfig(config: Config): SandboxOptions {
  const herald = { apiBaseUrl: config.PUBLIC_BASE_URL.replace(/\/+$/, '') };
  const platforms = Object.fromEntries(Object.entries(sandboxPlatformModules).flatMap(([key, module]) => {
    const fromConfig = (module as SandboxPlatformModule<object>).fromConfig;
    return fromConfig ? [[key, fromConfig(config, herald)]] : [];
  }));
  return {
    logLevel: config.LOG_LEVEL,
    publicBaseUrl: config.SANDBOX_BASE_URL,
    consent: config.SANDBOX_CONSENT,
    ...platforms,
  };
}
