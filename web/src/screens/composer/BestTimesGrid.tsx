// A week's heatmap: a table of 7 weekdays × 24 hours, each cell a button shaded by the engagement rate the API
// answered (the darker, the better; cells without data are blank) and named with its numbers. Arrow keys move
// between cells (one tab stop for the whole grid); Enter or a click picks the slot.
import { useRef, useState, type KeyboardEvent } from 'react';
import type { TimeCell } from '../../api/types';
import { cellName, WEEKDAYS } from './week-time';

const HOURS = Array.from({ length: 24 }, (_, h) => h);

export function BestTimesGrid({ grid, timezone, best, onPick }: {
  grid: readonly TimeCell[];
  timezone: string;
  /** Cells of the top slots ("weekday-hour"), outlined. */
  best: ReadonlySet<string>;
  onPick(cell: TimeCell): void;
}) {
  const cells = new Map(grid.map((c) => [`${c.weekday}-${c.hour}`, c]));
  const rates = grid.flatMap((c) => (c.engagementRate === null ? [] : [c.engagementRate]));
  const low = Math.min(...rates);
  const high = Math.max(...rates);
  const [active, setActive] = useState<[number, number]>(() => {
    const first = [...best][0]?.split('-').map(Number);
    return first && first.length === 2 ? [first[0]!, first[1]!] : [1, 9];
  });
  const table = useRef<HTMLTableElement>(null);

  const shade = (cell: TimeCell | undefined) => {
    if (!cell || cell.engagementRate === null) return undefined;
    // Relative to this grid's range; at least a light tint so a cell with data differs from one without.
    const share = high > low ? (cell.engagementRate - low) / (high - low) : 1;
    return { backgroundColor: `rgba(11, 92, 173, ${(0.12 + 0.88 * share).toFixed(2)})` };
  };

  const move = (e: KeyboardEvent, weekday: number, hour: number) => {
    const steps: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    let next: [number, number] | undefined;
    if (steps[e.key]) next = [Math.min(7, Math.max(1, weekday + steps[e.key]![0])), Math.min(23, Math.max(0, hour + steps[e.key]![1]))];
    else if (e.key === 'Home') next = [weekday, 0];
    else if (e.key === 'End') next = [weekday, 23];
    if (!next) return;
    e.preventDefault();
    setActive(next);
    table.current?.querySelector<HTMLButtonElement>(`[data-cell="${next[0]}-${next[1]}"]`)?.focus();
  };

  return (
    <div className="best-times-scroll">
      <table className="best-times-grid" data-testid="best-times-grid" ref={table}>
        <caption>Engagement by weekday and hour ({timezone.replace(/_/g, ' ')}); choose a cell to schedule then</caption>
        <thead>
          <tr>
            <td />
            {HOURS.map((h) => (
              // Every third hour is labelled on a narrow screen (the others stay for screen readers).
              <th key={h} scope="col" className={h % 3 === 0 ? undefined : 'best-times-minor'}>
                <abbr title={`${String(h).padStart(2, '0')}:00`}>{h}</abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {WEEKDAYS.map((day, d) => (
            <tr key={day}>
              <th scope="row"><abbr title={day}>{day.slice(0, 3)}</abbr></th>
              {HOURS.map((hour) => {
                const weekday = d + 1;
                const key = `${weekday}-${hour}`;
                const cell = cells.get(key) ?? { weekday, hour, engagementRate: null, posts: 0, confidence: 0 };
                const isActive = active[0] === weekday && active[1] === hour;
                return (
                  <td key={hour}>
                    <button
                      type="button" data-cell={key} className={best.has(key) ? 'best-times-cell best' : 'best-times-cell'}
                      style={shade(cell)} aria-label={cellName(cell)} title={cellName(cell)}
                      tabIndex={isActive ? 0 : -1} onFocus={() => setActive([weekday, hour])}
                      onKeyDown={(e) => move(e, weekday, hour)} onClick={() => onPick(cell)}
                    />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted writing-help-meta">Darker cells engaged better; blank cells have no data; outlined cells are the top times.</p>
    </div>
  );
}
