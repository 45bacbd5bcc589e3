import pino, { type Logger } from 'pino';
import { REDACTED_PATHS } from '../../webhook-server/src/logger';

export interface CapturedLogs {
  logger: Logger;
  /** Every line written so far, parsed. */
  lines: Array<{ level: number; msg?: string; [key: string]: unknown }>;
  /** The lines at error level or above. */
  errors(): CapturedLogs['lines'];
}

/** A logger like the server's (same redaction) that keeps its lines in memory for assertions. */
export function captureLogs(): CapturedLogs {
  const lines: CapturedLogs['lines'] = [];
  const logger = pino(
    { level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    { write: (line: string) => void lines.push(JSON.parse(line)) },
  );
  return { logger, lines, errors: () => lines.filter((line) => line.level >= 50) };
}
