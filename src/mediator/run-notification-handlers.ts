import type { NotificationContext } from './handler-context.js';
import type { PublishFailure } from './mediator-error.js';
import type { Notification } from './notification.js';
import type { NotificationHandler } from './notification-handler.js';
import { resolveProvider } from './provider.js';
import type { Provider } from './provider.js';
import type { ServiceResolver } from './service-resolver.js';
import { toResultAsync } from './to-result-async.js';

/**
 * Runs every handler and collects the failures (resolution error, throw,
 * rejection or Err). Never rejects: each step is wrapped, so one handler's
 * failure cannot stop the others. @internal
 */
export async function runNotificationHandlers(
  notification: Notification,
  context: NotificationContext,
  providers: readonly Provider<NotificationHandler<Notification>>[],
  resolver: ServiceResolver,
  parallel: boolean,
): Promise<PublishFailure[]> {
  const runOne = (provider: Provider<NotificationHandler<Notification>>): Promise<PublishFailure | undefined> =>
    resolveProvider(provider, resolver)
      .asyncAndThen((handler) => toResultAsync(() => handler.handle(notification, context), (cause) => cause))
      .match(
        () => undefined,
        (cause) => ({ handler: provider.name, cause }),
      );
  const outcomes: (PublishFailure | undefined)[] = [];
  if (parallel) {
    // map() starts every handler before the first await: they run concurrently.
    outcomes.push(...(await Promise.all(providers.map(runOne))));
  } else {
    for (const provider of providers) outcomes.push(await runOne(provider));
  }
  return outcomes.filter((outcome) => outcome !== undefined);
}
