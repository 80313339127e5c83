import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { MikroORM } from '@mikro-orm/postgresql';
import Busboy from 'busboy';
import type express from 'express';
import { GraphQLError } from 'graphql';
import type { Services } from '../../../app/services.js';
import { ErrorResult } from '../../../common/error-result.js';
import { UUID_RE } from '../../../common/errors.js';
import { createContext, type RequestContext } from '../../../kernel/context.js';
import type { Logger } from '../../../kernel/logger.js';
import { ImportPhase, ImportRun, ImportRunStatus } from './import-run.entity.js';
import { kindFromSlug } from './registry.js';
import { looksLikeCsv, looksLikeXlsx, type SpreadsheetFormat } from './spreadsheet-reader.js';
import { writeErrorReport, writeTemplate } from './spreadsheet-writer.js';

const CONTENT_TYPES: Record<SpreadsheetFormat, string> = {
  CSV: 'text/csv; charset=utf-8',
  XLSX: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The default source of spreadsheet imports (records keep it as their sending system). */
export const DEFAULT_IMPORT_SOURCE = 'SPREADSHEET';

class UploadRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function formatOf(fileName: string): SpreadsheetFormat | null {
  const ext = path.extname(fileName).toLowerCase();
  return ext === '.csv' ? 'CSV' : ext === '.xlsx' ? 'XLSX' : null;
}

/** Receives one multipart upload: fields and a single file streamed to `dir`, never held in memory. */
function receiveUpload(req: express.Request, dir: string, maxBytes: number) {
  return new Promise<{ fields: Record<string, string>; fileName: string; format: SpreadsheetFormat; storedAs: string; size: number }>(
    (resolve, reject) => {
      let busboy: Busboy.Busboy;
      try {
        // Browsers send the file name in UTF-8 (中文.xlsx), not latin1.
        busboy = Busboy({
          headers: req.headers,
          defParamCharset: 'utf8',
          limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 1000, parts: 12 },
        });
      } catch {
        reject(new UploadRefused(400, 'VALIDATION_FAILED', 'Send the file as multipart/form-data with a "file" part.'));
        return;
      }
      const fields: Record<string, string> = {};
      let stored: Promise<{ fileName: string; format: SpreadsheetFormat; storedAs: string; size: number }> | null = null;
      let failure: UploadRefused | null = null;
      busboy.on('field', (name, value) => (fields[name] = value));
      busboy.on('file', (name, stream, info) => {
        const format = formatOf(info.filename ?? '');
        if (name !== 'file' || !format || stored) {
          failure ??= new UploadRefused(415, 'VALIDATION_FAILED', 'Upload one file named *.xlsx or *.csv in the "file" part.');
          stream.resume();
          return;
        }
        const storedAs = `${randomUUID()}.${format.toLowerCase()}`;
        let size = 0;
        stream.on('data', (chunk: Buffer) => (size += chunk.length));
        stream.on('limit', () => {
          failure = new UploadRefused(
            413,
            'PAYLOAD_TOO_LARGE',
            `The file is larger than ${Math.floor(maxBytes / 1_048_576)} MB (IMPORT_MAX_BYTES).`,
          );
        });
        stored = pipeline(stream, createWriteStream(path.join(dir, storedAs))).then(() => ({
          fileName: path.basename(info.filename ?? 'upload').slice(0, 255),
          format,
          storedAs,
          size,
        }));
      });
      busboy.on('error', () => reject(new UploadRefused(400, 'VALIDATION_FAILED', 'The multipart body is malformed.')));
      busboy.on('close', () => {
        void (async () => {
          const file = stored ? await stored.catch(() => null) : null;
          if (failure || !file) {
            if (file) await rm(path.join(dir, file.storedAs), { force: true });
            reject(failure ?? new UploadRefused(400, 'VALIDATION_FAILED', 'No file was sent: add a "file" part.'));
            return;
          }
          resolve({ fields, ...file });
        })();
      });
      req.pipe(busboy);
    },
  );
}

/** Whether the stored file is what its name says: an XLSX archive or text. */
async function sniff(file: string, format: SpreadsheetFormat): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const sample = head.subarray(0, bytesRead);
    return bytesRead > 0 && (format === 'XLSX' ? looksLikeXlsx(sample) : looksLikeCsv(sample));
  } finally {
    await handle.close();
  }
}

/**
 * Spreadsheet import over HTTP: templates, upload (multipart) and error reports. Signed-in users
 * with erp:sync (administrators) and API keys with ERP_SYNC; the runs themselves are read and
 * started over GraphQL.
 */
export function mountImports(app: express.Express, orm: MikroORM, services: Services, logger: Logger, maxBytes: number): void {
  const context = async (req: express.Request, res: express.Response): Promise<RequestContext | null> => {
    try {
      const em = orm.em.fork();
      const actor = await services.auth.authenticate(em, req.headers.authorization);
      if (!actor) return (void res.status(401).json({ error: 'Send Authorization: Bearer <token>.' }), null);
      // Administrators, and API keys with the ERP_SYNC scope (an ERP may send files as well as records).
      if (!actor.permissions.has('erp:sync')) {
        return (void res.status(403).json({ error: 'Spreadsheet imports are for administrators and ERP_SYNC API keys.' }), null);
      }
      return createContext({ requestId: String(res.locals.requestId ?? randomUUID()), em, actor, services, logger, ip: req.ip ?? '' });
    } catch (error) {
      if (error instanceof GraphQLError) return (void res.status(401).json({ error: error.message }), null);
      throw error;
    }
  };

  app.get(/^\/imports\/templates\/([a-z-]{1,40})\.(csv|xlsx)$/, async (req, res, next) => {
    try {
      const ctx = await context(req, res);
      if (!ctx) return;
      const kind = kindFromSlug(req.params[0]!);
      if (!kind) return void res.status(404).json({ error: `No import kind ${req.params[0]}.` });
      const format = req.params[1]!.toUpperCase() as SpreadsheetFormat;
      const language = req.query.lang === 'en' ? 'en' : 'zh-CN';
      res.type(CONTENT_TYPES[format]);
      res.setHeader('content-disposition', `attachment; filename="template-${req.params[0]}-${language}.${req.params[1]}"`);
      await writeTemplate(kind, format, language, res);
    } catch (error) {
      next(error);
    }
  });

  app.post('/imports', async (req, res, next) => {
    const dir = services.imports.options.dir;
    try {
      const ctx = await context(req, res);
      if (!ctx) return void req.resume();
      if (!String(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
        return void res.status(415).json({ error: 'Send multipart/form-data.', code: 'VALIDATION_FAILED' });
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > maxBytes + 64 * 1024) {
        res.setHeader('connection', 'close');
        return void res
          .status(413)
          .json({ error: `The file is larger than ${Math.floor(maxBytes / 1_048_576)} MB (IMPORT_MAX_BYTES).`, code: 'PAYLOAD_TOO_LARGE' });
      }
      await mkdir(dir, { recursive: true });
      let upload;
      try {
        upload = await receiveUpload(req, dir, maxBytes);
      } catch (error) {
        if (!(error instanceof UploadRefused)) throw error;
        res.setHeader('connection', 'close');
        return void res.status(error.status).json({ error: error.message, code: error.code });
      }
      const file = path.join(dir, upload.storedAs);
      if (!(await sniff(file, upload.format))) {
        await rm(file, { force: true });
        return void res.status(415).json({
          error: upload.format === 'XLSX' ? 'The file is not an XLSX workbook.' : 'The file is not a UTF-8 text (CSV) file.',
          code: 'VALIDATION_FAILED',
        });
      }
      const result = await services.imports.create(ctx, {
        kind: String(upload.fields.kind ?? ''),
        source: String(upload.fields.source ?? '').trim() || DEFAULT_IMPORT_SOURCE,
        fileName: upload.fileName,
        format: upload.format,
        sizeBytes: upload.size,
        storedAs: upload.storedAs,
      });
      if (result instanceof ErrorResult) {
        await rm(file, { force: true });
        return void res.status(400).json({ error: result.message, code: result.code });
      }
      res.status(201).json({ id: result.id, status: result.status });
    } catch (error) {
      next(error);
    }
  });

  app.get(/^\/imports\/([0-9a-fA-F-]{36})\/errors\.(csv|xlsx)$/, async (req, res, next) => {
    try {
      const ctx = await context(req, res);
      if (!ctx) return;
      const id = req.params[0]!;
      const run = UUID_RE.test(id) ? await ctx.em.findOne(ImportRun, { id }) : null;
      if (!run) return void res.status(404).json({ error: 'There is no such import.' });
      const started = !([ImportRunStatus.VALIDATING, ImportRunStatus.VALIDATED, ImportRunStatus.FAILED] as ImportRunStatus[]).includes(
        run.status,
      );
      const phase =
        req.query.phase === 'DRY_RUN' || req.query.phase === 'IMPORT'
          ? (req.query.phase as ImportPhase)
          : started
            ? ImportPhase.IMPORT
            : ImportPhase.DRY_RUN;
      const format = req.params[1]!.toUpperCase() as SpreadsheetFormat;
      const stored = path.join(services.imports.options.dir, run.storedAs);
      const filePath = run.status !== ImportRunStatus.FAILED && existsSync(stored) ? stored : null;
      res.type(CONTENT_TYPES[format]);
      res.setHeader('content-disposition', `attachment; filename="import-errors-${run.id.slice(0, 8)}.${req.params[1]}"`);
      await writeErrorReport(ctx.em, run, phase, filePath, format, res);
    } catch (error) {
      next(error);
    }
  });
}
