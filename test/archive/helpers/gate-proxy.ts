/**
 * An HTTP proxy in front of s3rver that lets the first `passPuts` object uploads through and then
 * forwards later ones but never answers them: the object lands in the bucket while the uploader
 * still waits, the worst moment for a crash (kill -9) of the uploader.
 */
import { createServer, request, type Server } from 'node:http';

export class GateProxy {
  passed = 0;
  held = 0;
  private server: Server | undefined;
  port = 0;

  constructor(private readonly upstreamPort: number, private readonly passPuts: number) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const isUpload = req.method === 'PUT' && (req.url ?? '').includes('.parquet');
      const hold = isUpload && this.passed >= this.passPuts;
      if (isUpload && !hold) this.passed++;
      const up = request({ host: '127.0.0.1', port: this.upstreamPort, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
        if (hold) {
          this.held++;
          upRes.resume(); // stored upstream; the client never hears back
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server!.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
