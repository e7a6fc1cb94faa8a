// Placeholder until the screen is built (issue 11).
export function PostScreen() {
  return <h1>Post</h1>;
}
