import type { RequestHandler } from 'express';
import { badRequest } from '../../domain/errors';

const ALLOWED_CONTROLS = new Set(['\t', '\n', '\r']);

/** C0 controls but tab, newline and carriage return, and DEL: PostgreSQL text refuses NUL outright. */
function hasControlCharacter(text: string): boolean {
  for (const char of text) {
    const code = char.charCodeAt(0);
    if ((code < 0x20 && !ALLOWED_CONTROLS.has(char)) || code === 0x7f) return true;
  }
  return false;
}

/** A form field with control characters is refused (400) before any route reads it. */
export const refuseControlCharacters: RequestHandler = (req, _res, next) => {
  const body: Record<string, unknown> = req.body ?? {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string' && hasControlCharacter(value))
      throw badRequest(`The ${name} field must not contain control characters. Remove them and try again.`, [
        { field: name, message: 'must not contain control characters' },
      ]);
  }
  next();
};
