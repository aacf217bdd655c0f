/** One file of the web UI embedded in the build (see scripts/embed-assets.ts). */
export interface EmbeddedAsset {
  /** URL path it is served at, e.g. `/` or `/assets/dashboard-1a2b3c4d5e.js`. */
  path: string;
  type: string;
  /** Strong ETag of the content. */
  etag: string;
  body: string;
  /** The same content gzipped, base64. */
  gzip: string;
  /** Content-hashed names never change content: cache them for a year. */
  immutable: boolean;
}
