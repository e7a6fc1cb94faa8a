// The API errors of routes that need a language model.
import { ApiError } from '../api/errors.js';
import { ModelCallError, type ModelClient } from './model-client.js';

export const aiNotConfigured = () =>
  new ApiError(503, 'ai_not_configured', 'writing help needs a language model: set AI_BASE_URL (and AI_API_KEY and AI_MODEL for a hosted one)');

export const aiFailed = (message: string) => new ApiError(502, 'ai_failed', message);

/** The model, or 503 when none is configured. */
export function requireModel(model: ModelClient | undefined): ModelClient {
  if (!model) throw aiNotConfigured();
  return model;
}

/** Model failures become 502 ai_failed; everything else passes through. */
export async function withModel<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ModelCallError) throw aiFailed(err.message);
    throw err;
  }
}
