import type pg from 'pg';
import type { NotificationListener, Unsubscribe } from '../database.js';

/** First delay before reconnecting a lost listening connection. */
export const LISTENER_RECONNECT_MIN_DELAY_MS = 100;
/** Longest delay between reconnect attempts. */
export const LISTENER_RECONNECT_MAX_DELAY_MS = 5_000;

interface Subscription {
  readonly listener: NotificationListener;
  readonly onReconnect: (() => void) | undefined;
}

/** A channel's subscribers and its LISTEN, which every one of them waits for. */
interface Channel {
  readonly subscribers: Set<Subscription>;
  readonly listening: Promise<void>;
}

/**
 * One LISTEN connection per process, shared by every subscriber (workers,
 * enqueueAwait callers, the dashboard). When the connection drops it is
 * re-established with backoff and every subscriber is told to catch up by
 * polling, since notifications sent meanwhile are lost.
 */
export class PgListener {
  private client: pg.PoolClient | undefined;
  private connecting: Promise<pg.PoolClient> | undefined;
  private readonly channels = new Map<string, Channel>();
  private closed = false;
  private reconnectDelayMs = LISTENER_RECONNECT_MIN_DELAY_MS;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connect: () => Promise<pg.PoolClient>,
    private readonly warn: (message: string, cause: unknown) => void,
  ) {}

  async subscribe(channel: string, listener: NotificationListener, onReconnect?: () => void): Promise<Unsubscribe> {
    const subscription: Subscription = { listener, onReconnect };
    let entry = this.channels.get(channel);
    const isNewChannel = entry === undefined;
    if (entry === undefined) {
      entry = { subscribers: new Set(), listening: this.listenOn(channel) };
      this.channels.set(channel, entry);
    }
    const subscribers = entry.subscribers;
    subscribers.add(subscription);
    try {
      // Everyone on a channel waits for its LISTEN: one arriving while it is on its way is not listening yet.
      await entry.listening;
    } catch (error) {
      // The caller gets no subscription, so none may stay behind; and the channel goes with its failed LISTEN
      // (every subscriber waiting on it gets this error), or every later subscriber would join it without
      // LISTEN and hear nothing, for good.
      subscribers.delete(subscription);
      if (this.channels.get(channel) === entry) this.channels.delete(channel);
      throw error;
    }
    if (!isNewChannel) {
      try {
        await this.ensureConnected();
      } catch (error) {
        subscribers.delete(subscription);
        throw error;
      }
    }
    return async () => {
      subscribers.delete(subscription);
      if (subscribers.size > 0 || this.channels.get(channel) !== entry) return;
      this.channels.delete(channel);
      if (this.client !== undefined) await this.client.query(`UNLISTEN ${quoteChannel(channel)}`).catch((e: unknown) => this.warn('UNLISTEN failed', e));
      if (this.channels.size === 0) this.stopListening();
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.channels.clear();
    await this.connecting?.catch(() => undefined);
    this.releaseClient();
  }

  private async listenOn(channel: string): Promise<void> {
    const client = await this.ensureConnected();
    await client.query(`LISTEN ${quoteChannel(channel)}`);
  }

  private ensureConnected(): Promise<pg.PoolClient> {
    if (this.client !== undefined) return Promise.resolve(this.client);
    this.connecting ??= this.openClient().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async openClient(): Promise<pg.PoolClient> {
    const client = await this.connect();
    client.on('notification', (message) => {
      const entry = this.channels.get(message.channel);
      if (entry === undefined) return;
      for (const { listener } of entry.subscribers) listener(message.payload ?? '');
    });
    client.on('error', (error) => this.handleLostConnection(client, error));
    client.on('end', () => this.handleLostConnection(client, new Error('listening connection ended')));
    this.client = client;
    return client;
  }

  private handleLostConnection(client: pg.PoolClient, cause: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.release(true);
    if (this.closed || this.channels.size === 0) return;
    this.warn('listening connection lost; reconnecting', cause);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.reconnect(), this.reconnectDelayMs);
    this.reconnectTimer.unref();
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, LISTENER_RECONNECT_MAX_DELAY_MS);
  }

  private async reconnect(): Promise<void> {
    if (this.closed || this.channels.size === 0) return;
    try {
      const client = await this.ensureConnected();
      // Everyone left while it connected: there is nothing to listen for (the next subscribe connects again).
      if (this.channels.size === 0) {
        this.stopListening();
        return;
      }
      for (const channel of this.channels.keys()) await client.query(`LISTEN ${quoteChannel(channel)}`);
      this.reconnectDelayMs = LISTENER_RECONNECT_MIN_DELAY_MS;
      for (const { subscribers } of this.channels.values()) for (const { onReconnect } of subscribers) onReconnect?.();
    } catch (error) {
      this.warn('reconnecting the listening connection failed', error);
      if (this.client !== undefined) this.handleLostConnection(this.client, error);
      else this.scheduleReconnect();
    }
  }

  /**
   * The last subscriber left: the connection goes back, and a reconnect still
   * pending after a loss is called off. Otherwise that reconnect took a pool
   * connection that nobody listened on, and held it until the storage closed.
   */
  private stopListening(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectDelayMs = LISTENER_RECONNECT_MIN_DELAY_MS;
    this.releaseClient();
  }

  private releaseClient(): void {
    const client = this.client;
    this.client = undefined;
    client?.removeAllListeners('notification');
    client?.release(true);
  }
}

/** Channel names come from our own validated schema name; quoting keeps LISTEN safe regardless. */
function quoteChannel(channel: string): string {
  return `"${channel.replaceAll('"', '""')}"`;
}
