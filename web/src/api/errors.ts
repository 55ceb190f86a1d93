import type { Problem } from './types';

/** A failed API call, carrying the server's RFC 9457 problem so screens show its own words. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'ApiError';
  }
  get status(): number {
    return this.problem.status;
  }
  /** The message for one form field named in `errors[]` (field names may come as `/bio` or `body.bio`). */
  fieldMessage(field: string): string | undefined {
    return this.problem.errors?.find((e) => e.field.replace(/^(body\.|\/)/, '') === field)?.message;
  }
}

export function toProblem(body: unknown, status: number): Problem {
  if (body && typeof body === 'object' && 'detail' in body) return body as Problem;
  return {
    type: 'about:blank',
    title: status === 0 ? 'Network error' : 'Unexpected answer',
    code: status === 0 ? 'network_error' : 'unexpected_answer',
    status,
    detail:
      status === 0
        ? 'The server could not be reached. Check your connection and try again.'
        : `The server answered ${status}.`,
  };
}

/** The words to show for any error: the server's detail when it sent one. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail;
  if (error instanceof Error) return error.message;
  return String(error);
}
