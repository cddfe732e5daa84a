import { z } from 'zod';
import { ApiError, type ApiErrorBody, type ApiErrorStatus } from '../api/contract.ts';

interface ErrorReply {
  status: ApiErrorStatus;
  body: ApiErrorBody;
}

/** Maps anything a handler throws to a JSON error: engine `ApiError`s keep their status, bad requests are 400. */
export function errorReply(error: unknown): ErrorReply {
  if (error instanceof ApiError) {
    const body: ApiErrorBody = { error: error.message };
    if (error.errors) body.errors = error.errors;
    return { status: error.status, body };
  }
  if (error instanceof z.ZodError) return { status: 400, body: { error: describeIssues(error) } };
  return { status: 500, body: { error: error instanceof Error ? error.message : String(error) } };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
