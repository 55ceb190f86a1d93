import {
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Config } from '../config.js';

type LogSettings = Pick<Config, 'logLevel' | 'logFormat' | 'nodeEnv'>;

/** LOG_FORMAT when set; otherwise readable lines for a person at a terminal, JSON for machines. */
export const logFormat = (
  config: Pick<Config, 'logFormat' | 'nodeEnv'>,
  stdoutIsTTY = Boolean(process.stdout.isTTY),
): 'json' | 'pretty' =>
  config.logFormat ?? (stdoutIsTTY && config.nodeEnv !== 'production' ? 'pretty' : 'json');

/** Fastify's logger options: pino, one JSON object per line, or pino-pretty's lines. */
export async function loggerOptions(
  config: LogSettings,
  stdoutIsTTY?: boolean,
): Promise<{ level: string; redact: string[]; stream?: { write(line: string): void } }> {
  const options = { level: config.logLevel, redact: ['req.headers.authorization'] };
  if (logFormat(config, stdoutIsTTY) === 'json') return options;
  // Imported only when used: production never loads it.
  const { default: pretty } = await import('pino-pretty');
  return {
    ...options,
    stream: pretty({
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      // The request line says it all; errors still print their fields (err, stack) below.
      ignore: 'pid,hostname,reqId,req,res,responseTime',
    }),
  };
}

/** Fastify's logger is pino, whose instances have this (FastifyBaseLogger does not say so). */
type PinoLevels = { isLevelEnabled(level: string): boolean };

/**
 * One line per request, when its answer is sent ("GET /api/v1/feed 200 3.1 ms"), instead of
 * Fastify's two ("incoming request", "request completed"). The JSON line keeps the request id,
 * the request (method, url, addresses), the status and the time as fields.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest() {}

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply) {
    // Skips building the line when it would be dropped (LOG_LEVEL=warn, as the bench runs).
    if (!error && !(reply.log as FastifyBaseLogger & PinoLevels).isLevelEnabled('info')) return;
    const line = `${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`;
    const fields = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...fields, err: error }, `${line}: ${error.message}`);
    else reply.log.info(fields, line);
  }
}
