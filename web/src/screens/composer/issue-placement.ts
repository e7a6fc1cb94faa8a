// Where each issue of the API (live check or a refused save) is shown: next to the input its `field` names. An
// issue the API raised for one target (`targets.N.…`) about something the targets share (the main text, the media)
// is shown at that shared input, prefixed with the account it concerns. Anything unrecognised is listed at the top,
// so no message is ever dropped.
import type { ApiIssue } from '../../api/client';
import type { Draft } from './draft';

export interface PlacedIssue {
  message: string;
  /** The account the issue concerns, when it is shown at an input the targets share. */
  accountId: string | null;
  /** The id of the input to focus for this issue. */
  focusId: string;
}

export type IssueSlots = Map<string, PlacedIssue[]>;

/** Ids of the composer's inputs, shared by the inputs and by the placement of issues. */
export const inputId = {
  content: 'composer-content',
  hashtags: 'composer-hashtags',
  mediaInput: 'composer-media',
  mediaItem: (key: string) => `composer-media-${key}`,
  account: (accountId: string) => `composer-account-${accountId}`,
  panel: (accountId: string) => `composer-target-${accountId}`,
  targetText: (accountId: string) => `composer-target-${accountId}-text`,
  targetOption: (accountId: string, name: string) => `composer-target-${accountId}-option-${name}`,
  whenLocal: 'composer-when-local',
  whenTimezone: 'composer-when-timezone',
  whenFold: 'composer-when-fold-earlier',
  actions: 'composer-actions',
};

/** Keys of the slots issues are shown in. */
export const slot = {
  general: 'general',
  content: 'content',
  hashtags: 'hashtags',
  media: 'media',
  mediaItem: (key: string) => `media:${key}`,
  accounts: 'accounts',
  account: (accountId: string) => `account:${accountId}`,
  target: (accountId: string) => `target:${accountId}`,
  targetText: (accountId: string) => `target:${accountId}:text`,
  targetOption: (accountId: string, name: string) => `target:${accountId}:option:${name}`,
  whenLocal: 'when:local',
  whenTimezone: 'when:timezone',
  whenFold: 'when:fold',
};

export function placeIssues(issues: readonly ApiIssue[], draft: Draft): { slots: IssueSlots; order: PlacedIssue[] } {
  const slots: IssueSlots = new Map();
  const order: PlacedIssue[] = [];
  // The media the request carried, in its order: media.N is the N-th of these, not of the list on screen.
  const sentMedia = draft.media.filter((m) => m.state === 'done' && m.ref);
  const firstAccount = draft.targets[0]?.accountId;

  const put = (key: string, focusId: string, message: string, accountId: string | null = null) => {
    const placed = { message, accountId, focusId };
    slots.set(key, [...(slots.get(key) ?? []), placed]);
    order.push(placed);
  };

  const placeShared = (field: string, message: string, accountId: string | null): boolean => {
    if (field === 'content') { put(slot.content, inputId.content, message, accountId); return true; }
    if (/^hashtags(\.\d+)?$/.test(field)) { put(slot.hashtags, inputId.hashtags, message, accountId); return true; }
    const media = /^media(?:\.(\d+)(?:\..+)?)?$/.exec(field);
    if (media) {
      const item = media[1] !== undefined ? sentMedia[Number(media[1])] : undefined;
      if (item) put(slot.mediaItem(item.key), inputId.mediaItem(item.key), message, accountId);
      else put(slot.media, inputId.mediaInput, message, accountId);
      return true;
    }
    return false;
  };

  for (const { field, message } of issues) {
    if (placeShared(field, message, null)) continue;
    if (field === 'localTime' || field === 'scheduledAt') { put(slot.whenLocal, inputId.whenLocal, message); continue; }
    if (field === 'timezone') { put(slot.whenTimezone, inputId.whenTimezone, message); continue; }
    if (field === 'fold') { put(slot.whenFold, inputId.whenFold, message); continue; }
    if (field === 'targets') { put(slot.accounts, firstAccount ? inputId.account(firstAccount) : inputId.content, message); continue; }

    const target = /^targets\.(\d+)(?:\.(.+))?$/.exec(field);
    const accountId = target ? draft.targets[Number(target[1])]?.accountId : undefined;
    if (!target || !accountId) { put(slot.general, inputId.content, `${field}: ${message}`); continue; }
    const rest = target[2];
    const own = draft.targets.find((t) => t.accountId === accountId)?.text != null;
    if (rest === undefined || rest === 'accountId') put(slot.account(accountId), inputId.account(accountId), message);
    else if (rest === 'text' || (rest === 'content' && own)) put(slot.targetText(accountId), inputId.targetText(accountId), message);
    else if (rest.startsWith('options.')) {
      const name = rest.slice('options.'.length).split('.')[0]!;
      put(slot.targetOption(accountId, name), inputId.targetOption(accountId, name), message);
    } else if (!placeShared(rest, message, accountId)) put(slot.target(accountId), inputId.panel(accountId), message);
  }
  return { slots, order };
}
