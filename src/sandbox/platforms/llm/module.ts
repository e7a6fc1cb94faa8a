// The language-model simulator as the sandbox registers it (src/sandbox/platform-module.ts). It takes no options;
// `npm run dev` points AI_BASE_URL at it itself, as the address depends on the sandbox's.
import { defineSandboxModule } from '../../platform-module.js';
import { llmPlatform } from './index.js';

export const llmSandboxModule = defineSandboxModule<Record<string, never>>({
  create: () => llmPlatform(),
});
