// chart.js is tree-shaken: register only what the Stats line charts draw.
import { CategoryScale, Chart, Legend, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(CategoryScale, LinearScale, PointElement, LineElement, Tooltip, Legend);

/** Distinct series colours, each readable on white (3:1 or more, for lines and points). */
export const SERIES_COLORS = ['#0b5cad', '#b42318', '#1a7f37', '#8a5a00', '#6f42c1', '#0a7b83', '#c2410c', '#475569'];

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length]!;
}
