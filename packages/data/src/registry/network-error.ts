// fetch rejects with a bare "fetch failed" TypeError; the reason (DNS, refused, TLS, reset)
// is in its cause chain. This turns that chain into one line.

const CODES: Record<string, string> = {
  ENOTFOUND: 'host not found (DNS lookup failed)',
  EAI_AGAIN: 'DNS lookup failed for now (EAI_AGAIN); try again later',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'the connection was closed while sending the request',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'the server sent no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'the server stopped sending the body',
  UND_ERR_SOCKET: 'the connection closed before the response was complete',
  UND_ERR_CLOSED: 'the connection was closed',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the body did not match its Content-Length',
};

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let e: unknown = error;
  while (e !== undefined && e !== null && chain.length < 8 && !chain.includes(e)) {
    chain.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return chain;
}

/** The reason of an OpenSSL message: `...:error:0A00010B:SSL routines:func:wrong version number:file:line:`. */
function opensslReason(message: string): string {
  const m = /:error:[^:]*:[^:]*:[^:]*:([^:]+):/.exec(message);
  return m ? m[1] : message.split('\n')[0];
}

function isTls(code: string, message: string): boolean {
  return /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL_)/.test(code) || /SSL routines|certificate/i.test(message);
}

/**
 * One line saying why a fetch or a body read failed, from the innermost cause that says
 * something: `host not found (DNS lookup failed) (ENOTFOUND example.invalid)`,
 * `connection refused (ECONNREFUSED 127.0.0.1:9)`, `TLS error: wrong version number
 * (ERR_SSL_WRONG_VERSION_NUMBER)`, `redirect count exceeded`, never a bare "fetch failed".
 */
export function describeNetworkError(error: unknown): string {
  const chain = causes(error);
  // innermost first: the outer errors ("fetch failed", "terminated") say least
  for (const e of chain.reverse()) {
    if (e === null || typeof e !== 'object') continue;
    const { code, message, hostname, address, port } = e as { code?: unknown; message?: unknown; hostname?: unknown; address?: unknown; port?: unknown };
    const c = typeof code === 'string' ? code : '';
    const msg = typeof message === 'string' ? message : '';
    if (c === '' && (msg === '' || msg === 'fetch failed' || msg === 'terminated')) continue;
    if (isTls(c, msg)) return `TLS error: ${opensslReason(msg)}${c ? ` (${c})` : ''}`;
    const where = typeof hostname === 'string' ? ` ${hostname}` : typeof address === 'string' ? ` ${address}${typeof port === 'number' ? `:${port}` : ''}` : '';
    if (CODES[c] !== undefined) return `${CODES[c]} (${c}${where})`;
    const first = msg.split('\n')[0];
    return c && !first.includes(c) ? `${first} (${c})` : first;
  }
  return error instanceof Error ? error.message : String(error);
}
