// Instants shown as wall-clock time in a named zone (the post's, or the user's), with the zone's short name.
export function formatInZone(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  try {
    // Field by field: dateStyle/timeStyle refuse to be combined with timeZoneName.
    return new Intl.DateTimeFormat(undefined, {
      year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short',
    }).format(new Date(iso));
  } catch {
    // An unknown zone name (should not happen: the API checks zones) still shows the instant, said in UTC.
    return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  }
}

/** The instant as the `YYYY-MM-DDTHH:mm` a datetime-local input takes, read on the wall clock of timeZone. */
export function toLocalInputValue(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}
