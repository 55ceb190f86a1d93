import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Tokens sent by mail (email verification, password reset). The database keeps only the
 * token's sha256; the job that sends the mail keeps a random nonce, and the token is derived
 * from it with the server secret. A copy of the database alone (jobs table included) therefore
 * yields no usable token, and a retried job mails the same token again.
 */
export const mailTokenOf = (secret: string, nonce: string) =>
  createHmac('sha256', secret).update(`mail-token:${nonce}`).digest('base64url');

export const sha256Hex = (token: string) => createHash('sha256').update(token).digest('hex');

export function newMailToken(secret: string): { nonce: string; tokenHash: string } {
  const nonce = randomBytes(24).toString('base64url');
  return { nonce, tokenHash: sha256Hex(mailTokenOf(secret, nonce)) };
}
