import type { IPublisher } from './publisher.js';
import type { ISender } from './sender.js';

/** Sends requests and publishes notifications (MediatR's IMediator). */
export interface IMediator extends ISender, IPublisher {}
