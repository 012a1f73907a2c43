import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { err, ok, type Result } from 'neverthrow';
import type { JobError } from '../jobs/job-error.js';
import { textForMessage } from '../storage/input-validation.js';
import type { MisfirePolicy } from '../storage/recurring-types.js';

/**
 * Cron arithmetic for recurring jobs: pure functions of their arguments (no
 * clock is read here), so the scheduler and the tests decide what "now" is.
 */

/** Longest cron expression accepted, in characters. */
export const MAX_CRON_LENGTH = 200;

/**
 * How late a tick of an `ignorable` definition may be and still fire, in ms.
 * One minute: a scheduler polling every second is never this late unless no
 * server was running.
 */
export const IGNORABLE_MISFIRE_GRACE_MS = 60_000;

/**
 * Most missed ticks a `strict` definition fires in one pass. The rest stay
 * due (the definition's next execution is the first tick not yet fired), so
 * the following passes continue the catch-up: nothing is dropped, and no
 * transaction creates more than this many jobs for one definition.
 */
export const MAX_STRICT_TICKS_PER_PASS = 1000;

/** A recurring schedule: a checked cron expression in a checked time zone. */
export interface CronSchedule {
  /** The expression with its fields separated by single spaces. */
  readonly cron: string;
  readonly timeZone: string;
}

/** What a pass does for one due definition. */
export interface TickPlan {
  /** The ticks to run now, oldest first (empty when none is due, or an `ignorable` tick is too late). */
  readonly fireAt: Date[];
  /**
   * The next tick to wait for: the first occurrence strictly after `now`, or,
   * when a `strict` catch-up was capped, the first missed tick not yet fired
   * (still due). `undefined` when the expression never fires again.
   */
  readonly nextExecutionAt: Date | undefined;
}

/**
 * Checks a cron expression: 5 fields (minute precision: minute hour
 * day-of-month month day-of-week), 6 fields (a leading seconds field), or one
 * of cron-parser's macros (`@hourly`, `@daily`, `@weekly`, `@monthly`,
 * `@yearly`...). Refused as `InvalidCron`: anything empty, longer than
 * {@link MAX_CRON_LENGTH}, with another number of fields, with values out of
 * range, or with `H` (a hashed random value would differ between servers).
 * Returns the expression with its fields separated by single spaces.
 */
export function checkCron(cron: unknown): Result<string, JobError> {
  const text = textForMessage(cron);
  const refuse = (why: string) => err<never, JobError>({ kind: 'InvalidCron', cron: text.slice(0, MAX_CRON_LENGTH), message: `Cron expression ${JSON.stringify(text.slice(0, 80))} is refused: ${why}.` });
  if (typeof cron !== 'string') return refuse('it is not a string');
  if (cron.length > MAX_CRON_LENGTH) return refuse(`it is longer than ${MAX_CRON_LENGTH} characters`);
  const fields = cron.trim().split(/\s+/).filter((field) => field !== '');
  if (fields.length === 0) return refuse('it is empty');
  const isMacro = fields.length === 1 && fields[0]!.startsWith('@');
  if (!isMacro && fields.length !== 5 && fields.length !== 6) {
    return refuse(`it has ${fields.length} field(s); use 5 (minute hour day-of-month month day-of-week) or 6 (a seconds field first)`);
  }
  // H only at the start of a value (`H`, `H(0-5)`, `1,H/5`), not inside a day name such as THU.
  if (!isMacro && fields.some((field) => /(^|[,(/-])h/i.test(field))) return refuse('H (a hashed random value) is not supported, since every server must compute the same ticks');
  const normalised = fields.join(' ');
  try {
    CronExpressionParser.parse(normalised, { currentDate: new Date(0), tz: 'UTC' });
  } catch (error) {
    return refuse(error instanceof Error ? error.message : String(error));
  }
  return ok(normalised);
}

/**
 * Checks an IANA time zone name (`UTC`, `Europe/Paris`, `America/New_York`)
 * against the runtime's time zone data. Refused as `InvalidTimeZone`:
 * unknown zones, offsets such as `+02:00`, empty strings.
 */
export function checkTimeZone(timeZone: unknown): Result<string, JobError> {
  const text = textForMessage(timeZone);
  const refuse = (why: string) => err<never, JobError>({ kind: 'InvalidTimeZone', timeZone: text.slice(0, 100), message: `Time zone ${JSON.stringify(text.slice(0, 80))} is refused: ${why}.` });
  if (typeof timeZone !== 'string' || timeZone.trim() === '') return refuse('use an IANA time zone name such as "UTC" or "Europe/Paris"');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return refuse('it is not an IANA time zone this runtime knows (use a name such as "Europe/Paris", not an offset)');
  }
  // cron-parser computes in the zone through its own date library: make sure it agrees.
  if (parse('0 0 * * *', timeZone, new Date(0)) === undefined) return refuse('the cron library cannot compute in it');
  return ok(timeZone);
}

/** Checks both halves of a schedule; the cron error comes first when both are wrong. */
export function checkSchedule(cron: unknown, timeZone: unknown): Result<CronSchedule, JobError> {
  return checkCron(cron).andThen((checkedCron) => checkTimeZone(timeZone).map((checkedZone) => ({ cron: checkedCron, timeZone: checkedZone })));
}

/**
 * The first occurrence strictly after `after`, in `timeZone`; `undefined`
 * when there is none or the expression or zone is invalid (check them first).
 * A wall-clock time skipped by a DST change runs shifted forward by the gap
 * (02:30 on a day Paris jumps from 02:00 to 03:00 runs at 03:30); a fixed
 * time repeated by a DST change runs once, while a step expression (every
 * 30 minutes) fires in both copies of the repeated hour, as in Hangfire.
 * Where cron-parser fails (it throws, or returns a time not after `after`,
 * for hours around Australia/Lord_Howe's 30-minute DST change), the tick is
 * found by checking the fields minute by minute past the failing stretch, so
 * `undefined` never stands for a computation that merely failed nearby.
 */
export function nextOccurrence(cron: string, timeZone: string, after: Date): Date | undefined {
  const expression = parse(cron, timeZone, after);
  if (expression === undefined) return undefined;
  const next = step(expression, 'next');
  if (next !== undefined && next.getTime() > after.getTime()) return next;
  // cron-parser threw, or went backwards: it does both for hours around a DST change of 30 minutes (Australia/Lord_Howe).
  return nextPastFailure(cron, timeZone, expression, after);
}

/**
 * Whether `instant` is a tick of the schedule, as {@link nextOccurrence}
 * counts them. Ticks are whole seconds, so usually the occurrence after the
 * millisecond before is the instant itself; but the tick a DST gap shifts
 * (02:30 run at 03:30) is only reached from before the gap, and
 * {@link latestOccurrence} finds that one. False when neither can place it,
 * or the expression or zone is invalid.
 */
export function isOccurrence(cron: string, timeZone: string, instant: Date): boolean {
  const at = instant.getTime();
  return nextOccurrence(cron, timeZone, new Date(at - 1))?.getTime() === at || latestOccurrence(cron, timeZone, instant)?.getTime() === at;
}

/** How far {@link nextOccurrence} looks for a tick when cron-parser fails, in ms. */
const FALLBACK_HORIZON_MS = 2 * 24 * 60 * 60 * 1000;

/** The stretch checked instant by instant before cron-parser is tried again, in ms: longer than the hours it fails around a DST change. */
const FALLBACK_CHUNK_MS = 6 * 60 * 60 * 1000;

/**
 * The first occurrence strictly after `after` when cron-parser cannot compute
 * it there: every minute (every listed second, for a 6-field expression) is
 * checked against the fields, a stretch at a time, and cron-parser is tried
 * again from the end of each stretch (one try per stretch: a failing try is
 * slow). A wall-clock time skipped by a DST change is not shifted here, as it
 * cannot match. `undefined` when nothing is found within
 * {@link FALLBACK_HORIZON_MS}.
 */
function nextPastFailure(cron: string, timeZone: string, expression: CronExpression, after: Date): Date | undefined {
  const seconds = [...expression.fields.second.values].sort((a, b) => a - b);
  const firstMinute = Math.floor(after.getTime() / 60_000) * 60_000;
  for (let chunkStart = firstMinute; chunkStart < after.getTime() + FALLBACK_HORIZON_MS; chunkStart += FALLBACK_CHUNK_MS) {
    const chunkEnd = chunkStart + FALLBACK_CHUNK_MS;
    for (let minute = chunkStart; minute < chunkEnd; minute += 60_000) {
      for (const second of seconds) {
        const candidate = new Date(minute + second * 1000);
        if (candidate.getTime() > after.getTime() && expression.includesDate(candidate)) return candidate;
      }
    }
    const retry = parse(cron, timeZone, new Date(chunkEnd - 1));
    const next = retry === undefined ? undefined : step(retry, 'next');
    if (next !== undefined && next.getTime() >= chunkEnd) return next;
  }
  return undefined;
}

/**
 * How far before a tick a DST change must be for cron-parser's prev() to be
 * trusted there, in ms: more than the longest skipped or repeated stretch
 * (2 hours, in Antarctica/Troll).
 */
const DST_MARGIN_MS = 3 * 60 * 60 * 1000;

/**
 * The latest occurrence at or before `atOrBefore`, as {@link nextOccurrence}
 * counts them; `undefined` when there is none. Around a DST change
 * cron-parser's prev() disagrees with next(): it skips the tick a skipped
 * wall-clock time is shifted to (it returned the day before), and returns the
 * second copy of a repeated time that next() never fires. So prev() only
 * finds a starting tick away from any change, and next() walks from it.
 */
export function latestOccurrence(cron: string, timeZone: string, atOrBefore: Date): Date | undefined {
  let start = previousTick(cron, timeZone, atOrBefore);
  // A DST change shortly before: the tick may be one next() never fires; start from a tick before the change.
  if (start !== undefined && utcOffset(timeZone, new Date(start.getTime() - DST_MARGIN_MS)) !== utcOffset(timeZone, start)) {
    start = previousTick(cron, timeZone, new Date(start.getTime() - DST_MARGIN_MS));
  }
  let latest = start;
  // Usually one step; more only for the ticks prev() skipped, or those after the change (at most the margin's worth).
  // Each step parses afresh, as nextOccurrence does: one iterated expression keeps DST state and can differ.
  for (let tick = latest && nextOccurrence(cron, timeZone, latest); tick !== undefined && tick.getTime() <= atOrBefore.getTime(); tick = nextOccurrence(cron, timeZone, tick)) latest = tick;
  return latest;
}

/** cron-parser's prev() at or before `atOrBefore` (it is strictly before its current date, hence the extra ms). */
function previousTick(cron: string, timeZone: string, atOrBefore: Date): Date | undefined {
  const expression = parse(cron, timeZone, new Date(atOrBefore.getTime() + 1));
  return expression === undefined ? undefined : step(expression, 'prev');
}

/** The zone's UTC offset at `at`, as the runtime names it ("GMT+02:00"). */
function utcOffset(timeZone: string, at: Date): string | undefined {
  return new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at).find((part) => part.type === 'timeZoneName')?.value;
}

/** The signature of {@link nextOccurrence}, which {@link planTicks} steps with (a test may give another). */
export type NextOccurrence = (cron: string, timeZone: string, after: Date) => Date | undefined;

/**
 * Plans one pass for a definition whose stored `nextExecutionAt` is the
 * first tick it has not fired. Ticks at or before `now` are due:
 *
 * - `relaxed`: ONE run for all the missed ticks, for the latest of them (the
 *   occurrence the run stands for is the most recent one, so a job that reads
 *   "the last hour" reads the right hour).
 * - `strict`: one run per missed tick, oldest first, at most
 *   {@link MAX_STRICT_TICKS_PER_PASS} per pass; the rest stay due for the next
 *   pass, so none is ever dropped.
 * - `ignorable`: one run for the latest due tick if it is at most
 *   {@link IGNORABLE_MISFIRE_GRACE_MS} old; older ticks (no server was
 *   running) are skipped.
 *
 * Apart from a capped strict catch-up, `nextExecutionAt` is the first
 * occurrence strictly after `now`, so a pass never leaves a tick due.
 */
export function planTicks(
  definition: { readonly cron: string; readonly timeZone: string; readonly nextExecutionAt: Date | undefined },
  now: Date,
  policy: MisfirePolicy,
  next: NextOccurrence = nextOccurrence,
): TickPlan {
  const { cron, timeZone, nextExecutionAt: first } = definition;
  if (first === undefined || first.getTime() > now.getTime()) return { fireAt: [], nextExecutionAt: first };
  const following = next(cron, timeZone, now);
  if (policy === 'strict') {
    const fireAt = [first];
    // Each tick from a fresh nextOccurrence, as relaxed and ignorable count them: one iterated cron-parser
    // expression keeps DST state and yields other ticks (every 10 minutes of a skipped hour, not just its 03:00).
    let tick = next(cron, timeZone, first);
    while (tick !== undefined && tick.getTime() <= now.getTime()) {
      if (fireAt.length === MAX_STRICT_TICKS_PER_PASS) return { fireAt, nextExecutionAt: tick };
      fireAt.push(tick);
      tick = next(cron, timeZone, tick);
    }
    return { fireAt, nextExecutionAt: following };
  }
  // The stored tick may lie off the grid (the cron was edited by hand); it still counts as due.
  const onGrid = latestOccurrence(cron, timeZone, now);
  const latest = onGrid !== undefined && onGrid.getTime() > first.getTime() ? onGrid : first;
  if (policy === 'ignorable' && now.getTime() - latest.getTime() > IGNORABLE_MISFIRE_GRACE_MS) return { fireAt: [], nextExecutionAt: following };
  return { fireAt: [latest], nextExecutionAt: following };
}

function parse(cron: string, timeZone: string, currentDate: Date): CronExpression | undefined {
  try {
    return CronExpressionParser.parse(cron, { currentDate, tz: timeZone });
  } catch {
    // An invalid expression or zone: callers check both first and treat undefined as "never".
    return undefined;
  }
}

function step(expression: CronExpression, direction: 'next' | 'prev'): Date | undefined {
  try {
    return (direction === 'next' ? expression.next() : expression.prev()).toDate();
  } catch {
    // cron-parser throws when the iteration runs out of range: there is no such occurrence.
    return undefined;
  }
}
