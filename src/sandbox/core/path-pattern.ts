// The one path-matching rule shared by fault rules and request filters: an exact path, or a prefix ending in `*`
// (`/testbed/v1/uploads/*` matches every path under it, `/testbed*` everything of the platform).
export function matchesPathPattern(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}
