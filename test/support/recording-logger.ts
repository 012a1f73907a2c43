import type { LogFields, Logger } from '../../src/logging/logger.js';

/** A logger that keeps what it is told, so tests can assert on it (and that nothing went wrong). */
export class RecordingLogger implements Logger {
  readonly entries: { level: string; message: string; fields?: LogFields | undefined }[] = [];
  private readonly record = (level: string) => (message: string, fields?: LogFields) => void this.entries.push({ level, message, fields });
  trace = this.record('trace');
  debug = this.record('debug');
  info = this.record('info');
  warn = this.record('warn');
  error = this.record('error');
  fatal = this.record('fatal');

  /** The messages logged at `level`. */
  at(level: string): string[] {
    return this.entries.filter((e) => e.level === level).map((e) => e.message);
  }

  /** The messages logged as errors or worse. */
  errors(): string[] {
    return [...this.at('error'), ...this.at('fatal')];
  }
}
