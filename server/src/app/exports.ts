import type { MikroORM } from '@mikro-orm/postgresql';
import type express from 'express';
import { TERMINATION_STATUSES, type TerminationStatus } from '@ot/shared';
import { GraphQLError } from 'graphql';
import { randomUUID } from 'node:crypto';
import { dossierHtml } from '../modules/reporting/dossier.service.js';
import { createContext, type RequestContext } from '../kernel/context.js';
import type { Logger } from '../kernel/logger.js';
import type { Services } from './services.js';

/** A spreadsheet must not run a cell as a formula (CSV injection). */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Downloads outside GraphQL (dossier, CSV), with the same authentication: a bearer token or
 * API key with terminations:read.
 */
/** What each CSV row reads of a termination (the list fetches nothing else). */
const CSV_SELECTION = new Set([
  'number',
  'status',
  'scope',
  'createdAt',
  'effectiveAt',
  'closedAt',
  'order.number',
  'order.customer.name',
  'reason.code',
  'impact.terminatedValue',
  'impact.currency',
  'impact.cancellationFee',
  'impact.refundDue',
]);

export function mountExports(app: express.Express, orm: MikroORM, services: Services, logger: Logger): void {
  const context = async (req: express.Request, res: express.Response): Promise<RequestContext | null> => {
    try {
      const em = orm.em.fork();
      const actor = await services.auth.authenticate(em, req.headers.authorization);
      if (!actor) return (void res.status(401).json({ error: 'Send Authorization: Bearer <token or API key>.' }), null);
      if (!actor.permissions.has('terminations:read')) return (void res.status(403).json({ error: 'This needs terminations:read.' }), null);
      return createContext({ requestId: String(res.locals.requestId ?? randomUUID()), em, actor, services, logger, ip: req.ip ?? '' });
    } catch (error) {
      if (error instanceof GraphQLError) return (void res.status(401).json({ error: error.message }), null);
      throw error;
    }
  };

  app.get(/^\/terminations\/([A-Za-z0-9-]{1,40})\/dossier\.(json|html)$/, async (req, res, next) => {
    try {
      const ctx = await context(req, res);
      if (!ctx) return;
      const [number, format] = [req.params[0]!, req.params[1]!];
      const dossier = await services.dossiers.build(ctx.em, { number });
      if (!dossier) return void res.status(404).json({ error: `No termination ${number}.` });
      res.setHeader('content-disposition', `attachment; filename="${number}-dossier.${format}"`);
      if (format === 'json') res.json(dossier);
      else res.type('text/html; charset=utf-8').send(dossierHtml(dossier));
    } catch (error) {
      next(error);
    }
  });

  app.get('/exports/terminations.csv', async (req, res, next) => {
    try {
      const ctx = await context(req, res);
      if (!ctx) return;
      const statuses = String(req.query.status ?? '')
        .split(',')
        .filter((s): s is TerminationStatus => (TERMINATION_STATUSES as readonly string[]).includes(s));
      const filter = {
        status: statuses.length ? statuses : null,
        reasonCode: typeof req.query.reasonCode === 'string' ? req.query.reasonCode.slice(0, 40) : null,
        search: typeof req.query.search === 'string' ? req.query.search.slice(0, 100) : null,
        pendingDepartment: typeof req.query.pendingDepartment === 'string' ? req.query.pendingDepartment.slice(0, 32) : null,
      };
      res.type('text/csv; charset=utf-8');
      res.setHeader('content-disposition', 'attachment; filename="terminations.csv"');
      // BOM so that spreadsheet programs read the Chinese text as UTF-8.
      res.write(
        '\ufeffnumber,status,order,customer,reason,scope,terminated_value,currency,cancellation_fee,refund_due,requested_at,effective_at,closed_at\n',
      );
      let after: string | null = null;
      for (let page = 0; page < 200; page++) {
        // The list reads what it is asked for (columns and relations), in one statement.
        const conn = await services.terminations.list(ctx, filter, 100, after, CSV_SELECTION);
        for (const t of conn.edges.map((e) => e.node)) {
          res.write(
            [
              t.number,
              t.status,
              t.order.number,
              t.order.customer.name,
              t.reason.code,
              t.scope,
              t.impact.terminatedValue,
              t.impact.currency,
              t.impact.cancellationFee,
              t.impact.refundDue,
              t.createdAt.toISOString(),
              t.effectiveAt?.toISOString() ?? '',
              t.closedAt?.toISOString() ?? '',
            ]
              .map(csvCell)
              .join(',') + '\n',
          );
        }
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      res.end();
    } catch (error) {
      next(error);
    }
  });
}
