// Public API of the mediator: requests, handlers, behaviours, send/publish, errors.
export { Request } from './request.js';
export type { AnyRequest, ErrorOf, RequestClass, ResponseOf } from './request.js';
export { requestTypeNameOf } from './request-type-name.js';
export { displayNameOf } from './display-name.js';
export { Notification, notificationTypeNameOf } from './notification.js';
export type { NotificationClass } from './notification.js';
export type { HandlerContext, JobRunInfo, NotificationContext } from './handler-context.js';
export type { SendOptions } from './send-options.js';
export type { HandlerResult } from './handler-result.js';
export type { RequestHandler, RequestHandlerClass } from './request-handler.js';
export type { NotificationHandler, NotificationHandlerClass } from './notification-handler.js';
export { handles, handlesNotification } from './handles.js';
export type {
  BehaviorFunction,
  BehaviorLike,
  Next,
  PipelineBehavior,
  PipelineBehaviorClass,
} from './pipeline-behavior.js';
export { preProcessor } from './pre-processor.js';
export { postProcessor } from './post-processor.js';
export { exceptionHandler } from './exception-handler.js';
export { MediatorRegistry } from './mediator-registry.js';
export type { BehaviorOptions } from './mediator-registry.js';
export { constructingResolver } from './service-resolver.js';
export type { ServiceResolver } from './service-resolver.js';
export type { ISender } from './sender.js';
export type { IPublisher, PublishOptions } from './publisher.js';
export type { IMediator } from './mediator-interface.js';
export { Mediator } from './mediator.js';
export type { MediatorError, PublishError, PublishFailure } from './mediator-error.js';
export type { RegistrationError } from './registration-error.js';
export { formatMediatorError } from './format-mediator-error.js';
