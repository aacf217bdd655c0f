/**
 * The encoder thread's side: opens its own connection to the store (WAL lets it read while the
 * event loop writes; query_only keeps it a reader), reads each requested segment, encodes it and
 * transfers the Parquet bytes back. Started by src/runtime/<runtime>/archive-worker.ts, which
 * passes its SQLite driver and, on Bun, zstd.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { StoredEvent } from '../../core/event.js';
import { lowerThreadPriority } from '../../runtime/thread-priority.js';
import type { OpenSqlite, SqliteDatabase, SqlStatement } from '../../runtime/types.js';
import { rowToEvent } from '../../store/sqlite/sqlite-event-log.js';
import { codecOf, type ZstdCompress } from '../compression.js';
import { atLevel, encodeSegment } from '../segment-encoder.js';
import { readSegment } from '../segment.js';
import type { EncodeReply, EncodeRequest, EncoderSetup } from './protocol.js';

export interface EncoderThreadRuntime {
  openSqlite: OpenSqlite;
  zstdCompress?: ZstdCompress;
}

export function serveArchiveEncoder(rt: EncoderThreadRuntime): void {
  const port = parentPort;
  if (!port) throw new Error('the archive encoder runs in a worker thread');
  const setup = workerData as EncoderSetup;
  // Encoding can wait; the event loop cannot (see thread-priority.ts).
  lowerThreadPriority();
  const codec = codecOf(setup.codec, rt.zstdCompress);
  let db: SqliteDatabase | undefined;
  let page: SqlStatement | undefined;
  const log = {
    async read(afterSeq: number, limit: number): Promise<StoredEvent[]> {
      if (!page) {
        db = rt.openSqlite(setup.dbPath);
        db.exec('PRAGMA query_only = ON; PRAGMA busy_timeout = 5000');
        // rowToEvent takes the columns by name: the same rows the event log's own read returns.
        page = db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
      }
      return page.all<Parameters<typeof rowToEvent>[0]>(afterSeq, limit).map(rowToEvent);
    },
  };

  // One request at a time: the archiver has at most one flush in flight.
  let queue = Promise.resolve();
  port.on('message', (req: EncodeRequest) => {
    queue = queue.then(() => handle(req));
  });
  port.on('close', () => db?.close());

  async function handle(req: EncodeRequest): Promise<void> {
    let reply: EncodeReply;
    const transfer: ArrayBuffer[] = [];
    try {
      const s = await readSegment(log, req.from, req.limit);
      const segment = await encodeSegment(s, req.writer, atLevel(codec, req.level), new Set(req.skip));
      for (const o of segment.objects) {
        // The writer's buffer is larger than the file: hand over exactly the file's bytes.
        if (o.body.byteOffset !== 0 || o.body.byteLength !== o.body.buffer.byteLength) o.body = o.body.slice();
        transfer.push(o.body.buffer as ArrayBuffer);
      }
      reply = { id: req.id, ok: true, segment };
    } catch (err) {
      reply = { id: req.id, ok: false, error: (err as Error).message ?? String(err) };
    }
    port!.postMessage(reply, transfer);
  }
}
