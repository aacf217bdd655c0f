/**
 * Serves the embedded UI files: gzip when the client takes it, strong ETags with 304s, year-long
 * caching for content-hashed assets and revalidation for pages.
 */
import { Buffer } from 'node:buffer';
import type { EmbeddedAsset } from './embedded-asset.js';
import { UI_SECURITY_HEADERS } from './security-headers.js';

interface Prepared {
  asset: EmbeddedAsset;
  plain: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
}

export class StaticAssets {
  private readonly byPath = new Map<string, Prepared>();

  constructor(assets: readonly EmbeddedAsset[]) {
    const enc = new TextEncoder();
    for (const a of assets) {
      const gz = Buffer.from(a.gzip, 'base64');
      this.byPath.set(a.path, { asset: a, plain: enc.encode(a.body), gzip: new Uint8Array(gz.buffer.slice(gz.byteOffset, gz.byteOffset + gz.byteLength)) });
    }
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  paths(): string[] {
    return [...this.byPath.keys()];
  }

  /** The response for `path`, or undefined when no such file is embedded. */
  respond(path: string, req: Request): Response | undefined {
    const p = this.byPath.get(path);
    if (!p) return undefined;
    const { asset } = p;
    const headers: Record<string, string> = {
      ...UI_SECURITY_HEADERS,
      'Content-Type': asset.type,
      ETag: asset.etag,
      Vary: 'Accept-Encoding',
      'Cache-Control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (etagMatches(req.headers.get('if-none-match'), asset.etag)) return new Response(null, { status: 304, headers });
    const gzip = /\bgzip\b/.test(req.headers.get('accept-encoding') ?? '');
    const body = gzip ? p.gzip : p.plain;
    if (gzip) headers['Content-Encoding'] = 'gzip';
    headers['Content-Length'] = String(body.byteLength);
    return new Response(req.method === 'HEAD' ? null : body, { status: 200, headers });
  }
}

function etagMatches(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === etag || v === `W/${etag}`;
  });
}
