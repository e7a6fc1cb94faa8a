// The options form of a TikTok target, built from the creator's current settings (creator_info, §1.7). TikTok's
// content-sharing guidelines ask apps to show the creator's own privacy levels, with none chosen in advance, and to
// reflect the interactions the creator turned off: a client renders exactly this.
import type { Json, TargetOptionField, TargetOptionsContext, TargetOptionsProvider } from '../provider.js';
import type { TiktokHttp } from './http.js';
import { PRIVACY_LEVELS } from './target-options.js';

const PRIVACY_LABELS: Record<string, string> = {
  PUBLIC_TO_EVERYONE: 'Everyone',
  MUTUAL_FOLLOW_FRIENDS: 'Friends (mutual followers)',
  FOLLOWER_OF_CREATOR: 'Followers',
  SELF_ONLY: 'Only me',
};

interface CreatorInfo {
  creator_username?: Json;
  privacy_level_options?: Json;
  comment_disabled?: Json;
  duet_disabled?: Json;
  stitch_disabled?: Json;
}

export function createTiktokOptionForm(http: TiktokHttp): TargetOptionsProvider {
  return {
    async describe(ctx: TargetOptionsContext): Promise<TargetOptionField[]> {
      const info = await http.api<CreatorInfo>({
        method: 'POST', path: '/v2/post/publish/creator_info/query/', token: ctx.accessToken, ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      const allowed = Array.isArray(info.privacy_level_options)
        ? info.privacy_level_options.filter((v): v is string => typeof v === 'string' && (PRIVACY_LEVELS as readonly string[]).includes(v))
        : [];
      const who = typeof info.creator_username === 'string' ? `@${info.creator_username}` : 'The creator';
      const turnedOff = (flag: Json | undefined, what: string) => (flag === true ? `${who} has turned ${what} off on TikTok.` : undefined);
      const interaction = (name: string, label: string, flag: Json | undefined, what: string, appliesTo?: TargetOptionField['appliesTo']): TargetOptionField => {
        const note = turnedOff(flag, what);
        return {
          name, label, kind: 'boolean', required: false, ...(flag === true ? { default: true } : {}),
          ...(note ? { description: note } : {}), ...(appliesTo ? { appliesTo } : {}),
        };
      };
      return [
        {
          name: 'mode', label: 'How to post', kind: 'enum', required: false, default: 'direct',
          values: [{ value: 'direct', label: 'Post directly' }, { value: 'inbox', label: 'Send to the TikTok inbox to finish in the app' }],
        },
        {
          name: 'privacyLevel', label: 'Who can see it', kind: 'enum', required: true,
          values: allowed.map((value) => ({ value, label: PRIVACY_LABELS[value] ?? value })),
          description: `${who}'s current choices on TikTok; TikTok asks that none is chosen in advance. Required for direct posts.`,
        },
        interaction('disableComment', 'Turn comments off', info.comment_disabled, 'comments'),
        interaction('disableDuet', 'Turn duets off', info.duet_disabled, 'duets', ['video']),
        interaction('disableStitch', 'Turn stitches off', info.stitch_disabled, 'stitches', ['video']),
        { name: 'brandOrganicToggle', label: 'Promotes my own brand', kind: 'boolean', required: false, appliesTo: ['video'] },
        { name: 'brandContentToggle', label: 'Paid partnership (branded content)', kind: 'boolean', required: false, appliesTo: ['video'] },
        { name: 'isAigc', label: 'AI-generated content', kind: 'boolean', required: false, appliesTo: ['video'] },
        { name: 'title', label: 'Photo post title', kind: 'text', required: false, description: 'At most 90 characters', appliesTo: ['image'] },
        { name: 'autoAddMusic', label: 'Add recommended music', kind: 'boolean', required: false, appliesTo: ['image'] },
      ];
    },
  };
}
