import type { Config } from '../../config.js';
import type { JobHandlers } from '../../jobs/runner.js';
import type { Mailer, OutgoingMail } from './mailer.js';
import { mailTokenOf } from './mail-tokens.js';

export const SEND_MAIL = 'mail.send';

/** What a mail job carries: never a token, only the nonce it is derived from (mail-tokens.ts). */
export type MailPayload =
  | { template: 'verify_email'; to: string; username: string; nonce: string }
  | { template: 'password_reset'; to: string; username: string; nonce: string }
  | { template: 'email_changed'; to: string; username: string; new_email: string };

type Settings = Pick<Config, 'publicUrl' | 'jwtSecret'>;

export function renderMail(payload: MailPayload, config: Settings): OutgoingMail {
  const hello = `Hello @${payload.username},`;
  const sign = '\n\n-- \nPhotogram';
  switch (payload.template) {
    case 'verify_email': {
      const token = mailTokenOf(config.jwtSecret, payload.nonce);
      return {
        to: payload.to,
        subject: 'Confirm your email address',
        text:
          `${hello}\n\nConfirm that this is your email address by opening this link within ` +
          `24 hours:\n\n${config.publicUrl}/verify-email?token=${token}\n\n` +
          `Or enter this code in the app:\n\n${token}\n\n` +
          `If you did not sign up or change your email on Photogram, ignore this mail.${sign}`,
      };
    }
    case 'password_reset': {
      const token = mailTokenOf(config.jwtSecret, payload.nonce);
      return {
        to: payload.to,
        subject: 'Reset your password',
        text:
          `${hello}\n\nSomeone asked to reset the password of your account. Choose a new one ` +
          `within an hour here:\n\n${config.publicUrl}/reset-password?token=${token}\n\n` +
          `Or enter this code in the app:\n\n${token}\n\n` +
          `Every session of your account ends when the password changes. If you did not ask ` +
          `for this, ignore this mail: your password stays as it is.${sign}`,
      };
    }
    case 'email_changed':
      return {
        to: payload.to,
        subject: 'Your email address was changed',
        text:
          `${hello}\n\nThe email address of your account was changed to ${payload.new_email}. ` +
          `If you did not do this, reset your password at ` +
          `${config.publicUrl}/reset-password from that address, or contact us.${sign}`,
      };
  }
}

/** Sends one queued mail. A crash before the job is marked done sends it again (at least once). */
export function mailJobHandlers(deps: { config: Settings; mailer: Mailer }): JobHandlers {
  return {
    async [SEND_MAIL](payload) {
      await deps.mailer.send(renderMail(payload as MailPayload, deps.config));
    },
  };
}
