export function createCeilingActivities(onCall: () => void) {
  return {
    async noop(): Promise<void> {
      onCall();
    },
  };
}
