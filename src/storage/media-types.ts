// MIME type helpers shared by uploads, post validation (API) and publishing (worker).

/** Extensions of URL-referenced media we can name the type of; other URLs are left for the platform to judge. */
const typeByExtension: Record<string, string> = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
};

/** The type a file name's extension suggests (`clip.MOV` -> video/quicktime). */
export function guessContentTypeFromName(name: string | undefined): string | undefined {
  const ext = name ? /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() : undefined;
  return ext ? typeByExtension[ext] : undefined;
}

export function guessContentTypeFromUrl(url: string): string | undefined {
  try {
    return guessContentTypeFromName(new URL(url).pathname);
  } catch {
    return undefined;
  }
}

/** `image/png` without parameters, lower-cased. */
export const normalizeContentType = (type: string) => (type.split(';')[0] ?? '').trim().toLowerCase();

/** Whether `type` is accepted by one of `patterns` (exact types or `image/*` wildcards, `*\/*` for anything). */
export function matchesMediaType(type: string, patterns: readonly string[]): boolean {
  const t = normalizeContentType(type);
  const major = t.split('/')[0];
  return patterns.some((p) => {
    const pattern = normalizeContentType(p);
    if (pattern === '*/*' || pattern === t) return true;
    return pattern.endsWith('/*') && pattern.slice(0, -2) === major;
  });
}

/** The file extension a type is served under (`image/jpeg` -> jpg); `bin` for types without one. */
export function extensionForContentType(type: string): string {
  const preferred: Record<string, string> = { 'image/jpeg': 'jpg', 'video/mp4': 'mp4', 'video/quicktime': 'mov' };
  const t = normalizeContentType(type);
  return preferred[t] ?? Object.entries(typeByExtension).find(([, v]) => v === t)?.[0] ?? 'bin';
}
