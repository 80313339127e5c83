import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { MikroORM } from '@mikro-orm/postgresql';
import type express from 'express';
import { GraphQLError } from 'graphql';
import { createContext, type RequestContext } from '../kernel/context.js';
import type { Actor } from '../kernel/actor.js';
import type { Logger } from '../kernel/logger.js';
import type { Services } from '../kernel/context.js';
import { isDatabaseUnavailable } from './db-errors.js';
import type { Attachment } from '../modules/attachment/attachment.entity.js';
import { asUploadProblem } from '../modules/attachment/attachment.service.js';
import { UploadProblem } from '../modules/attachment/multipart-upload.js';

/** What an upload answers: the new attachment as GraphQL lists it. */
function described(services: Services, a: Attachment) {
  return {
    id: a.id,
    name: a.name,
    size: a.size,
    contentType: a.contentType,
    sha256: a.sha256,
    downloadUrl: services.attachments.downloadUrl(a.id),
  };
}

/** `attachment; filename*=UTF-8''…` with an ASCII fallback, so Chinese names survive every browser. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * POST /attachments (signed-in users and keys), POST /confirmations/attachments (the customer's
 * link) and GET /attachments/:id. Errors answer like the rest of the HTTP API:
 * `{ errors: [{ message, extensions: { code, requestId } }] }`, never a stack trace.
 */
export function mountAttachments(app: express.Express, orm: MikroORM, services: Services, logger: Logger): void {
  const reply = (res: express.Response, status: number, code: string, message: string) => {
    if (res.headersSent) return void res.destroy();
    res.status(status).json({ errors: [{ message, extensions: { code, requestId: res.locals.requestId } }] });
  };
  const failed = (res: express.Response, error: unknown) => {
    const problem = asUploadProblem(error);
    if (problem) return reply(res, problem.status, problem.code, problem.message);
    if (error instanceof GraphQLError) {
      const code = String(error.extensions?.code ?? 'BAD_REQUEST');
      return reply(res, code === 'RATE_LIMITED' ? 429 : code === 'UNAUTHENTICATED' ? 401 : 400, code, error.message);
    }
    if (isDatabaseUnavailable(error))
      return reply(res, 503, 'SERVICE_UNAVAILABLE', 'The database is not reachable right now; try again shortly.');
    logger.error({ err: error, requestId: res.locals.requestId }, 'attachment request failed');
    reply(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error.');
  };
  const context = (req: express.Request, res: express.Response, actor: Actor | null, em = orm.em.fork()): RequestContext =>
    createContext({ requestId: String(res.locals.requestId ?? randomUUID()), em, actor, services, logger, ip: req.ip ?? '' });
  const signedIn = async (req: express.Request, res: express.Response) => {
    const em = orm.em.fork();
    const actor = await services.auth.authenticate(em, req.headers.authorization);
    if (!actor) throw new UploadProblem(401, 'UNAUTHENTICATED', 'Send Authorization: Bearer <token or API key>.');
    if (actor.kind === 'apiKey') await services.rateLimits.apiKeyRequest(actor.apiKeyId);
    return context(req, res, actor, em) as RequestContext & { actor: Actor };
  };
  // A refused upload is answered at once; the rest of its body is read and dropped (or cut off by the request timeout).
  const answered = (res: express.Response) => res.setHeader('connection', 'close');

  app.post('/attachments', async (req, res) => {
    try {
      const ctx = await signedIn(req, res);
      const attachment = await services.attachments.uploadByStaff(ctx, req);
      res.status(201).json(described(services, attachment));
    } catch (error) {
      answered(res);
      failed(res, error);
    }
  });

  app.post('/confirmations/attachments', async (req, res) => {
    try {
      const attachment = await services.attachments.uploadByCustomer(context(req, res, null), req);
      // The customer learns the name and size it was kept under, not internal links.
      res.status(201).json({ id: attachment.id, name: attachment.name, size: attachment.size, sha256: attachment.sha256 });
    } catch (error) {
      answered(res);
      failed(res, error);
    }
  });

  app.get('/attachments/:id', async (req, res) => {
    try {
      const ctx = await signedIn(req, res);
      const { attachment, body } = await services.attachments.open(ctx, String(req.params.id));
      res.setHeader(
        'content-type',
        attachment.contentType.startsWith('text/') ? `${attachment.contentType}; charset=utf-8` : attachment.contentType,
      );
      res.setHeader('content-length', String(attachment.size));
      res.setHeader('content-disposition', contentDisposition(attachment.name));
      // Never rendered as a page of this site, whatever the bytes are.
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('content-security-policy', "default-src 'none'; sandbox");
      res.setHeader('cache-control', 'private, no-store');
      res.setHeader('x-content-sha256', attachment.sha256);
      await pipeline(body, res);
    } catch (error) {
      failed(res, error);
    }
  });
}
