// Every calendar day of an inclusive range, so a chart's axis spaces days evenly (days without data are gaps).
const DAY_MS = 86_400_000;

export function rangeDays(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && days.length <= 366; t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}
