// `npm run histories:record`: runs the scenarios under test/replay/record, which drive workflows into the states
// worth replaying and save their histories as fixtures (test/replay/histories) for test/replay/replay.test.ts.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/replay/record/**/*.record.ts'] },
});
