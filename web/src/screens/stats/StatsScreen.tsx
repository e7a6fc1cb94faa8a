// Placeholder until the screen is built (issue 11).
export function StatsScreen() {
  return <h1>Stats</h1>;
}
