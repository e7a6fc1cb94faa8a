// The API errors of routes that need a language model.
import { ApiError } from '../api/errors.js';

export const aiNotConfigured = () =>
  new ApiError(503, 'ai_not_configured', 'writing help needs a language model: set AI_BASE_URL (and AI_API_KEY and AI_MODEL for a hosted one)');

export const aiFailed = (message: string) => new ApiError(502, 'ai_failed', message);
