// The `youtube#video` resource as the API answers it (§3.5, §3.7): the parts asked for, counts as strings.
import type { YoutubeStore, Video } from './store.js';

export function videoResource(store: YoutubeStore, v: Video, parts: Set<string>, now = Date.now()) {
  store.settlePublishAt(v, now);
  const uploadStatus = store.uploadStatus(v, now);
  const processing = uploadStatus === 'uploaded' ? 'processing' : uploadStatus === 'processed' ? 'succeeded' : uploadStatus === 'deleted' ? 'terminated' : 'failed';
  return {
    kind: 'youtube#video', etag: `sandbox-${v.id}`, id: v.id,
    ...(parts.has('snippet') ? { snippet: {
      publishedAt: new Date(v.uploadedAt).toISOString(), channelId: v.channelId, title: v.title, description: v.description,
      thumbnails: { default: { url: `https://i.ytimg.com/vi/${v.id}/default.jpg`, width: 120, height: 90 } },
      channelTitle: 'Sandbox Channel', ...(v.tags.length > 0 ? { tags: v.tags } : {}), categoryId: v.categoryId, liveBroadcastContent: 'none',
      localized: { title: v.title, description: v.description },
    } } : {}),
    ...(parts.has('status') ? { status: {
      uploadStatus,
      ...(uploadStatus === 'failed' ? { failureReason: v.outcome!.reason } : {}),
      ...(uploadStatus === 'rejected' ? { rejectionReason: v.outcome!.reason } : {}),
      privacyStatus: v.privacyStatus, ...(v.publishAt ? { publishAt: v.publishAt } : {}), license: 'youtube', embeddable: true,
      publicStatsViewable: true, madeForKids: v.madeForKids, selfDeclaredMadeForKids: v.madeForKids,
    } } : {}),
    ...(parts.has('processingDetails') ? { processingDetails: {
      processingStatus: processing,
      ...(processing === 'processing' ? { processingProgress: { partsTotal: '100', partsProcessed: '50', timeLeftMs: '1000' } } : {}),
      ...(processing === 'failed' ? { processingFailureReason: uploadStatus === 'rejected' ? 'other' : 'transcodeFailed' } : {}),
    } } : {}),
    ...(parts.has('statistics') ? { statistics: {
      viewCount: String(v.statistics.viewCount), likeCount: String(v.statistics.likeCount),
      favoriteCount: String(v.statistics.favoriteCount), commentCount: String(v.statistics.commentCount),
    } } : {}),
  };
}
