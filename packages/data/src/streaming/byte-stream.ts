import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { isGzipPath, streamError } from '../formats/text-stream.js';

/** Bytes read per chunk from disk. */
const CHUNK_BYTES = 1 << 20;

/**
 * The bytes of a file as a stream of Buffers (about 1 MiB each), gunzipped first when the
 * name ends in `.gz`. A missing file, a read error or a truncated / damaged gzip stream
 * ends the iteration with BcnmfError('INVALID_DATA') naming the file.
 */
export async function* byteChunks(path: string): AsyncGenerator<Buffer, void, undefined> {
  const source = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  let stream: NodeJS.ReadableStream = source;
  if (isGzipPath(path)) {
    const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
    source.on('error', (error) => gunzip.destroy(error));
    stream = source.pipe(gunzip);
  }
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    throw streamError(path, error);
  } finally {
    source.destroy();
  }
}
