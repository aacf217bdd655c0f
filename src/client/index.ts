/** auren-realtime/client: send events to an Auren server and follow its live stream. */
export { createClient, type AurenClient, type ClientOptions, type ClientStats } from './client.js';
export type { ClientError } from './batch-sender.js';
export type { SubscribeOptions, Subscription, WebSocketLike } from './subscriber.js';
export { tierOf } from './tier.js';
export { uuidv7 } from './uuid.js';
export type * from './types.js';
