// Which Temporal server a local stack starts: the `--temporal` flag of `npm run dev` and of the benchmarks.
// `dev`: the CLI's dev server (SQLite, one writer, Web UI included; src/temporal/dev-server.ts).
// `postgres`: a real Temporal server on Postgres, the production shape (src/temporal/postgres-server.ts).
export const temporalServerKinds = ['dev', 'postgres'] as const;
export type TemporalServerKind = (typeof temporalServerKinds)[number];

/** The `--temporal` option for node:util parseArgs. */
export const temporalServerArg = { temporal: { type: 'string', default: 'dev' } } as const;

export function parseTemporalServerKind(value: string | undefined): TemporalServerKind {
  const kind = value ?? 'dev';
  if (!(temporalServerKinds as readonly string[]).includes(kind)) {
    throw new Error(`--temporal must be one of ${temporalServerKinds.join(', ')} (got "${kind}")`);
  }
  return kind as TemporalServerKind;
}
