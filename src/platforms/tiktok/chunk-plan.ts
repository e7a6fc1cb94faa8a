// How a FILE_UPLOAD video is cut into chunks, per TikTok's media transfer rules (§1.11):
//   1. total_chunk_count = floor(video_size / chunk_size);
//   2. every chunk is 5-64 MB, except the final one, which absorbs the remainder (up to 128 MB);
//   3. videos under 5 MB go whole (one chunk of video_size); videos over 64 MB must use several chunks;
//   4. 1 to 1000 chunks; 5. uploaded in order.
// Whether "MB" means 10^6 or 2^20 bytes is not documented, so the limits here hold under both readings: chunks
// are at least 5 MiB (>= 5 MB) and at most 64,000,000 bytes (<= 64 MiB), and "over 64 MB" starts at 64,000,000.
export const MIN_CHUNK_BYTES = 5 * 1024 * 1024;
export const MAX_CHUNK_BYTES = 64_000_000;
export const MAX_FINAL_CHUNK_BYTES = 128_000_000;
export const MAX_CHUNKS = 1000;
export const MAX_VIDEO_BYTES = 4 * 1024 ** 3;

export interface ChunkPlan {
  videoSize: number;
  chunkSize: number;
  totalChunkCount: number;
}

/** The chunk plan for a video of `videoSize` bytes, as close to `preferredChunkSize` as the rules allow. */
export function planChunks(videoSize: number, preferredChunkSize: number): ChunkPlan {
  if (!Number.isSafeInteger(videoSize) || videoSize <= 0) throw new RangeError(`video size must be a positive integer, got ${videoSize}`);
  if (videoSize > MAX_VIDEO_BYTES) throw new RangeError(`video of ${videoSize} bytes exceeds TikTok's 4 GB maximum`);
  if (videoSize < MIN_CHUNK_BYTES) return { videoSize, chunkSize: videoSize, totalChunkCount: 1 };

  let chunk = Math.min(Math.max(Math.floor(preferredChunkSize), MIN_CHUNK_BYTES), MAX_CHUNK_BYTES);
  // A video that fits one chunk goes whole; one over 64 MB needs at least two (half of it is >= 32 MB >= 5 MiB).
  chunk = Math.min(chunk, videoSize);
  if (videoSize > MAX_CHUNK_BYTES) chunk = Math.min(chunk, Math.floor(videoSize / 2));
  // At most 1000 chunks: never binding below 4 GB with 5 MiB chunks, kept for the rule's sake.
  if (Math.floor(videoSize / chunk) > MAX_CHUNKS) chunk = Math.ceil(videoSize / MAX_CHUNKS);

  const totalChunkCount = Math.floor(videoSize / chunk);
  const finalChunk = videoSize - (totalChunkCount - 1) * chunk;
  if (chunk > MAX_CHUNK_BYTES || finalChunk > MAX_FINAL_CHUNK_BYTES) {
    throw new RangeError(`no chunk plan fits a video of ${videoSize} bytes`);
  }
  return { videoSize, chunkSize: chunk, totalChunkCount };
}

/** Inclusive byte range of chunk `index` (0-based): the final chunk runs to the end of the file. */
export function chunkRange(plan: ChunkPlan, index: number): { start: number; end: number } {
  if (!Number.isInteger(index) || index < 0 || index >= plan.totalChunkCount) {
    throw new RangeError(`chunk ${index} is outside 0-${plan.totalChunkCount - 1}`);
  }
  const start = index * plan.chunkSize;
  const end = index === plan.totalChunkCount - 1 ? plan.videoSize - 1 : start + plan.chunkSize - 1;
  return { start, end };
}

/** The chunk that follows `uploadedBytes` received bytes, when that is a chunk boundary; undefined otherwise. */
export function chunkAfter(plan: ChunkPlan, uploadedBytes: number): number | undefined {
  if (uploadedBytes >= plan.videoSize) return plan.totalChunkCount;
  if (uploadedBytes < 0 || uploadedBytes % plan.chunkSize !== 0) return undefined;
  return Math.min(uploadedBytes / plan.chunkSize, plan.totalChunkCount - 1);
}
