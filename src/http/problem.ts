import { STATUS_CODES } from 'node:http';
import type { ErrorCode, FieldError } from './errors.js';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export function problem(
  status: number,
  code: ErrorCode,
  detail: string,
  errors?: FieldError[],
  instance?: string,
): ProblemBody {
  return {
    type: `urn:photogram:problem:${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(instance ? { instance } : {}),
    ...(errors ? { errors } : {}),
  };
}
