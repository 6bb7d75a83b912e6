/**
 * Lets pending signals in, then stops with the signal's reason if it has aborted.
 *
 * A Ctrl-C that arrives during synchronous work (writing a large file) reaches the SIGINT
 * handler only when the event loop reads libuv's signal pipe, in its poll phase. One
 * `setImmediate` can resolve in the check phase of the same turn, before that poll; two
 * always have a poll phase between them, so the handler has run and the signal is
 * aborted by the time this checks it.
 */
export async function checkInterrupted(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return;
  for (let turn = 0; turn < 2; turn++) await new Promise((resolveTurn) => setImmediate(resolveTurn));
  signal.throwIfAborted();
}
