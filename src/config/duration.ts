import { err, ok, type Result } from 'neverthrow';

/** What {@link parseDuration} accepts, for error messages. */
export const ACCEPTED_DURATION_FORMATS =
  'write a number with a unit (250ms, 30s, 5m, 1h, 1d) or a .NET TimeSpan (hh:mm, hh:mm:ss, hh:mm:ss.fff, d.hh:mm, d.hh:mm:ss)';

const MS_PER_SECOND = 1_000;
const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

const MS_PER_UNIT: Readonly<Record<string, number>> = {
  ms: 1,
  s: MS_PER_SECOND,
  m: MS_PER_MINUTE,
  h: MS_PER_HOUR,
  d: MS_PER_DAY,
};

const BARE_NUMBER = /^\d+(?:\.\d+)?$/;
const NUMBER_WITH_UNIT = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/i;
// What .NET's TimeSpan.Parse reads with a colon, [d.]hh:mm[:ss[.fffffff]] (a fraction only after
// seconds): "00:30" is 30 minutes, as in Hangfire's appsettings. Its bare "d" (days) is not taken
// (see parseDuration). The sign it allows is refused before this (durations are positive).
const TIME_SPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/;

/**
 * Parses a duration written as a number with a unit (`"250ms"`, `"30s"`, `"1.5m"`,
 * `"1h"`, `"1d"`; unit in any case, optional space) or as a .NET TimeSpan (`"00:00:30"`,
 * `"00:00:00.250"`, `"1.02:00:00"`, and without seconds `"00:30"` or `"1.02:00"`).
 *
 * @returns the duration in whole milliseconds (rounded), always at least 1; or a
 * sentence saying what is wrong and what is accepted. Bare numbers are refused because
 * the .NET library read them as minutes, so guessing either way would surprise someone
 * (and .NET's TimeSpan.Parse, unlike that library, reads "1" as one day).
 */
export function parseDuration(text: string): Result<number, string> {
  const trimmed = text.trim();
  if (trimmed === '') return err(`a duration cannot be empty; ${ACCEPTED_DURATION_FORMATS}`);
  const notPositive = `a duration must be greater than zero; ${ACCEPTED_DURATION_FORMATS}`;
  if (trimmed.startsWith('-')) return err(notPositive);
  if (BARE_NUMBER.test(trimmed)) {
    if (Number(trimmed) === 0) return err(notPositive);
    return err(
      `a bare number has no unit (the .NET library read a bare number as minutes); ` +
        `write "${trimmed}m" for minutes or "${trimmed}s" for seconds`,
    );
  }
  const ms = toMilliseconds(trimmed);
  if (ms === undefined) return err(`not a duration; ${ACCEPTED_DURATION_FORMATS}`);
  if (typeof ms === 'string') return err(ms);
  if (ms <= 0) return err(notPositive);
  const rounded = Math.round(ms);
  if (rounded < 1) return err(`a duration must be at least 1ms; ${ACCEPTED_DURATION_FORMATS}`);
  if (!Number.isSafeInteger(rounded)) return err('the duration is too long');
  return ok(rounded);
}

// Milliseconds (unrounded), a reason string for a TimeSpan out of range, or undefined
// when the text matches no format.
function toMilliseconds(text: string): number | string | undefined {
  const withUnit = NUMBER_WITH_UNIT.exec(text);
  if (withUnit) {
    const factor = MS_PER_UNIT[(withUnit[2] ?? '').toLowerCase()] ?? Number.NaN;
    return Number(withUnit[1]) * factor;
  }
  const span = TIME_SPAN.exec(text);
  if (!span) return undefined;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = ''] = span;
  // .NET refuses these too (OverflowException), rather than carrying into the next field.
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) {
    return `TimeSpan fields out of range (hours 0-23, minutes 0-59, seconds 0-59); ${ACCEPTED_DURATION_FORMATS}`;
  }
  const fractionMs = fraction === '' ? 0 : Number(`0.${fraction}`) * 1_000;
  return (
    Number(days) * MS_PER_DAY +
    Number(hours) * MS_PER_HOUR +
    Number(minutes) * MS_PER_MINUTE +
    Number(seconds) * MS_PER_SECOND +
    fractionMs
  );
}
