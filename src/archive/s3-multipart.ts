/**
 * One object as an S3 multipart upload: parts of at least 5 MiB (the API's floor, except the last),
 * a few in flight at once; on failure the upload is aborted so no stale parts are billed. A
 * lifecycle rule (`auren archive lifecycle`) cleans up what an abort cannot (a crash).
 */
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';

export interface MultipartInput {
  bucket: string;
  key: string;
  body: Uint8Array;
  partSize: number;
  concurrency?: number;
}

export async function uploadMultipart(client: S3Client, m: MultipartInput): Promise<void> {
  const { bucket: Bucket, key: Key, body, partSize } = m;
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType: 'application/vnd.apache.parquet' }));
  const UploadId = created.UploadId!;
  try {
    const count = Math.ceil(body.length / partSize);
    const etags: string[] = new Array(count);
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const Body = body.subarray(i * partSize, Math.min(body.length, (i + 1) * partSize));
        const res = await client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body }));
        etags[i] = res.ETag!;
      }
    };
    await Promise.all(Array.from({ length: Math.min(m.concurrency ?? 4, count) }, worker));
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }),
    );
  } catch (err) {
    // Best effort: some stores (s3rver) do not implement abort; the lifecycle rule is the backstop.
    await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => {});
    throw err;
  }
}
