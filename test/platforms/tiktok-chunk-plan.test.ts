// The FILE_UPLOAD chunk plan (§1.11) as a pure function: the documented worked example, whole small files,
// multi-chunk large files, and every rule checked over a sweep of sizes and preferences.
import { describe, expect, test } from 'vitest';
import {
  chunkAfter, chunkRange, MAX_CHUNK_BYTES, MAX_CHUNKS, MAX_FINAL_CHUNK_BYTES, MIN_CHUNK_BYTES, planChunks, type ChunkPlan,
} from '../../src/platforms/tiktok/chunk-plan.js';

const MiB = 1024 * 1024;

function ranges(plan: ChunkPlan) {
  return Array.from({ length: plan.totalChunkCount }, (_, i) => chunkRange(plan, i));
}

test('the worked example: 50,000,123 bytes at 10,000,000 → 5 chunks, the last 10,000,123', () => {
  const plan = planChunks(50_000_123, 10_000_000);
  expect(plan).toEqual({ videoSize: 50_000_123, chunkSize: 10_000_000, totalChunkCount: 5 });
  expect(ranges(plan)).toEqual([
    { start: 0, end: 9_999_999 },
    { start: 10_000_000, end: 19_999_999 },
    { start: 20_000_000, end: 29_999_999 },
    { start: 30_000_000, end: 39_999_999 },
    { start: 40_000_000, end: 50_000_122 },
  ]);
  expect(chunkRange(plan, 4).end - chunkRange(plan, 4).start + 1).toBe(10_000_123);
});

test('a file under 5 MiB is one whole chunk, whatever the preference', () => {
  expect(planChunks(4_194_304, 1 * MiB)).toEqual({ videoSize: 4_194_304, chunkSize: 4_194_304, totalChunkCount: 1 });
  expect(planChunks(1, 64 * MiB)).toEqual({ videoSize: 1, chunkSize: 1, totalChunkCount: 1 });
  expect(ranges(planChunks(4_194_304, 10 * MiB))).toEqual([{ start: 0, end: 4_194_303 }]);
});

test('a file that fits one chunk (≤ 64 MB) goes whole when the preference is larger', () => {
  expect(planChunks(30 * MiB, 64 * MiB)).toEqual({ videoSize: 30 * MiB, chunkSize: 30 * MiB, totalChunkCount: 1 });
});

test('a file over 64 MB always uses several chunks, even with a huge preference', () => {
  const plan = planChunks(100_000_000, 500 * MiB);
  expect(plan.totalChunkCount).toBeGreaterThanOrEqual(2);
  expect(plan.chunkSize).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
  expect(planChunks(64_000_001, 64 * MiB).totalChunkCount).toBe(2);
  expect(planChunks(1024 * MiB, 64 * MiB)).toEqual({ videoSize: 1024 * MiB, chunkSize: MAX_CHUNK_BYTES, totalChunkCount: 16 });
});

test('preferences below 5 MiB or above 64 MB are pulled into range', () => {
  expect(planChunks(100 * MiB, 1 * MiB).chunkSize).toBe(MIN_CHUNK_BYTES);
  expect(planChunks(1000 * MiB, 100 * MiB).chunkSize).toBe(MAX_CHUNK_BYTES);
});

test('invalid sizes are refused', () => {
  expect(() => planChunks(0, 10 * MiB)).toThrow(RangeError);
  expect(() => planChunks(1.5, 10 * MiB)).toThrow(RangeError);
  expect(() => planChunks(4 * 1024 ** 3 + 1, 10 * MiB)).toThrow(/4 GB/);
});

describe('every plan keeps every rule', () => {
  const sizes = [1, 5 * MiB - 1, 5 * MiB, 5 * MiB + 1, 10 * MiB + 3, 63_999_999, 64_000_000, 64_000_001, 64 * MiB + 1, 127 * MiB, 128 * MiB + 5, 999_999_937, 4 * 1024 ** 3];
  const prefs = [1, 5 * MiB, 8 * MiB, 10_000_000, 16 * MiB, 64 * MiB, 200 * MiB];
  test.each(sizes.flatMap((s) => prefs.map((p) => [s, p] as const)))('size %i, preference %i', (size, pref) => {
    const plan = planChunks(size, pref);
    const rs = ranges(plan);
    expect(plan.totalChunkCount).toBe(Math.floor(size / plan.chunkSize));
    expect(plan.totalChunkCount).toBeGreaterThanOrEqual(1);
    expect(plan.totalChunkCount).toBeLessThanOrEqual(MAX_CHUNKS);
    // contiguous, complete
    expect(rs[0]!.start).toBe(0);
    expect(rs.at(-1)!.end).toBe(size - 1);
    for (let i = 1; i < rs.length; i++) expect(rs[i]!.start).toBe(rs[i - 1]!.end + 1);
    if (size < MIN_CHUNK_BYTES) {
      expect(plan).toEqual({ videoSize: size, chunkSize: size, totalChunkCount: 1 });
    } else {
      expect(plan.chunkSize).toBeGreaterThanOrEqual(MIN_CHUNK_BYTES);
      expect(plan.chunkSize).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
      const last = rs.at(-1)!;
      expect(last.end - last.start + 1).toBeLessThanOrEqual(MAX_FINAL_CHUNK_BYTES);
      for (const r of rs.slice(0, -1)) expect(r.end - r.start + 1).toBe(plan.chunkSize);
    }
    if (size > MAX_CHUNK_BYTES) expect(plan.totalChunkCount).toBeGreaterThanOrEqual(2);
  });
});

test('chunkAfter maps uploaded bytes back to the next chunk, only on chunk boundaries', () => {
  const plan = planChunks(50_000_123, 10_000_000);
  expect(chunkAfter(plan, 0)).toBe(0);
  expect(chunkAfter(plan, 30_000_000)).toBe(3);
  expect(chunkAfter(plan, 40_000_000)).toBe(4);
  expect(chunkAfter(plan, 50_000_123)).toBe(5);
  expect(chunkAfter(plan, 12_345)).toBeUndefined();
  expect(() => chunkRange(plan, 5)).toThrow(RangeError);
});
