// Placeholder until the screen is built (issue 11).
export function CalendarScreen() {
  return <h1>Calendar</h1>;
}
