/**
 * What the background worker tells a handler about the job it is running.
 * Absent when the request was sent directly.
 */
export interface JobRunInfo {
  /** The persisted job's id. */
  readonly jobId: string;
  /** 1 on the first run, incremented by each retry. */
  readonly attempt: number;
  /** The queue the job was fetched from. */
  readonly queue: string;
}

/** Passed to every handler and behaviour alongside the request. */
export interface HandlerContext {
  /** Aborted when the caller (or the worker shutting down) cancels the request. */
  readonly signal: AbortSignal;
  /** The request's stable type name (see `requestTypeNameOf`). */
  readonly requestType: string;
  /** Set when a background worker runs the request as a job. */
  readonly job?: JobRunInfo;
}

/** Passed to every notification handler alongside the notification. */
export interface NotificationContext {
  /** Aborted when the publisher cancels. */
  readonly signal: AbortSignal;
  /** The notification's stable type name (see `notificationTypeNameOf`). */
  readonly notificationType: string;
}
