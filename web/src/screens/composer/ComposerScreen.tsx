// Placeholder until the screen is built (issue 11).
export function ComposerScreen() {
  return <h1>Compose</h1>;
}
