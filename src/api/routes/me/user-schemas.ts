// How users and new API keys look in responses.
import { z } from 'zod';
import type { User } from '../../../db/schema.js';
import type { AuthenticatedUser } from '../../auth/api-keys.js';

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  timezone: z.string().describe('IANA zone used for `localTime` when a request gives none'),
});

export const newApiKeySchema = z.object({
  id: z.uuid(),
  key: z.string().describe('The API key. Shown once: store it now, it cannot be retrieved later'),
  prefix: z.string().describe('First characters of the key, to tell keys apart'),
});

export const presentUser = (u: User | AuthenticatedUser): z.infer<typeof userSchema> =>
  ({ id: u.id, email: u.email, name: u.name, timezone: u.timezone });
