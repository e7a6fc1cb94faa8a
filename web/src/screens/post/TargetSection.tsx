// One target of the post (an account it publishes to): status, permalink once published, error, the step
// timeline, and for operators its Temporal workflow.
import type { PostTargetWithWorkflow } from '../../api/types';
import { usePlatforms } from '../../api/platforms';
import { PlatformIcon } from '../../components/PlatformIcon';
import { AttemptTimeline } from './AttemptTimeline';
import { formatInZone } from './formatTime';
import { statusTone } from './postStatus';

export function TargetSection({ target, accountName, timeZone }: { target: PostTargetWithWorkflow; accountName: string; timeZone: string }) {
  const { nameOf } = usePlatforms();
  const headingId = `target-heading-${target.id}`;
  return (
    <section className="card stack target" data-testid={`target-${target.id}`} data-status={target.status} aria-labelledby={headingId}>
      <div className="row">
        <PlatformIcon platform={target.platform} />
        <h3 id={headingId}>{nameOf(target.platform)} · {accountName}</h3>
        <span className={`badge ${statusTone(target.status)}`}>{target.status.replace(/_/g, ' ')}</span>
      </div>
      {target.text !== null && <p className="post-content"><span className="muted">Own text: </span>{target.text}</p>}
      {target.permalink && (
        <p><a href={target.permalink} target="_blank" rel="noreferrer">View on {nameOf(target.platform)}</a>
          {target.publishedAt && <span className="muted"> · published {formatInZone(target.publishedAt, timeZone)}</span>}</p>
      )}
      {target.error && (
        <p className="field-error" role="note"><code>{target.error.code}</code>: {target.error.message}</p>
      )}
      {Object.keys(target.options).length > 0 && (
        <p className="muted">Options: {Object.entries(target.options).map(([k, v]) => `${k} = ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ')}</p>
      )}
      <h4>Timeline</h4>
      <AttemptTimeline attempts={target.attempts} timeZone={timeZone} />
      <p className="operator">
        {target.workflowUrl
          ? <a href={target.workflowUrl} target="_blank" rel="noreferrer">Open in Temporal</a>
          : target.workflowId
            ? <>Workflow <code>{target.workflowId}</code></>
            : null}
      </p>
    </section>
  );
}
