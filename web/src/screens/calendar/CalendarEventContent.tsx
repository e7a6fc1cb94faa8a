// What a post shows inside its calendar event: time, the platforms it goes to, and the start of its text.
import type { EventContentArg } from '@fullcalendar/core';
import type { Post } from '../../api/types';
import { PlatformIcon } from '../../components/PlatformIcon';
import { postStatusLabel } from '../post/postStatus';

export function CalendarEventContent({ arg }: { arg: EventContentArg }) {
  const post = arg.event.extendedProps.post as Post;
  const platforms = [...new Set(post.targets.map((t) => t.platform))];
  return (
    <span className="cal-event">
      {arg.timeText && <span className="cal-event-time">{arg.timeText}</span>}
      <span className="cal-event-icons">
        {platforms.map((p) => <PlatformIcon key={p} platform={p} size={16} />)}
      </span>
      <span className="cal-event-title">{arg.event.title}</span>
      <span className="visually-hidden">, {postStatusLabel(post.status)}</span>
    </span>
  );
}
