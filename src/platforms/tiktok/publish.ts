// Publishing to TikTok as a plan of steps (see provider.ts for the step model):
//   creatorInfo (prepare, direct posts only)  creator-info.ts: privacy level and interactions the creator allows
//   init        (commit)                      init.ts: creates the publish (quotas first); its publish_id is recorded
//   upload      (transfer, FILE_UPLOAD only)  upload.ts: the chunks, resumable, re-initialising an expired upload
//   status      (await)                       status.ts: until published (inbox: delivered) or failed
// The irreversible call is `init`: for PULL_FROM_URL it starts TikTok's download and posting; for FILE_UPLOAD it
// only opens an upload task, and posting starts when the last chunk lands.
import type { AbsenceProof, PublishContext, PublishProvider, PublishStepSpec, ReconcileOutcome, StepOutcome } from '../provider.js';
import { PublishError } from '../provider.js';
import { creatorInfoStep } from './creator-info.js';
import { initStep } from './init.js';
import { shapeOf } from './publish-state.js';
import { statusStep } from './status.js';
import { shapeFor, targetOptions, type StepDeps } from './step-context.js';
import { publishShape } from './target-options.js';
import { uploadStep } from './upload.js';

/**
 * How a lost init answer is judged (see reconcile below). TikTok documents no idempotency key and no lookup of
 * publishes by a client reference, so no waiting can prove anything: either the lost init is harmless by itself
 * (FILE_UPLOAD) or nothing can tell (PULL_FROM_URL).
 */
function initAbsence(source: 'FILE_UPLOAD' | 'PULL_FROM_URL'): AbsenceProof {
  return source === 'FILE_UPLOAD'
    ? { kind: 'immediate', basis: 'a FILE_UPLOAD init only opens an upload task; TikTok posts nothing until the last chunk reaches its upload_url, which only the lost answer carried' }
    : { kind: 'unprovable', basis: 'a PULL_FROM_URL init makes TikTok download and post the media by itself, and TikTok offers no lookup by client reference' };
}

/**
 * Nothing is staged ahead of the due time: the creator-info check is only good right before posting (TikTok asks
 * apps to read it at posting time, and its answer changes with the creator's settings), and every step after it
 * follows the init, which is the commit (completing a FILE_UPLOAD publishes, §1.12). So no step declares `stage`.
 */
export function createTiktokPublish(deps: StepDeps): PublishProvider {
  return {
    plan(target): PublishStepSpec[] {
      const shape = publishShape(targetOptions(target), target.media, deps.options.verifiedUrlPrefixes);
      return [
        ...(shape.mode === 'direct' ? [{ name: 'creatorInfo', kind: 'prepare', status: 'preparing' } satisfies PublishStepSpec] : []),
        { name: 'init', kind: 'commit', status: 'submitting', absence: initAbsence(shape.source) },
        ...(shape.source === 'FILE_UPLOAD' ? [{ name: 'upload', kind: 'transfer', status: 'uploading' } satisfies PublishStepSpec] : []),
        { name: 'status', kind: 'await', status: 'processing' },
      ];
    },

    async runStep(step: string, ctx: PublishContext): Promise<StepOutcome> {
      switch (step) {
        case 'creatorInfo':
          return creatorInfoStep(deps, ctx);
        case 'init':
          return initStep(deps, ctx);
        case 'upload':
          return uploadStep(deps, ctx);
        case 'status':
          return statusStep(deps, ctx);
        default:
          throw new PublishError('permanent', 'unknown_step', `tiktok has no publish step ${step}`);
      }
    },

    /**
     * TikTok has no lookup of publishes by a client reference, so a lost init answer is judged by what the init
     * could have done:
     *   FILE_UPLOAD   - at most it created an upload task with no bytes. Such a publish never posts: posting starts
     *                   only after the last chunk arrives (§1.12: "201 ... TikTok starts processing/posting"), and
     *                   its upload_url, which only the lost answer carried, expires within the hour. Sending a new
     *                   init is safe: not_applied.
     *   PULL_FROM_URL - TikTok may be downloading the media and will post it without any further call from us.
     *                   Sending again could post twice, and nothing can tell: unknown (the target goes to
     *                   needs_review; someone checks the creator's profile).
     */
    async reconcile(step: string, ctx: PublishContext): Promise<ReconcileOutcome> {
      if (step !== 'init') return { type: 'unknown', evidence: `step ${step} is not a commit step of tiktok` };
      const shape = { ...shapeFor(ctx, deps), ...shapeOf(ctx.state) };
      if (shape.source === 'FILE_UPLOAD') return { type: 'not_applied' };
      return {
        type: 'unknown',
        evidence: `TikTok ${shape.mediaType === 'PHOTO' ? 'photo' : 'video'} ${shape.mode} post by PULL_FROM_URL: the init answer was lost and `
          + 'TikTok offers no lookup by client reference, so it may be downloading and posting the media now. Not re-sent; '
          + "check the creator's TikTok profile (or inbox) before publishing again.",
      };
    },
  };
}
