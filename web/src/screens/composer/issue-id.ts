// A writing-help panel's input and the API's 400 about it: the id of the message shown under the input.
import { ApiError } from '../../api/client';

/** The id of a panel input's message when the API named that input (for aria-describedby), else undefined. */
export function issueIdFor(error: unknown, field: string, id: string): string | undefined {
  return error instanceof ApiError && error.issueFor(field) ? id : undefined;
}
