import { BcnmfError } from '@bcnmf/core';

/**
 * Why a download was refused: `timeout` (connect or idle), `too-large` (past the
 * manifest's size or the cap), `format` (the bytes are not the declared format, e.g. an
 * HTML login page for a .tar.gz), `size` or `checksum` (complete, but not the file the
 * manifest or checksums.json describes), `http` (an error status), `redirect` (a loop,
 * a missing Location, a downgrade to http), `network` (DNS, refused, reset, TLS).
 */
export type DownloadFailure = 'timeout' | 'too-large' | 'format' | 'size' | 'checksum' | 'http' | 'redirect' | 'network';

/**
 * A refused or failed download (code INVALID_DATA, like the other refusals of data);
 * nothing of the file was kept. `failure` says which kind, `url` what was fetched.
 */
export class DownloadError extends BcnmfError {
  readonly failure: DownloadFailure;
  readonly url: string;

  constructor(failure: DownloadFailure, url: string, message: string) {
    super('INVALID_DATA', message);
    this.name = 'DownloadError';
    this.failure = failure;
    this.url = url;
  }
}
