// The zod building blocks of environment settings, shared by the core config (src/config.ts) and the settings each
// platform module brings (src/platforms/<id>/module.ts): one spelling of "a boolean" or "a port" everywhere.
import { z } from 'zod';

export const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
export const port = z.coerce.number().int().min(0).max(65535);
export const positiveInt = z.coerce.number().int().positive();
export const csv = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
