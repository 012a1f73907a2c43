import { readText, textOf } from './read-safely.js';

/** Log levels, least to most severe, as in the seeds' logging section (trace to fatal). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Structured details logged with a message (job id, server, error...). */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * Where the library reports what happens. Plug in pino, winston or your own:
 * any object with these six methods works.
 */
export interface Logger {
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  fatal(message: string, fields?: LogFields): void;
}

/** Default threshold: quiet apart from warnings and errors. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'warn';

/** A logger writing to the console at `minimum` and above; a logger must never throw, so formatting failures are contained. */
export function consoleLogger(minimum: LogLevel = DEFAULT_LOG_LEVEL): Logger {
  const threshold = LOG_LEVELS.indexOf(minimum);
  const write = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    const line = `[mediator-jobs] ${level.toUpperCase()} ${message}`;
    const sink = level === 'trace' || level === 'debug' || level === 'info' ? console.log : console.error;
    if (fields === undefined) sink(line);
    else sink(line, fields);
  };
  return { trace: write('trace'), debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), fatal: write('fatal') };
}

/** A logger that drops everything (tests that assert on their own output). */
export const silentLogger: Logger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop };

function noop(): void {
  // Deliberately discards: this logger's job is silence.
}

/**
 * The logger as the library uses it: a logger that throws (a broken transport,
 * a formatter choking on a field) must not turn a logged failure into a new
 * one, so a throw is caught and the entry goes to the console instead, with
 * what the logger threw. Wrapping twice is harmless.
 */
export function containedLogger(logger: Logger): Logger {
  if (contained.has(logger)) return logger;
  const guard = (level: LogLevel) => (message: string, fields?: LogFields) => {
    try {
      logger[level](message, fields);
    } catch (error) {
      console.error(`[mediator-jobs] ${level.toUpperCase()} ${message} (the configured logger threw: ${describeError(error)})`);
    }
  };
  const wrapped: Logger = { trace: guard('trace'), debug: guard('debug'), info: guard('info'), warn: guard('warn'), error: guard('error'), fatal: guard('fatal') };
  contained.add(wrapped);
  return wrapped;
}

const contained = new WeakSet<Logger>();

/** The message of anything thrown or returned as an error, for log lines. Never throws, whatever its getters do. */
export function describeError(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const message = readText(error, 'message');
    if (message !== undefined) return message;
  }
  return textOf(error);
}
