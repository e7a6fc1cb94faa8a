// The FILE_UPLOAD chunk rules of the media transfer guide (§1.11), checked at init. "MB" is `mb` bytes (MiB by
// default; the unit is UNCONFIRMED). Returns the first broken rule as TikTok's invalid_param message would name it.
export interface ChunkDeclaration {
  video_size: number;
  chunk_size: number;
  total_chunk_count: number;
}

export const MAX_CHUNKS = 1000;

export function chunkRuleViolation(d: ChunkDeclaration, mb: number): string | undefined {
  const { video_size: size, chunk_size: chunk, total_chunk_count: count } = d;
  for (const [name, v] of [['video_size', size], ['chunk_size', chunk], ['total_chunk_count', count]] as const) {
    if (!Number.isSafeInteger(v) || v <= 0) return `${name} must be a positive integer.`;
  }
  if (size > 4 * 1024 * mb) return `video_size ${size} exceeds the 4 GB maximum.`;
  if (size < 5 * mb) {
    if (chunk !== size || count !== 1) {
      return 'Videos smaller than 5 MB must be uploaded whole: chunk_size must equal video_size and total_chunk_count must be 1.';
    }
    return undefined;
  }
  if (chunk < 5 * mb) return `chunk_size ${chunk} is below the 5 MB minimum.`;
  if (chunk > 64 * mb) return `chunk_size ${chunk} exceeds the 64 MB maximum.`;
  if (chunk > size) return `chunk_size ${chunk} exceeds video_size ${size}.`;
  const expected = Math.floor(size / chunk);
  if (count !== expected) return `total_chunk_count must be floor(video_size / chunk_size) = ${expected}, got ${count}.`;
  if (count > MAX_CHUNKS) return `total_chunk_count ${count} exceeds the maximum of ${MAX_CHUNKS} chunks.`;
  if (size > 64 * mb && count < 2) return 'Videos larger than 64 MB must be uploaded in multiple chunks.';
  // With count = floor(size / chunk) the final chunk is below 2 × chunk ≤ 128 MB: implied, checked for clarity.
  const last = size - (count - 1) * chunk;
  if (last > 128 * mb) return `The final chunk would be ${last} bytes; it may absorb trailing bytes only up to 128 MB.`;
  return undefined;
}

/** Inclusive byte range of chunk `index` (0-based): every chunk is chunk_size bytes except the last, which takes the rest. */
export function chunkRange(d: ChunkDeclaration, index: number): { first: number; last: number } {
  const first = index * d.chunk_size;
  const last = index === d.total_chunk_count - 1 ? d.video_size - 1 : first + d.chunk_size - 1;
  return { first, last };
}
