import type { IncomingMessage } from 'node:http';

/**
 * Keeps reading, and throws away, the rest of a request body refused part-way (an oversized
 * upload) while the answer goes out at once. Closing the connection at the refusal instead
 * resets it under a client still writing: it sees EPIPE or ECONNRESET and often never reads the
 * 413. Past `maxBytes` more bytes or `maxMs`, the connection is closed after all: reading on
 * would cost more than that client's trouble. Once the body has ended, the connection can serve
 * the client's next request.
 */
export function discardRestOfBody(
  raw: IncomingMessage,
  { maxBytes, maxMs }: { maxBytes: number; maxMs: number },
): void {
  if (raw.readableEnded || raw.destroyed) return;
  let discarded = 0;
  const stop = () => {
    clearTimeout(timer);
    raw.off('data', onData).off('end', stop).off('close', stop);
  };
  const giveUp = () => {
    stop();
    raw.socket.destroy();
  };
  const onData = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > maxBytes) giveUp();
  };
  const timer = setTimeout(giveUp, maxMs);
  raw.on('data', onData).once('end', stop).once('close', stop);
  // The multipart parser stops reading when the upload is refused: nothing else consumes it now.
  raw.unpipe();
  raw.resume();
}
