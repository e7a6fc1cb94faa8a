// What the API accepts for a TikTok target (limits, validateTarget) and the plan each kind of target gets.
import { describe, expect, test } from 'vitest';
import { createTiktokProvider } from '../../src/platforms/tiktok/index.js';
import type { TargetDraft } from '../../src/platforms/provider.js';

const VERIFIED = 'https://media.herald.example/tiktok/';
const provider = createTiktokProvider({
  clientKey: 'k', clientSecret: 's', authBaseUrl: 'https://www.tiktok.example', apiBaseUrl: 'https://open.tiktokapis.example',
  verifiedUrlPrefixes: [VERIFIED],
});

const draft = (over: Partial<TargetDraft> = {}): TargetDraft => ({
  text: 'caption', hashtags: [], media: [{ contentType: 'video/mp4', mediaId: 'm1' }], options: { privacyLevel: 'SELF_ONLY' }, ...over,
});
const issues = (d: TargetDraft) => provider.validateTarget!(d).map((i) => [i.field, i.rule]);

describe('limits', () => {
  test('caption in UTF-16 code units, 1 video or 1-35 photos, the documented types', () => {
    expect(provider.limits).toMatchObject({
      maxTextLength: 2200, minMedia: 1, maxMedia: 35,
      mediaTypes: ['video/mp4', 'video/quicktime', 'video/webm', 'image/jpeg', 'image/webp'],
    });
    expect(provider.limits.textLength!('😀')).toBe(2);
    expect(provider.limits.textLength!('😀'.repeat(1100))).toBe(2200);
  });
});

describe('validateTarget', () => {
  test('a direct video with a privacy level passes', () => {
    expect(issues(draft())).toEqual([]);
    expect(issues(draft({ options: { mode: 'direct', privacyLevel: 'PUBLIC_TO_EVERYONE', disableComment: true, isAigc: true, videoCoverTimestampMs: 1000 } }))).toEqual([]);
  });

  test('direct posts need privacyLevel; values and option names are checked', () => {
    expect(issues(draft({ options: {} }))).toEqual([['options.privacyLevel', 'required']]);
    expect(issues(draft({ options: { privacyLevel: 'EVERYONE' } }))).toEqual([['options.privacyLevel', 'enum']]);
    expect(issues(draft({ options: { privacyLevel: 'SELF_ONLY', privacy: 'x' } }))).toEqual([['options.privacy', 'unknown_field']]);
    expect(issues(draft({ options: { privacyLevel: 'SELF_ONLY', mode: 'draft' } }))).toEqual([['options.mode', 'enum']]);
  });

  test('inbox videos take no post settings: the creator sets them in the app', () => {
    expect(issues(draft({ options: { mode: 'inbox' } }))).toEqual([]);
    expect(issues(draft({ options: { mode: 'inbox', privacyLevel: 'SELF_ONLY' } }))).toEqual([['options.privacyLevel', 'not_applicable']]);
  });

  test('a video URL must be under a verified prefix (TikTok cannot pull it otherwise, and Herald has no bytes)', () => {
    expect(issues(draft({ media: [{ contentType: 'video/mp4', url: `${VERIFIED}a.mp4` }] }))).toEqual([]);
    const bad = provider.validateTarget!(draft({ media: [{ contentType: 'video/mp4', url: 'https://elsewhere.example/a.mp4' }] }));
    expect(bad).toEqual([{ field: 'media.0', rule: 'verified_url_prefix', message: expect.stringContaining(VERIFIED) }]);
  });

  test('one video only, no mixing with photos', () => {
    expect(issues(draft({ media: [{ contentType: 'video/mp4', mediaId: 'a' }, { contentType: 'video/mp4', mediaId: 'b' }] }))).toEqual([['media', 'media_count']]);
    expect(issues(draft({ media: [{ contentType: 'video/mp4', mediaId: 'a' }, { contentType: 'image/jpeg', url: `${VERIFIED}b.jpg` }] }))).toEqual([['media', 'media_mix']]);
  });

  test('photos are pulled from verified URLs; photo-only options; the title is at most 90 UTF-16 units', () => {
    const photos = [{ contentType: 'image/jpeg', url: `${VERIFIED}a.jpg` }, { url: `${VERIFIED}b.webp` }];
    expect(issues(draft({ media: photos, options: { privacyLevel: 'SELF_ONLY', title: 'x'.repeat(90), photoCoverIndex: 1 } }))).toEqual([]);
    expect(issues(draft({ media: [{ contentType: 'image/jpeg', mediaId: 'm' }] }))).toEqual([['media.0', 'photo_url_required']]);
    expect(issues(draft({ media: photos, options: { privacyLevel: 'SELF_ONLY', photoCoverIndex: 2 } }))).toEqual([['options.photoCoverIndex', 'max']]);
    expect(issues(draft({ media: photos, options: { privacyLevel: 'SELF_ONLY', title: '😀'.repeat(46) } }))).toEqual([['options.title', 'invalid']]);
    expect(issues(draft({ media: photos, options: { privacyLevel: 'SELF_ONLY', disableDuet: true } }))).toEqual([['options.disableDuet', 'not_applicable']]);
    expect(issues(draft({ options: { privacyLevel: 'SELF_ONLY', title: 't' } }))).toEqual([['options.title', 'not_applicable']]);
    expect(issues(draft({ media: photos, options: { mode: 'inbox', title: 't' } }))).toEqual([]);
    expect(issues(draft({ media: photos, options: { mode: 'inbox', privacyLevel: 'SELF_ONLY' } }))).toEqual([['options.privacyLevel', 'not_applicable']]);
  });
});

describe('plan', () => {
  const plan = (options: Record<string, unknown>, media: { contentType: string; url?: string }[]) => provider.publish.plan({ options, media }).map((s) => `${s.name}:${s.kind}:${s.status}`);

  test('direct FILE_UPLOAD: creator info, init (the commit), upload, status', () => {
    expect(plan({ privacyLevel: 'SELF_ONLY' }, [{ contentType: 'video/mp4' }])).toEqual([
      'creatorInfo:prepare:preparing', 'init:commit:submitting', 'upload:transfer:uploading', 'status:await:processing',
    ]);
  });

  test('PULL_FROM_URL has no upload; inbox has no creator info', () => {
    expect(plan({ privacyLevel: 'SELF_ONLY' }, [{ contentType: 'video/mp4', url: `${VERIFIED}a.mp4` }])).toEqual([
      'creatorInfo:prepare:preparing', 'init:commit:submitting', 'status:await:processing',
    ]);
    expect(plan({ mode: 'inbox' }, [{ contentType: 'video/mp4' }])).toEqual(['init:commit:submitting', 'upload:transfer:uploading', 'status:await:processing']);
    expect(plan({ mode: 'inbox' }, [{ contentType: 'image/jpeg', url: `${VERIFIED}a.jpg` }])).toEqual(['init:commit:submitting', 'status:await:processing']);
  });

  test('a video URL outside the verified prefixes would be a FILE_UPLOAD (validation refuses it first)', () => {
    expect(plan({ privacyLevel: 'SELF_ONLY' }, [{ contentType: 'video/mp4', url: 'https://elsewhere.example/a.mp4' }])).toContain('upload:transfer:uploading');
  });
});
