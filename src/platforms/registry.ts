// Providers registered for this deployment, looked up by id. Built once from config at process start.
import type { Config } from '../config.js';
import type { PlatformProvider } from './provider.js';
import { platformModules } from './modules.js';
import type { PlatformModule, SharedPlatformSettings } from './platform-module.js';

export class ProviderRegistry {
  private readonly byId = new Map<string, PlatformProvider>();
  /** Every id and alias, to the provider's id. */
  private readonly names = new Map<string, string>();

  constructor(providers: PlatformProvider[]) {
    for (const p of providers) {
      for (const name of [p.id, ...(p.aliases ?? [])]) {
        if (this.names.has(name)) throw new Error(`provider ${p.id}: the name ${name} is registered twice`);
        this.names.set(name, p.id);
      }
      this.byId.set(p.id, p);
    }
  }

  /** The provider by its id or one of its aliases. */
  get(idOrAlias: string): PlatformProvider {
    const p = this.byId.get(this.names.get(idOrAlias) ?? '');
    if (!p) throw new Error(`no provider registered for platform "${idOrAlias}"`);
    return p;
  }

  has(idOrAlias: string): boolean {
    return this.names.has(idOrAlias);
  }

  /** The provider id an id or alias names (what is stored and compared); an unknown name is answered as is. */
  canonicalId(idOrAlias: string): string {
    return this.names.get(idOrAlias) ?? idOrAlias;
  }

  list(): PlatformProvider[] {
    return [...this.byId.values()];
  }
}

export function createProviderRegistry(config: Config, modules: readonly PlatformModule[] = platformModules as readonly PlatformModule[]): ProviderRegistry {
  const shared: SharedPlatformSettings = {
    sandboxBaseUrl: config.SANDBOX_BASE_URL.replace(/\/+$/, ''),
    settleWindow: { windowMs: config.COMMIT_SETTLE_WINDOW_SECONDS * 1000, recheckEveryMs: config.COMMIT_SETTLE_RECHECK_SECONDS * 1000 },
    webhookToleranceSeconds: config.WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS,
  };
  return new ProviderRegistry(modules.flatMap((m) => m.providers(config, shared)));
}
