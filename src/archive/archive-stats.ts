/** What the archiver has done, read by metrics, /readyz and logs. */

export class ArchiveStats {
  uploadsOk = 0;
  uploadsFailed = 0;
  bytesUploaded = 0;
  eventsArchived = 0;
  segmentsDone = 0;
  /** Segments encoded at the catch-up level because the archive was behind. */
  catchUpSegments = 0;
  objectsExpired = 0;
  lastUploadAt: number | undefined;
  /** Set while uploads fail; cleared by the next success. */
  failingSince: number | undefined;
  lastError: string | undefined;

  succeeded(now: number): void {
    this.failingSince = undefined;
    this.lastError = undefined;
    this.lastUploadAt = now;
  }

  failed(now: number, message: string): void {
    this.uploadsFailed++;
    this.failingSince ??= now;
    this.lastError = message;
  }
}
