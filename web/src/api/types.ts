// Shapes of the API answers the dashboard reads (the OpenAPI document at /docs/json is the reference).

export interface User {
  id: string;
  email: string;
  name: string | null;
  timezone: string;
}

export interface Session {
  user: User;
  csrfToken: string | null;
  expiresAt: string | null;
}

export type AccountStatus = 'active' | 'reauth_required' | 'disconnected';

export interface Account {
  id: string;
  platform: string;
  platformAccountId: string;
  grantId: string | null;
  displayName: string | null;
  scopes: string[];
  status: AccountStatus;
  statusReason: string | null;
  expiresAt: string | null;
  refreshExpiresAt: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
}

export type PostStatus = 'draft' | 'scheduled' | 'publishing' | 'published' | 'partially_published' | 'failed' | 'cancelled' | 'needs_attention';

export interface Attempt {
  at: string;
  step: string;
  outcome: string;
  code?: string;
  message?: string;
}

export interface PostTarget {
  id: string;
  accountId: string;
  platform: string;
  status: string;
  text: string | null;
  options: Record<string, unknown>;
  publishId: string | null;
  containerId: string | null;
  platformPostId: string | null;
  permalink: string | null;
  error: { code: string; message: string } | null;
  attempts: Attempt[];
  publishedAt: string | null;
  workflowUrl?: string | null;
}

export interface MediaRef {
  mediaId?: string;
  url?: string;
  /** Alt text: the file described for people who cannot see it (sent to platforms that take it). */
  alt?: string;
}

export interface Post {
  id: string;
  status: PostStatus;
  content: string;
  hashtags: string[];
  media: MediaRef[];
  scheduledAt: string | null;
  timezone: string;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  cancelledAt: string | null;
  attentionReason: string | null;
  targets: PostTarget[];
}

export interface PostList {
  data: Post[];
  nextCursor: string | null;
}

export interface Media {
  id: string;
  contentType: string;
  sizeBytes: number;
  originalName?: string | null;
  createdAt: string;
}

// Stats (GET /api/social/stats/*). Days are `YYYY-MM-DD`; rates are percents, null without views or reach.
export interface StatsTotals {
  postsPublished: number;
  views: number;
  likes: number;
  comments: number;
  shares: number;
  saves: number;
  reach: number;
  averageEngagementRate: number | null;
  followers: number | null;
}

export interface StatsOverview {
  from: string;
  to: string;
  /** Over every platform. */
  totals: StatsTotals;
  platforms: (StatsTotals & { platform: string })[];
}

export interface StatsEngagement {
  from: string;
  to: string;
  timezone: string;
  days: { day: string; postsPublished: number; views: number; interactions: number; engagementRate: number | null }[];
}

export interface FollowersPoint {
  day: string;
  followers: number | null;
}

export interface StatsGrowth {
  from: string;
  to: string;
  platforms: { platform: string; days: FollowersPoint[] }[];
  accounts: { accountId: string; platform: string; displayName: string | null; days: FollowersPoint[] }[];
}

export interface BestPost {
  postId: string;
  targetId: string;
  accountId: string;
  platform: string;
  permalink: string | null;
  publishedAt: string | null;
  views: number | null;
  likes: number | null;
  comments: number | null;
  shares: number | null;
  saves: number | null;
  reach: number | null;
  engagementRate: number | null;
}

export interface StatsBestPosts {
  from: string;
  to: string;
  data: BestPost[];
}

// Composer (POST /api/social/posts/validate, GET /api/social/accounts/:id/target-options)
export interface ValidationTarget {
  accountId: string;
  platform: string;
  textLength: number;
  maxTextLength: number;
  hashtagCount: number;
  maxHashtags: number;
}

export interface DraftValidation {
  valid: boolean;
  issues: { field: string; rule: string; message: string }[];
  targets: ValidationTarget[];
}

export interface TargetOptionField {
  name: string;
  label: string;
  /** `text_list`: an ordered list of texts. */
  kind: 'enum' | 'boolean' | 'text' | 'text_list' | 'number';
  values?: { value: string; label: string }[];
  default?: unknown;
  required: boolean;
  description?: string;
  /** Only for posts with these media; absent: any post. */
  appliesTo?: ('text' | 'image' | 'video')[];
}

export interface TargetOptions {
  fields: TargetOptionField[];
}

// --- Calendar, post detail and comments screens (web-calendar) ---

export interface AccountList {
  data: Account[];
}

/** A comment on a published target, as GET /api/social/posts/:id/comments lists it. */
export interface PostComment {
  id: string;
  targetId: string | null;
  platform: string;
  platformCommentId: string;
  mediaPlatformId: string;
  parentPlatformCommentId: string | null;
  authorUsername: string | null;
  authorPlatformId: string | null;
  text: string | null;
  hidden: boolean;
  commentedAt: string | null;
  receivedAt: string;
}

export interface PostCommentList {
  items: PostComment[];
}

/** A comment in the inbox (GET /api/social/comments): also says which post and account it is on. */
export interface InboxComment extends PostComment {
  postId: string;
  accountId: string;
  postContent: string;
  permalink: string | null;
}

export interface InboxCommentPage {
  data: InboxComment[];
  nextCursor: string | null;
}

export interface CommentReplyResult {
  replyPlatformId: string;
}

export interface CommentHiddenResult {
  hidden: boolean;
}

/** A target with the workflow fields the API adds (its Temporal workflow, and its Web UI link when configured). */
export interface PostTargetWithWorkflow extends PostTarget {
  workflowId?: string;
  workflowUrl?: string | null;
}

// --- Composer writing help (web-ai): POST /api/social/generate/*, /analyze/content, /suggest/times ---

export interface GeneratedCaption {
  text: string;
  /** Without `#`. */
  hashtags: string[];
  /** Text and hashtags as the platform counts them. */
  length: number;
  repaired: 'none' | 'asked_again' | 'trimmed';
}

export interface CaptionGeneration {
  data: {
    platform: string;
    /** The requested accounts on this platform. */
    accountIds: string[];
    limits: { maxTextLength: number; maxHashtags: number };
    captions: GeneratedCaption[];
  }[];
  model: string;
}

export interface HashtagSuggestion {
  tag: string;
  /** `history`: one of the user's own hashtags that engaged above their average on this platform. */
  source: 'history' | 'model';
  kind: 'broad' | 'specific' | null;
  engagementRate: number | null;
}

export interface HashtagSuggestions {
  platform: string;
  maxHashtags: number;
  hashtags: HashtagSuggestion[];
  model: string;
}

export interface PlatformAnalysis {
  platform: string;
  length: number;
  maxTextLength: number;
  feedPreviewLength: number | null;
  feedPreview: string | null;
  hashtagCount: number;
  maxHashtags: number;
  mentionCount: number;
  maxMentions: number | null;
  links: string[];
  linksClickable: boolean;
  emojiCount: number;
  emojiDensity: number;
  media: { count: number; min: number; max: number; unsupportedTypes: string[] };
  /** Deterministic findings: what would be refused or cut. */
  issues: { rule: string; severity: 'refused' | 'advice'; message: string }[];
  critique: { summary: string; rewrites: { text: string; reason: string; length: number }[] } | null;
}

export interface ContentAnalysis {
  readability: { language: string; words: number; sentences: number; syllables: number; fleschReadingEase: number | null };
  data: PlatformAnalysis[];
  model: string | null;
}

export interface TimeCell {
  /** ISO weekday in the answer's zone: 1 = Monday … 7 = Sunday. */
  weekday: number;
  hour: number;
  engagementRate: number | null;
  posts: number;
  confidence: number;
}

export interface TimeSlot extends TimeCell {
  source: 'history' | 'prior';
}

export interface TimeGroup {
  accountId: string | null;
  displayName: string | null;
  platform: string;
  source: 'history' | 'prior';
  postsAnalysed: number;
  meanEngagementRate: number | null;
  slots: TimeSlot[];
  /** 168 cells, Monday 00:00 first. */
  grid: TimeCell[];
  nextFreeSlot: string | null;
}

export interface TimeSuggestions {
  timezone: string;
  weeks: number;
  minPosts: number;
  priorWeight: number;
  gapMinutes: number;
  groups: TimeGroup[];
}
