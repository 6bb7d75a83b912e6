// Text from whatever a runtime holds (a string, bytes, a Blob or File, a stream) as a
// stream of string chunks, with web APIs only (TextDecoder, DecompressionStream), so the
// same delimited reader runs in browsers and in Node.
import { BcnmfError } from '@bcnmf/core';

/**
 * Text to read: a string; UTF-8 bytes (`Uint8Array`, `ArrayBuffer`); a `Blob` or `File`;
 * a `ReadableStream` of bytes (e.g. `file.stream()`, `response.body`); or an async
 * iterable of string chunks. Bytes, Blobs and streams whose name ends in `.gz` are
 * gunzipped (DecompressionStream).
 */
export type TextInput = string | Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array> | AsyncIterable<string>;

/** A source of text that can be read from the start again (each call, a new pass), or only once. */
export interface TextSource {
  chunks(): AsyncIterable<string>;
  /** False for streams: a second pass is refused. */
  rereadable: boolean;
}

/** Characters per chunk when a string is fed in pieces. */
const STRING_CHUNK = 1 << 20;

function isGzipName(name: string): boolean {
  return /\.gz$/i.test(name);
}

async function* stringChunks(text: string): AsyncGenerator<string> {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let k = start; k < text.length; k += STRING_CHUNK) yield text.slice(k, k + STRING_CHUNK);
}

function gzipError(name: string, error: unknown): BcnmfError {
  const message = error instanceof Error ? error.message : String(error);
  return new BcnmfError('INVALID_DATA', `${name}: gzip data is damaged or truncated (${message})`);
}

async function* decodeStream(stream: ReadableStream<Uint8Array>, name: string): AsyncGenerator<string> {
  const gz = isGzipName(name);
  const bytes = gz ? stream.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>) : stream;
  const reader = bytes.getReader();
  // TextDecoder drops a leading byte-order mark (ignoreBOM: false)
  const decoder = new TextDecoder('utf-8');
  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (error) {
        throw gz ? gzipError(name, error) : new BcnmfError('INVALID_DATA', `${name}: cannot be read (${error instanceof Error ? error.message : String(error)})`);
      }
      if (step.done) break;
      const text = decoder.decode(step.value, { stream: true });
      if (text.length > 0) yield text;
    }
    const rest = decoder.decode();
    if (rest.length > 0) yield rest;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** A {@link TextSource} of any {@link TextInput}; `name` names it in messages (and says `.gz`). */
export function textSource(input: TextInput, name: string): TextSource {
  if (typeof input === 'string') return { chunks: () => stringChunks(input), rereadable: true };
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
    return { chunks: () => decodeStream(bytesStream(bytes), name), rereadable: true };
  }
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    return { chunks: () => decodeStream(input.stream() as ReadableStream<Uint8Array>, name), rereadable: true };
  }
  if (typeof ReadableStream !== 'undefined' && input instanceof ReadableStream) {
    let used = false;
    return {
      chunks: () => {
        if (used) throw new BcnmfError('INVALID_OPTION', `${name}: a stream can be read once only`);
        used = true;
        return decodeStream(input, name);
      },
      rereadable: false,
    };
  }
  if (input !== null && typeof input === 'object' && Symbol.asyncIterator in input) {
    let used = false;
    return {
      chunks: () => {
        if (used) throw new BcnmfError('INVALID_OPTION', `${name}: a stream can be read once only`);
        used = true;
        return input;
      },
      rereadable: false,
    };
  }
  throw new BcnmfError('INVALID_OPTION', `${name}: cannot read text from ${input === null ? 'null' : typeof input}; pass a string, bytes, a Blob or a stream`);
}
