import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { checkFileHead, looksLikeHtml } from '../src/registry/format-check.js';
import { describeNetworkError } from '../src/registry/network-error.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const LOGIN = '<html><body>Please log in</body></html>';

test('checkFileHead accepts each declared format by its signature', () => {
  assert.equal(checkFileHead(gzipSync(Buffer.from('x'.repeat(100))), 'tar.gz', true), null);
  assert.equal(checkFileHead(gzipSync(Buffer.from('x')), 'mtx.gz', true), null);
  assert.equal(checkFileHead(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]), 'zip', false), null);
  const hdf5 = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]);
  assert.equal(checkFileHead(hdf5, 'h5ad', false), null);
  assert.equal(checkFileHead(Buffer.concat([Buffer.alloc(512), hdf5]), 'h5', false), null, 'after a 512-byte user block');
  const tar = Buffer.alloc(1024);
  tar.write('matrix.mtx', 0);
  tar.write('ustar\u000000', 257);
  assert.equal(checkFileHead(tar, 'tar', false), null);
  // the mice-protein CSV starts with a UTF-8 byte-order mark
  assert.equal(checkFileHead(Buffer.from('\uFEFFMouseID,DYRK1A_N\n309_1,0.50\n'), 'csv', true), null);
  // a head cut inside a multi-byte character is still text
  assert.equal(checkFileHead(bytes('gene,caf\u00e9').subarray(0, 9), 'csv', false), null);
  assert.equal(checkFileHead(bytes('anything'), 'unknown-format', true), null);
});

test('checkFileHead refuses an HTML page by name, and other wrong bytes with what they are', () => {
  assert.equal(LOGIN.length, 39);
  for (const format of ['tar.gz', 'zip', 'h5ad', 'csv', 'tsv', 'unknown-format']) {
    assert.match(checkFileHead(bytes(LOGIN), format, true) ?? '', /^an HTML page \(login or error page\?\) instead of .*: "<html><body>Please log in<\/body><\/html>"$/, format);
  }
  assert.match(checkFileHead(bytes(LOGIN), 'tar.gz', true)!, /instead of a gzip-compressed tar archive \(\.tar\.gz\)/);
  assert.match(checkFileHead(bytes('\uFEFF\n  <!DOCTYPE html>\n<html lang="en">'), 'csv', false)!, /^an HTML page/);
  assert.match(checkFileHead(bytes('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'), 'zip', false)!, /^an HTML page/);
  assert.match(checkFileHead(bytes('{"message": "File not found"}'), 'zip', true)!, /^text instead of a zip archive: "\{\\"message\\": \\"File not found\\"\}"$/);
  assert.match(checkFileHead(Buffer.from([0x1f, 0x00, 1, 2]), 'tar.gz', true)!, /do not start with the gzip signature 1f 8b \(first bytes: 1f 00 01 02\)/);
  assert.match(checkFileHead(gzipSync(Buffer.from('x')), 'zip', true)!, /zip signature/);
  assert.match(checkFileHead(Buffer.alloc(600), 'tar', false)!, /"ustar" at byte 257/);
  assert.match(checkFileHead(Buffer.from('a,b\n1,\u0000'), 'csv', true)!, /^binary data \(NUL bytes/);
  assert.match(checkFileHead(Buffer.from([0x61, 0x2c, 0xff, 0xfe, 0x41]), 'csv', true)!, /not valid UTF-8/);
  assert.match(checkFileHead(new Uint8Array(0), 'tar.gz', true)!, /^an empty file instead of/);
  // data that merely mention html are not HTML pages
  assert.equal(looksLikeHtml('gene,description\nA,"<html> in a cell"'), false);
  assert.equal(looksLikeHtml('  <HTML>'), true);
});

test('describeNetworkError gives the cause, never a bare "fetch failed"', () => {
  const wrap = (cause: object) => Object.assign(new TypeError('fetch failed'), { cause });
  assert.equal(
    describeNetworkError(wrap(Object.assign(new Error('getaddrinfo ENOTFOUND nope.invalid'), { code: 'ENOTFOUND', hostname: 'nope.invalid' }))),
    'host not found (DNS lookup failed) (ENOTFOUND nope.invalid)',
  );
  assert.equal(
    describeNetworkError(wrap(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 9 }))),
    'connection refused (ECONNREFUSED 127.0.0.1:9)',
  );
  const ssl = '80DC2C:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/ssl/record/ssl3_record.c:354:\n';
  assert.equal(describeNetworkError(wrap(Object.assign(new Error(ssl), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' }))), 'TLS error: wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)');
  assert.equal(
    describeNetworkError(wrap(Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }))),
    'TLS error: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
  );
  assert.equal(describeNetworkError(wrap(new Error('redirect count exceeded'))), 'redirect count exceeded');
  assert.equal(describeNetworkError(wrap(new Error('bad port'))), 'bad port');
  assert.equal(
    describeNetworkError(Object.assign(new TypeError('terminated'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) })),
    'the connection closed before the response was complete (UND_ERR_SOCKET)',
  );
  assert.equal(describeNetworkError(new Error('something else')), 'something else');
});
