// One writing-help request on demand (generate, check, best times): the latest answer or error, and whether it runs.
// A new run aborts the one before it, and leaving the composer aborts the one in flight.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';

export interface WritingHelpRequest<Body, Answer> {
  answer: Answer | undefined;
  error: unknown;
  running: boolean;
  run(body: Body): void;
}

export function useWritingHelpRequest<Body, Answer>(path: string): WritingHelpRequest<Body, Answer> {
  const [state, setState] = useState<{ answer: Answer | undefined; error: unknown; running: boolean }>({
    answer: undefined, error: undefined, running: false,
  });
  const inFlight = useRef<AbortController | null>(null);
  useEffect(() => () => inFlight.current?.abort(), []);

  const run = useCallback((body: Body) => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setState((s) => ({ ...s, error: undefined, running: true }));
    api<Answer>(path, { method: 'POST', body, signal: controller.signal })
      .then((answer) => { if (!controller.signal.aborted) setState({ answer, error: undefined, running: false }); })
      // A failed run clears the answer before it: what is shown always belongs to the last request.
      .catch((error: unknown) => { if (!controller.signal.aborted) setState({ answer: undefined, error, running: false }); });
  }, [path]);

  return { ...state, run };
}
