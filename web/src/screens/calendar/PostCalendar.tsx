// The FullCalendar view of posts: month, week and list, in the user's zone. A scheduled post (or a draft with a
// time) can be dragged to a new time, which asks the schedule route; a refusal puts the event back.
import FullCalendar from '@fullcalendar/react';
import dayGridPlugin from '@fullcalendar/daygrid';
import timeGridPlugin from '@fullcalendar/timegrid';
import listPlugin from '@fullcalendar/list';
import interactionPlugin from '@fullcalendar/interaction';
import type { DatesSetArg, DayCellMountArg, DayHeaderMountArg, EventClickArg, EventDropArg, EventInput, EventMountArg } from '@fullcalendar/core';
import type { DateClickArg } from '@fullcalendar/interaction';
import { useMemo } from 'react';
import { useNavigate } from 'react-router';
import type { Post } from '../../api/types';
import { toLocalInputValue } from '../post/formatTime';
import { postStatusColour } from '../post/postStatus';
import { CalendarEventContent } from './CalendarEventContent';
import luxonPlugin from '@fullcalendar/luxon3';
import { msUntilLocalMidnight } from './zoneMidnight';
import type { VisibleRange } from './usePostsInRange';

// luxon3: FullCalendar knows only 'local' and 'UTC' by itself; the user's named zone needs it.
const plugins = [dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin, luxonPlugin];

/** Posts whose time the schedule route accepts moving: scheduled ones, and drafts that already have a time. */
const isDraggable = (p: Post) => p.status === 'scheduled' || (p.status === 'draft' && p.scheduledAt !== null);

function titleOf(post: Post): string {
  const firstLine = post.content.split('\n')[0]?.trim() ?? '';
  if (firstLine) return firstLine.length > 60 ? `${firstLine.slice(0, 59)}…` : firstLine;
  return post.hashtags.length > 0 ? post.hashtags.map((h) => `#${h}`).join(' ') : '(no text)';
}

/** FullCalendar's day links are <a> without href (so not links to assistive tech): say what they are. */
function markNavLinks(el: HTMLElement) {
  el.querySelectorAll<HTMLAnchorElement>('a[data-navlink]').forEach((a) => {
    a.setAttribute('role', 'link');
    // Named by its hint ("Write a post for December 18, 2026"), which contains the visible day number.
    if (a.title) a.setAttribute('aria-label', a.title);
  });
}

/** How long a post's block lasts in the week view. */
const BLOCK_MS = 30 * 60_000;

/**
 * A post happens at an instant; its block is half an hour tall, cut at midnight so a late-evening post stays on
 * its own day instead of spilling into the next.
 */
function blockEnd(startIso: string, timeZone: string): string {
  const start = Date.parse(startIso);
  return new Date(start + Math.max(1, Math.min(BLOCK_MS, msUntilLocalMidnight(timeZone, start)))).toISOString();
}

const narrowScreen = () => window.matchMedia('(max-width: 640px)').matches;

export function PostCalendar({ posts, timeZone, onRangeChange, onMove }: {
  posts: Post[];
  timeZone: string;
  onRangeChange(range: VisibleRange): void;
  /** Asks to move the post; rejects with the API's refusal. */
  onMove(post: Post, scheduledAt: string): Promise<void>;
}) {
  const navigate = useNavigate();
  const events = useMemo<EventInput[]>(() => posts.filter((p) => p.scheduledAt).map((p) => {
    const colour = postStatusColour(p.status);
    return {
      id: p.id,
      title: titleOf(p),
      start: p.scheduledAt!,
      end: blockEnd(p.scheduledAt!, timeZone),
      url: `/posts/${p.id}`,
      backgroundColor: colour,
      borderColor: colour,
      textColor: '#ffffff',
      startEditable: isDraggable(p),
      durationEditable: false,
      classNames: [`post-status-${p.status}`],
      extendedProps: { post: p },
    };
  }), [posts, timeZone]);

  return (
    <FullCalendar
      plugins={plugins}
      timeZone={timeZone}
      initialView={narrowScreen() ? 'listWeek' : 'dayGridMonth'}
      headerToolbar={{ left: 'prev,next today', center: 'title', right: 'dayGridMonth,timeGridWeek,listWeek' }}
      // Text buttons: FullCalendar's chevron icons are role="img" without a name (axe: role-img-alt).
      buttonIcons={false}
      buttonText={{ prev: 'Previous', next: 'Next', today: 'Today', month: 'Month', week: 'Week', list: 'List' }}
      height="auto"
      allDaySlot={false}
      eventMinHeight={22}
      slotEventOverlap={false}
      displayEventEnd={false}
      eventDisplay="block"
      editable={false}
      eventStartEditable
      eventDurationEditable={false}
      nowIndicator
      events={events}
      eventContent={(arg) => <CalendarEventContent arg={arg} />}
      dayCellDidMount={(info: DayCellMountArg) => {
        // A day cell is labelled by its date alone, yet shows its posts too: axe (label-content-name-mismatch) wants
        // the visible text in the name. Unlabelled, the cell is named by what it shows, date first.
        if (info.el.getAttribute('role') === 'gridcell') info.el.removeAttribute('aria-labelledby');
        markNavLinks(info.el);
      }}
      dayHeaderDidMount={(info: DayHeaderMountArg) => markNavLinks(info.el)}
      eventDidMount={(info: EventMountArg) => {
        info.el.setAttribute('data-post-id', info.event.id);
        info.el.setAttribute('data-status', (info.event.extendedProps.post as Post).status);
      }}
      eventClick={(info: EventClickArg) => {
        // The event is a real link (keyboard and middle-click work); a plain click stays inside the app.
        info.jsEvent.preventDefault();
        void navigate(`/posts/${info.event.id}`);
      }}
      dateClick={(info: DateClickArg) => void navigate(`/compose?date=${info.dateStr.slice(0, 10)}`)}
      // Day numbers and week-view headers are links too: the keyboard way to start a post on a day.
      navLinks
      navLinkHint="Write a post for $0"
      navLinkDayClick={(date: Date) => void navigate(`/compose?date=${toLocalInputValue(date.toISOString(), timeZone).slice(0, 10)}`)}
      eventDrop={(info: EventDropArg) => {
        const post = info.event.extendedProps.post as Post;
        if (!info.event.start) { info.revert(); return; }
        onMove(post, info.event.start.toISOString()).catch(() => info.revert());
      }}
      datesSet={(info: DatesSetArg) => onRangeChange({ from: info.start.toISOString(), to: info.end.toISOString() })}
    />
  );
}
