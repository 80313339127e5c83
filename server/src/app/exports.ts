import type { MikroORM } from '@mikro-orm/postgresql';
import type express from 'express';
import ExcelJS from 'exceljs';
import { TERMINATION_STATUSES, type Permission, type TerminationStatus } from '@ot/shared';
import { coerceInputValue, GraphQLError, type GraphQLSchema } from 'graphql';
import { randomUUID } from 'node:crypto';
import { PdfUnavailable } from '../modules/reporting/dossier-pdf.js';
import { csvCell } from '../common/text.js';
import { createContext, type RequestContext } from '../kernel/context.js';
import type { Logger } from '../kernel/logger.js';
import type { Services } from './services.js';
import { LIST_EXPORTS, TERMINATION_EXPORT_SELECTION, type AnyListExport, type ExportColumn, type ExportLanguage } from './list-exports.js';

/**
 * Downloads outside GraphQL (dossier, CSV, XLSX), with the same authentication: a bearer token or
 * API key with the list's permission.
 */
export function mountExports(app: express.Express, orm: MikroORM, services: Services, logger: Logger, schema: GraphQLSchema): void {
  const context = async (
    req: express.Request,
    res: express.Response,
    needs: Permission = 'terminations:read',
    /** Answer a caller without the permission as if the record did not exist (its existence is not told). */
    refusal: 'forbidden' | 'notFound' = 'forbidden',
  ): Promise<RequestContext | null> => {
    try {
      const em = orm.em.fork();
      const actor = await services.auth.authenticate(em, req.headers.authorization);
      if (!actor) return (void res.status(401).json({ error: 'Send Authorization: Bearer <token or API key>.' }), null);
      if (!actor.permissions.has(needs)) {
        if (refusal === 'notFound') return (void res.status(404).json({ error: 'No such termination.' }), null);
        return (void res.status(403).json({ error: `This needs ${needs}.` }), null);
      }
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
      else res.type('text/html; charset=utf-8').send(services.dossiers.printView(dossier));
    } catch (error) {
      next(error);
    }
  });

  // The dossier as an A4 PDF, readable by exactly those who may read the termination. Without a
  // Chromium (CHROMIUM_PATH) the print view itself is the answer, marked by X-Dossier-Format: html.
  app.get(/^\/dossiers\/([A-Za-z0-9-]{1,40})\.pdf$/, async (req, res, next) => {
    try {
      const ctx = await context(req, res, 'terminations:read', 'notFound');
      if (!ctx) return;
      const number = req.params[0]!;
      const dossier = await services.dossiers.build(ctx.em, { number });
      if (!dossier) return void res.status(404).json({ error: 'No such termination.' });
      const html = services.dossiers.printView(dossier);
      const pdf = services.dossierPdf.available() ? await pdfOrNull(html) : null;
      res.setHeader('cache-control', 'private, no-store');
      if (!pdf) {
        res.setHeader('x-dossier-format', 'html');
        res.setHeader('content-disposition', `inline; filename="${number}-dossier.html"`);
        return void res.type('text/html; charset=utf-8').send(html);
      }
      res.setHeader('x-dossier-format', 'pdf');
      res.setHeader('content-disposition', `attachment; filename="${number}-dossier.pdf"`);
      res.type('application/pdf').send(pdf);
    } catch (error) {
      if (error instanceof PdfUnavailable) return void res.status(503).setHeader('retry-after', '5').json({ error: error.message });
      next(error);
    }
  });

  /** A PDF, or null when the browser could not be used (then the print view is sent); busy or slow is told as such. */
  const pdfOrNull = async (html: string): Promise<Buffer | null> => {
    try {
      return await services.dossierPdf.render(html);
    } catch (error) {
      if (error instanceof PdfUnavailable) throw error;
      logger.warn({ err: error }, 'dossier PDF rendering failed; sending the print view');
      return null;
    }
  };

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
        const conn = await services.terminations.list(ctx, filter, 100, after, TERMINATION_EXPORT_SELECTION);
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

  // Every list as a spreadsheet (XLSX, or CSV for the lists other than terminations above), with the list's filter.
  app.get(/^\/exports\/(terminations|orders|follow-up-tasks|audit)\.(xlsx|csv)$/, async (req, res, next) => {
    const list = LIST_EXPORTS[req.params[0]!]!;
    const format = req.params[1] as 'xlsx' | 'csv';
    let started = false;
    try {
      const ctx = await context(req, res, list.needs);
      if (!ctx) return;
      const filter = exportFilter(list, schema, req.query.filter);
      if (filter instanceof Error) return void res.status(400).json({ error: filter.message });
      const lang = exportLanguage(req);
      const name = `${req.params[0]}.${format}`;
      res.setHeader('content-disposition', `attachment; filename="${name}"`);
      started = true;
      if (format === 'xlsx') await writeXlsx(res, list, ctx, filter, lang, req.params[0]!);
      else await writeCsv(res, list, ctx, filter);
    } catch (error) {
      // Once the file has begun, a failure can only cut it short (the client sees a broken download).
      if (started && res.headersSent) {
        logger.error({ err: error }, 'export failed midway');
        return void res.destroy();
      }
      next(error);
    }
  });
}

/** The list's filter from `?filter=<JSON>`, coerced by the schema as GraphQL coerces the list's argument. */
function exportFilter(list: AnyListExport, schema: GraphQLSchema, raw: unknown): Record<string, unknown> | null | Error {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || raw.length > 4000) return new Error('filter must be one JSON object of at most 4000 characters.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return new Error('filter is not valid JSON.');
  }
  const problems: string[] = [];
  const value = coerceInputValue(parsed, list.filterType(schema), (path, _invalid, error) =>
    problems.push(`filter${path.length ? '.' + path.join('.') : ''}: ${error.message}`),
  );
  if (problems.length) return new Error(problems.slice(0, 3).join(' '));
  return value as Record<string, unknown>;
}

/** `?lang=zh-CN|en`, else the browser's first language, else Chinese. */
export function exportLanguage(req: express.Request): ExportLanguage {
  const asked = typeof req.query.lang === 'string' ? req.query.lang : (req.headers['accept-language'] ?? '');
  return /^en\b/i.test(asked.trim()) ? 'en' : 'zh-CN';
}

function cells(columns: ExportColumn<unknown>[], row: unknown) {
  return columns.map((c) => c.value(row));
}

/**
 * Streams the sheet: each row is committed (written out and dropped) as it is read, so memory
 * stays flat however long the list; styles only for the header and date columns.
 */
async function writeXlsx(
  res: express.Response,
  list: AnyListExport,
  ctx: RequestContext,
  filter: Record<string, unknown> | null,
  lang: ExportLanguage,
  title: string,
) {
  res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(title, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = list.columns.map((c) => ({ header: lang === 'en' ? c.en : c.zh, key: c.key, width: c.width ?? 12 }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for await (const rows of list.pages(ctx, filter)) {
    for (const row of rows) {
      const added = sheet.addRow(cells(list.columns, row));
      added.eachCell((cell) => {
        if (cell.value instanceof Date) cell.numFmt = 'yyyy-mm-dd hh:mm:ss';
      });
      added.commit();
    }
  }
  sheet.commit();
  await workbook.commit();
}

async function writeCsv(res: express.Response, list: AnyListExport, ctx: RequestContext, filter: Record<string, unknown> | null) {
  res.type('text/csv; charset=utf-8');
  res.write('\ufeff' + list.columns.map((c) => c.key).join(',') + '\n');
  for await (const rows of list.pages(ctx, filter)) {
    for (const row of rows) {
      const line = cells(list.columns, row).map((v) => csvCell(v instanceof Date ? v.toISOString() : v));
      if (!res.write(line.join(',') + '\n')) await new Promise((resolve) => res.once('drain', resolve));
    }
  }
  res.end();
}
