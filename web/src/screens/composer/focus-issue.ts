// Moves focus to the input an issue is shown at, unfolding the account panel it may sit in.
export function focusIssue(id: string | undefined): void {
  if (!id) return;
  const element = document.getElementById(id);
  if (!element) return;
  const panel = element.closest('details');
  if (panel && !panel.open) panel.open = true;
  element.focus();
  element.scrollIntoView({ block: 'center' });
}
