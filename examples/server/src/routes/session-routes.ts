import type { FastifyInstance } from 'fastify';
import { type AppContext, enforceRate } from '../app-context.js';
import { ApiError } from '../http-errors.js';
import { parseRequest, sessionBodySchema } from '../request-schemas.js';

/** POST /session: the dev login. Anyone who names a user gets a signed token for it. */
export function registerSessionRoutes(app: FastifyInstance, context: AppContext): void {
  app.post('/session', async (request, reply) => {
    if (!context.config.devLogin) {
      throw new ApiError(
        'FORBIDDEN',
        'Dev login is off (DEV_LOGIN=0 or NODE_ENV=production); tokens come from your identity provider.',
      );
    }
    await enforceRate(context.writeLimiter, `ip:${request.ip}`);
    const { userId } = parseRequest(sessionBodySchema, request.body, 'INVALID_INPUT', 'session');
    const { token, expiresAt } = context.signer.sign(userId);
    return reply.code(201).send({ token, userId, expiresAt });
  });
}
