// An in-memory TargetSecrets (PublishContext.secrets), for provider tests that run without a database.
import type { TargetSecrets } from '../../src/platforms/provider.js';

export function memorySecrets(): TargetSecrets & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    async get(name) { return values.get(name); },
    async put(name, value) { values.set(name, value); },
    async delete(name) { values.delete(name); },
  };
}
