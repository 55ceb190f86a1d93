import type { AppDeps } from '../../deps.js';
import type { DbTime } from '../../db/time.js';
import type { Executor } from '../../db/transaction.js';
import { insertJobs } from '../../jobs/jobs.repository.js';
import { type MailPayload, SEND_MAIL } from './mail.jobs.js';

export type { MailPayload };
export { newMailToken, sha256Hex } from './mail-tokens.js';

/** Attempts over about 4 hours of backoff before a mail is given up (jobs stay for operators). */
const MAIL_ATTEMPTS = 12;

/**
 * In the transaction of the change that needs the mail: it is sent once that commits (and only
 * then), by a job, so neither a crash nor an SMTP outage loses it.
 */
export async function inQueueMails(
  trx: Executor,
  mails: readonly MailPayload[],
  now: DbTime,
): Promise<void> {
  await insertJobs(
    trx,
    mails.map((payload) => ({ kind: SEND_MAIL, payload, maxAttempts: MAIL_ATTEMPTS })),
    now,
  );
}

/** After the commit of `inQueueMails`: this process's workers send them now. */
export function afterMailsQueued(deps: Pick<AppDeps, 'jobs'>): void {
  deps.jobs.wake();
}
