// Which methods the app serves on a path, for 405 answers with an `Allow` header (Fastify itself answers 404 for a
// known path with an unknown method). Filled from the onRoute hook, so it always matches the routes registered.

/** Fastify route pattern -> regex: `:name` is one path segment, `*` anything. */
function patternToRegex(pattern: string): RegExp {
  const source = pattern.split(/(:[A-Za-z0-9_]+|\*)/).map((piece) => {
    if (piece === '*') return '.*';
    if (piece.startsWith(':')) return '[^/]+';
    return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('');
  return new RegExp(`^${source}$`);
}

export class RouteMethods {
  private readonly routes = new Map<string, { regex: RegExp; methods: Set<string> }>();

  add(pattern: string, methods: string | string[]): void {
    let route = this.routes.get(pattern);
    if (!route) {
      route = { regex: patternToRegex(pattern), methods: new Set() };
      this.routes.set(pattern, route);
    }
    for (const m of [methods].flat()) route.methods.add(m.toUpperCase());
  }

  /**
   * Methods served on `path` (no query string), sorted; empty when only catch-all routes (`*`, e.g. the CORS
   * preflight) would match, i.e. the path is unknown.
   */
  allowedOn(path: string): string[] {
    const allowed = new Set<string>();
    let specific = false;
    for (const [pattern, route] of this.routes) {
      if (!route.regex.test(path)) continue;
      if (pattern !== '*') specific = true;
      for (const m of route.methods) allowed.add(m);
    }
    return specific ? [...allowed].sort() : [];
  }
}
