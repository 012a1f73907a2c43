/**
 * Why `send` failed, on top of the handler's own declared error (which passes
 * through unchanged and is never wrapped):
 *
 * - `InvalidRequest`: the argument is not a `Request` instance.
 * - `Aborted`: the signal was aborted before the handler ran.
 * - `NoHandler`: no handler is registered for the request type.
 * - `HandlerResolutionFailed`: the container could not build the handler.
 * - `BehaviorResolutionFailed`: the container could not build a behaviour.
 * - `HandlerFailed`: the handler threw or rejected; `cause` is what it threw.
 * - `BehaviorFailed`: a pipeline behaviour threw or rejected.
 */
export type MediatorError =
  | { readonly kind: 'InvalidRequest'; readonly message: string }
  | { readonly kind: 'Aborted'; readonly requestType: string }
  | { readonly kind: 'NoHandler'; readonly requestType: string }
  | { readonly kind: 'HandlerResolutionFailed'; readonly requestType: string; readonly cause: unknown }
  | {
      readonly kind: 'BehaviorResolutionFailed';
      readonly requestType: string;
      readonly behavior: string;
      readonly cause: unknown;
    }
  | { readonly kind: 'HandlerFailed'; readonly requestType: string; readonly cause: unknown }
  | { readonly kind: 'BehaviorFailed'; readonly requestType: string; readonly behavior: string; readonly cause: unknown };

/** One notification handler's failure: its class name and what went wrong. */
export interface PublishFailure {
  /** The handler's class name. */
  readonly handler: string;
  /** What it threw or rejected with, the error of its Err, or the resolution error. */
  readonly cause: unknown;
}

/**
 * Why `publish` failed:
 *
 * - `InvalidNotification`: the argument is not a `Notification` instance.
 * - `Aborted`: the signal was aborted before any handler ran.
 * - `PublishFailed`: every handler ran; `failures` lists each one that failed.
 */
export type PublishError =
  | { readonly kind: 'InvalidNotification'; readonly message: string }
  | { readonly kind: 'Aborted'; readonly notificationType: string }
  | {
      readonly kind: 'PublishFailed';
      readonly notificationType: string;
      readonly failures: readonly PublishFailure[];
    };
