// What each calendar colour means.
import { POST_STATUSES } from '../post/postStatus';

export function PostStatusLegend() {
  return (
    <ul className="status-legend" aria-label="Post status colours">
      {POST_STATUSES.map((s) => (
        <li key={s.status}>
          <span className="status-swatch" style={{ background: s.colour }} aria-hidden="true" />
          {s.label}
        </li>
      ))}
    </ul>
  );
}
