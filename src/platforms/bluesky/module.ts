// Bluesky's settings and how a deployment builds its provider. Bluesky needs no app registration: it is available
// when BLUESKY_SERVICE_URL names a service, or when BLUESKY_ENABLED asks for it against the sandbox's PDS.
import { z } from 'zod';
import { bool, positiveInt } from '../../setting-types.js';
import { definePlatformModule } from '../platform-module.js';
import { createBlueskyProvider } from './index.js';

export const blueskyModule = definePlatformModule({
  name: 'bluesky',
  settings: {
    /** The PDS or entryway accounts log in at (https://bsky.social in production). */
    BLUESKY_SERVICE_URL: z.string().url().optional(),
    /** Bluesky without a service URL: against the sandbox's `/bluesky`. */
    BLUESKY_ENABLED: bool.default(false),
    /** Write points per Bluesky account per hour (5,000; a post costs 3), held across workers. */
    BLUESKY_WRITE_POINTS_PER_HOUR: positiveInt.default(5000),
    /** Write points per Bluesky account per day (35,000), held across workers. */
    BLUESKY_WRITE_POINTS_PER_DAY: positiveInt.default(35_000),
  },
  providers: (s, shared) => !s.BLUESKY_SERVICE_URL && !s.BLUESKY_ENABLED ? [] : [createBlueskyProvider({
    serviceUrl: s.BLUESKY_SERVICE_URL ?? `${shared.sandboxBaseUrl}/bluesky`,
    writePointsPerHour: s.BLUESKY_WRITE_POINTS_PER_HOUR, writePointsPerDay: s.BLUESKY_WRITE_POINTS_PER_DAY,
    settleWindow: shared.settleWindow,
  })],
});
