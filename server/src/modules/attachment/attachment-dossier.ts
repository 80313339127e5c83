import type { EntityManager } from '@mikro-orm/postgresql';
import { Attachment } from './attachment.entity.js';

/** An attachment as the dossier records it: enough to prove which file it was (its hash). */
export interface DossierAttachment {
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
  /** The follow-up task's department when attached to a task. */
  department: string | null;
}

export async function dossierAttachmentsOf(em: EntityManager, terminationId: string): Promise<DossierAttachment[]> {
  const rows = await em.find(
    Attachment,
    { termination: terminationId },
    { populate: ['followUpTask'], orderBy: { createdAt: 'asc', id: 'asc' } },
  );
  return rows.map((a) => ({
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    sha256: a.sha256,
    uploadedBy: a.uploadedBy,
    uploadedAt: a.createdAt.toISOString(),
    department: a.followUpTask?.department ?? null,
  }));
}

/** The dossier's attachments section (HTML), with the dossier's own escaping table helper. */
export function dossierAttachmentsHtml(
  rows: readonly DossierAttachment[],
  table: (headers: string[], rows: unknown[][]) => string,
): string {
  return `<h2>附件 Attachments</h2>${table(
    ['文件 File', '类型 Type', '字节 Bytes', 'SHA-256', '上传人 By', '时间 At', '跟进 Task'],
    rows.map((a) => [a.name, a.contentType, a.size, a.sha256, a.uploadedBy, a.uploadedAt, a.department]),
  )}`;
}
