// An options form that does not depend on the account: the same fields for every account of the platform.
import type { TargetOptionField, TargetOptionsProvider } from '../provider.js';

export function staticOptionForm(fields: readonly TargetOptionField[]): TargetOptionsProvider {
  return { describe: async () => fields.map((f) => ({ ...f })) };
}
