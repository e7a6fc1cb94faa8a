// How the API's analysis of one platform is laid out as a list of checks. The API answers the measurements and its
// findings (`issues`, each with a rule and a severity); this only groups them under the measurement they concern. A
// row fails when a finding would make publishing refused, and warns when its findings are advice only.
import type { PlatformAnalysis } from '../../api/types';

export type CheckStatus = 'passed' | 'warning' | 'failed';

export interface CheckRow {
  name: string;
  /** The measurement, as the API gave it. */
  detail: string;
  status: CheckStatus;
  messages: string[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function checkRows(a: PlatformAnalysis): CheckRow[] {
  const rows: { name: string; detail: string; rules: string[] }[] = [
    { name: 'Length and hashtags', rules: ['limit'], detail: `${a.length} / ${a.maxTextLength} characters with hashtags, ${a.hashtagCount} / ${a.maxHashtags} hashtags` },
    {
      name: 'Feed preview', rules: ['feed_cut'],
      detail: a.feedPreviewLength === null ? 'Where the feed cuts the text is not known' : `The feed shows about ${a.feedPreviewLength} characters before "more"`,
    },
    { name: 'Mentions', rules: ['max_mentions'], detail: a.maxMentions === null ? plural(a.mentionCount, 'mention') : `${a.mentionCount} / ${a.maxMentions} mentions` },
    {
      name: 'Links', rules: ['link_not_clickable'],
      detail: a.links.length === 0 ? 'No links' : `${plural(a.links.length, 'link')}, ${a.linksClickable ? 'clickable' : 'not clickable'}`,
    },
    {
      name: 'Media', rules: ['media_count', 'media_type'],
      detail: `${plural(a.media.count, 'item')}; takes ${a.media.min} to ${a.media.max}${a.media.unsupportedTypes.length > 0 ? `; not accepted: ${a.media.unsupportedTypes.join(', ')}` : ''}`,
    },
  ];
  const known = new Set(rows.flatMap((r) => r.rules));
  const statusOf = (found: PlatformAnalysis['issues']): CheckStatus =>
    found.length === 0 ? 'passed' : found.every((i) => i.severity === 'advice') ? 'warning' : 'failed';

  const laidOut: CheckRow[] = rows.map(({ name, detail, rules }) => {
    const found = a.issues.filter((i) => rules.includes(i.rule));
    return { name, detail, messages: found.map((i) => i.message), status: statusOf(found) };
  });
  // A finding of a rule this list does not know is still shown, never dropped.
  for (const issue of a.issues.filter((i) => !known.has(i.rule))) {
    laidOut.push({ name: issue.rule.replace(/_/g, ' '), detail: '', messages: [issue.message], status: statusOf([issue]) });
  }
  return laidOut;
}
