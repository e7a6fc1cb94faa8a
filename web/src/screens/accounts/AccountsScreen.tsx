// Placeholder until the screen is built (issue 11).
export function AccountsScreen() {
  return <h1>Accounts</h1>;
}
