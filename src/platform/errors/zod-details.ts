import type { z } from 'zod';
import type { ErrorDetail } from './app-error.js';
import { AppError } from './app-error.js';

/** Turns zod issues into field/rule/message details (`attributes.2.values`, `too_small`, …). */
export function zodDetails(error: z.ZodError, prefix = ''): ErrorDetail[] {
  return error.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)',
    rule: i.code,
    message: i.message,
  }));
}

/** Parses or throws a 422 naming each failing field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string, prefix = ''): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw AppError.validation(`Invalid ${what}`, zodDetails(r.error, prefix));
  return r.data;
}
