// Placeholder until the screen is built (issue 11).
export function CommentsScreen() {
  return <h1>Comments</h1>;
}
