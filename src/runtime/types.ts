/**
 * What the app needs from a runtime. Bun and Node each implement these under src/runtime/<runtime>/;
 * nothing else in src/ imports a runtime-specific module.
 */
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type { UpgradeWebSocket } from 'hono/ws';

export type SqlValue = string | number | bigint | null | Uint8Array;

export interface SqlStatement {
  run(...params: SqlValue[]): { changes: number; lastInsertRowid: number | bigint };
  all<R = Record<string, unknown>>(...params: SqlValue[]): R[];
  get<R = Record<string, unknown>>(...params: SqlValue[]): R | undefined;
}

/** A synchronous SQLite connection (bun:sqlite or better-sqlite3) with its drizzle wrapper. */
export interface SqliteDatabase {
  readonly driver: 'bun:sqlite' | 'better-sqlite3';
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  /** Runs fn in one transaction (BEGIN IMMEDIATE … COMMIT), rolled back if it throws. */
  transaction<T>(fn: () => T): T;
  /** drizzle-orm over the same connection, for queries that read better as a query builder. */
  readonly orm: BaseSQLiteDatabase<'sync', unknown>;
  close(): void;
}

export type OpenSqlite = (path: string) => SqliteDatabase;

/**
 * The outbound side of one stream socket, as the hub sees it. `send` returns false when the runtime
 * dropped the frame or the socket is closed; `buffered` is the bytes queued in the kernel/runtime.
 */
export interface SocketSink {
  /** 'string': text frames are sent from the string (Bun's sendText); 'bytes': from UTF-8 bytes. */
  readonly textMode: 'string' | 'bytes';
  send(data: string | Uint8Array): boolean;
  buffered(): number;
  close(code: number, reason: string): void;
  /** Native topics (Bun): a subscribed socket receives every `Runtime.publish` to the topic. */
  subscribe?(topic: string): void;
  unsubscribe?(topic: string): void;
}

export interface RuntimeServer {
  /** The real port (also when 0 was asked for). */
  port: number;
  /**
   * Stop accepting new connections; resolves once every connection has ended. Existing sockets stay
   * open until closed by the app, or until closeAll().
   */
  stop(): Promise<void>;
  /**
   * Cut every connection still open, mid-request or not (the drain deadline passed). Requests cut off
   * this way never got their response, so nothing they sent was acknowledged.
   */
  closeAll(): void;
}

export interface Runtime {
  name: 'bun' | 'node';
  openSqlite: OpenSqlite;
  upgradeWebSocket: UpgradeWebSocket<unknown>;
  /** Turns the socket handed to WebSocket events (ws.raw) into a SocketSink. */
  sinkOf(raw: unknown): SocketSink;
  /**
   * Sends the same text frame to every socket subscribed to a topic, natively (Bun's publish is
   * ~10× a JavaScript send loop for small frames). Undefined where the runtime has no topics.
   */
  publish?: (topic: string, data: string) => void;
  /** zstd where the runtime has it (Bun), else undefined. */
  zstdCompress?: (data: Uint8Array, level?: number) => Uint8Array;
  serve(opts: { fetch: (req: Request) => Response | Promise<Response>; host: string; port: number; maxPayloadBytes: number }): Promise<RuntimeServer>;
}
