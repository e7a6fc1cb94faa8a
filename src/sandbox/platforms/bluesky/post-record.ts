// The checks a PDS makes of an app.bsky.feed.post record (lexicons app.bsky.feed.post, app.bsky.richtext.facet,
// app.bsky.embed.images|video|external): text ≤ 300 graphemes and ≤ 3,000 UTF-8 bytes, createdAt a datetime; every
// facet's byte range lies on the text, on character boundaries, and its bytes say what the facet claims (a link's
// bytes are its URL, a mention's `@handle` of a handle that resolves to its DID, a tag's `#tag`); images ≤ 4, each
// with alt text and a blob this account uploaded of an image type within the size limit, or one video/mp4 blob
// within its limit (alt optional); an external card with a URI and title; a reply's root and parent records existing with their CIDs. Answers the first problem, or none.
import type { ResolvedBlueskySandboxOptions } from './options.js';
import type { BlueskyStore } from './store.js';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
export const graphemeLength = (text: string) => [...segmenter.segment(text)].length;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A UTF-8 continuation byte (10xxxxxx) never starts a character. */
const onBoundary = (bytes: Buffer, at: number) => at === bytes.length || (bytes[at]! & 0xc0) !== 0x80;

function checkFacets(store: BlueskyStore, bytes: Buffer, facets: unknown): string | undefined {
  if (facets === undefined) return undefined;
  if (!Array.isArray(facets)) return 'Invalid app.bsky.feed.post record: Record/facets must be an array';
  for (const [i, facet] of facets.entries()) {
    const where = `Record/facets/${i}`;
    if (!isObject(facet) || !isObject(facet.index) || !Array.isArray(facet.features)) return `Invalid app.bsky.feed.post record: ${where} must have index and features`;
    const { byteStart, byteEnd } = facet.index;
    if (!Number.isInteger(byteStart) || !Number.isInteger(byteEnd)) return `Invalid app.bsky.feed.post record: ${where}/index must have integer byteStart and byteEnd`;
    const start = byteStart as number;
    const end = byteEnd as number;
    if (start < 0 || end <= start || end > bytes.length) return `${where}: byte range ${start}..${end} is not within the text's ${bytes.length} bytes`;
    if (!onBoundary(bytes, start) || !onBoundary(bytes, end)) return `${where}: byte range ${start}..${end} splits a UTF-8 character`;
    const covered = bytes.subarray(start, end).toString('utf8');
    for (const feature of facet.features) {
      if (!isObject(feature)) return `Invalid app.bsky.feed.post record: ${where}/features must be objects`;
      switch (feature.$type) {
        case 'app.bsky.richtext.facet#link':
          if (typeof feature.uri !== 'string' || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(feature.uri)) return `Invalid app.bsky.feed.post record: ${where} link uri must be a URI`;
          if (covered !== feature.uri) return `${where}: a link facet covers "${covered}", not its uri ${feature.uri}`;
          break;
        case 'app.bsky.richtext.facet#mention': {
          if (typeof feature.did !== 'string' || !feature.did.startsWith('did:')) return `Invalid app.bsky.feed.post record: ${where} mention did must be a DID`;
          const account = covered.startsWith('@') ? store.account(covered.slice(1)) : undefined;
          if (!account || account.handle !== covered.slice(1).toLowerCase()) return `${where}: a mention facet covers "${covered}", not an @handle that resolves`;
          if (account.did !== feature.did) return `${where}: @${account.handle} resolves to ${account.did}, not ${feature.did}`;
          break;
        }
        case 'app.bsky.richtext.facet#tag':
          if (typeof feature.tag !== 'string' || feature.tag === '' || graphemeLength(feature.tag) > 64 || Buffer.byteLength(feature.tag) > 640) {
            return `Invalid app.bsky.feed.post record: ${where} tag must be 1 to 64 graphemes`;
          }
          if (covered !== `#${feature.tag}`) return `${where}: a tag facet covers "${covered}", not #${feature.tag}`;
          break;
        default:
          return `Invalid app.bsky.feed.post record: ${where} has an unknown feature type ${String(feature.$type)}`;
      }
    }
  }
  return undefined;
}

function checkEmbed(store: BlueskyStore, o: ResolvedBlueskySandboxOptions, did: string, embed: unknown): string | undefined {
  if (embed === undefined) return undefined;
  if (!isObject(embed)) return 'Invalid app.bsky.feed.post record: Record/embed must be an object';
  if (embed.$type === 'app.bsky.embed.images') {
    const images = embed.images;
    if (!Array.isArray(images) || images.length === 0 || images.length > 4) return 'Invalid app.bsky.feed.post record: Record/embed/images must have 1 to 4 elements';
    for (const [i, image] of images.entries()) {
      const where = `Record/embed/images/${i}`;
      if (!isObject(image) || typeof image.alt !== 'string') return `Invalid app.bsky.feed.post record: ${where} must have the property "alt"`;
      const blob = image.image;
      const cid = isObject(blob) && isObject(blob.ref) ? blob.ref.$link : undefined;
      if (!isObject(blob) || blob.$type !== 'blob' || typeof cid !== 'string') return `Invalid app.bsky.feed.post record: ${where}/image must be a blob`;
      const stored = store.liveBlob(cid);
      if (!stored || stored.did !== did) return `Could not find blob: ${cid}`;
      if (!stored.mimeType.startsWith('image/')) return `Invalid app.bsky.feed.post record: ${where}/image mimeType (${stored.mimeType}) not accepted`;
      if (stored.size > o.maxImageBytes) return `Invalid app.bsky.feed.post record: ${where}/image file too large (${stored.size} bytes). Maximum is ${o.maxImageBytes}`;
    }
    return undefined;
  }
  if (embed.$type === 'app.bsky.embed.video') {
    const blob = embed.video;
    const cid = isObject(blob) && isObject(blob.ref) ? blob.ref.$link : undefined;
    if (!isObject(blob) || blob.$type !== 'blob' || typeof cid !== 'string') return 'Invalid app.bsky.feed.post record: Record/embed/video must be a blob';
    if (embed.alt !== undefined && (typeof embed.alt !== 'string' || graphemeLength(embed.alt) > 1000)) return 'Invalid app.bsky.feed.post record: Record/embed/alt must be a string of at most 1000 graphemes';
    const stored = store.liveBlob(cid);
    if (!stored || stored.did !== did) return `Could not find blob: ${cid}`;
    if (stored.mimeType !== 'video/mp4') return `Invalid app.bsky.feed.post record: Record/embed/video mimeType (${stored.mimeType}) not accepted`;
    if (stored.size > o.maxVideoBytes) return `Invalid app.bsky.feed.post record: Record/embed/video file too large (${stored.size} bytes). Maximum is ${o.maxVideoBytes}`;
    return undefined;
  }
  if (embed.$type === 'app.bsky.embed.external') {
    const ext = embed.external;
    if (!isObject(ext) || typeof ext.uri !== 'string' || typeof ext.title !== 'string' || typeof ext.description !== 'string') {
      return 'Invalid app.bsky.feed.post record: Record/embed/external must have uri, title and description';
    }
    return undefined;
  }
  return `Invalid app.bsky.feed.post record: Record/embed $type ${String(embed.$type)} is not supported by this sandbox`;
}

function checkReply(store: BlueskyStore, reply: unknown): string | undefined {
  if (reply === undefined) return undefined;
  if (!isObject(reply)) return 'Invalid app.bsky.feed.post record: Record/reply must be an object';
  for (const key of ['root', 'parent'] as const) {
    const ref = reply[key];
    if (!isObject(ref) || typeof ref.uri !== 'string' || typeof ref.cid !== 'string') return `Invalid app.bsky.feed.post record: Record/reply/${key} must have uri and cid`;
    const target = store.records.get(ref.uri);
    if (!target) return `Record/reply/${key}: could not find ${ref.uri}`;
    if (target.cid !== ref.cid) return `Record/reply/${key}: ${ref.uri} has cid ${target.cid}, not ${ref.cid}`;
  }
  return undefined;
}

export function checkPostRecord(store: BlueskyStore, o: ResolvedBlueskySandboxOptions, did: string, record: Record<string, unknown>): string | undefined {
  const text = record.text;
  if (typeof text !== 'string') return 'Invalid app.bsky.feed.post record: Record must have the property "text"';
  if (typeof record.createdAt !== 'string' || Number.isNaN(Date.parse(record.createdAt))) return 'Invalid app.bsky.feed.post record: Record/createdAt must be a valid datetime';
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > o.maxTextBytes) return `Invalid app.bsky.feed.post record: Record/text must not be longer than ${o.maxTextBytes} characters`;
  if (graphemeLength(text) > o.maxGraphemes) return `Invalid app.bsky.feed.post record: Record/text must not be longer than ${o.maxGraphemes} graphemes`;
  return checkFacets(store, bytes, record.facets) ?? checkEmbed(store, o, did, record.embed) ?? checkReply(store, record.reply);
}
