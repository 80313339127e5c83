import type { SyncRecordKind } from '../../sync-record.js';

/**
 * How a spreadsheet cell becomes a field of a sync record. `path` is where the value goes in the
 * record (`lines[].quantity` for a line of an order: one spreadsheet row per line).
 */
export type ColumnType = 'text' | 'int' | 'decimal' | 'date' | 'bool' | 'enum' | 'feeSchedule';

export interface ImportColumn {
  /** Stable key; also accepted as a header. */
  key: string;
  /** Where the value goes in the sync record; `lines[].x` (`clauses[].x`) for per-line (per-clause) columns. */
  path: string;
  type: ColumnType;
  required?: boolean;
  zh: string;
  en: string;
  /** Allowed values of an `enum` column. */
  values?: readonly string[];
  /** Shown in the template's example row and in the README. */
  example: string;
}

/** One importable kind: its columns and where its records go in SyncRecordsInput. */
export interface ImportKindColumns {
  kind: SyncRecordKind;
  /** The list of SyncRecordsInput that carries this kind (as the sync kind's `field`). */
  field: string;
  /** Orders: several rows (one per line) share the record's external id. */
  hasLines: boolean;
  /**
   * The list those rows fill (default `lines`; contracts fill `clauses`). With `childOptional` a
   * row whose child cells are all empty adds no child (a contract without clauses is one row).
   */
  childField?: 'lines' | 'clauses';
  childOptional?: boolean;
  columns: ImportColumn[];
}

/** The columns every record starts with. */
const RECORD_COLUMNS: ImportColumn[] = [
  { key: 'externalId', path: 'externalId', type: 'text', required: true, zh: '外部编号', en: 'External ID', example: 'C-0001' },
  { key: 'sourceVersion', path: 'sourceVersion', type: 'int', zh: '来源版本', en: 'Source version', example: '1' },
];

/** A kind imported one row per record (master data, stock, shipments …): the record columns, then its own. */
export function rowPerRecord(kind: SyncRecordKind, field: string, columns: ImportColumn[]): ImportKindColumns {
  return { kind, field, hasLines: false, columns: [...RECORD_COLUMNS, ...columns] };
}

/**
 * A kind imported one row per line (orders; contracts per clause): the record columns, then its
 * own, the record's and the per-line ones (`lines[].…`); see ImportKindColumns for `childField`.
 */
export function rowPerLine(
  kind: SyncRecordKind,
  field: string,
  columns: ImportColumn[],
  children: Pick<ImportKindColumns, 'childField' | 'childOptional'> = {},
): ImportKindColumns {
  return { kind, field, hasLines: true, ...children, columns: [...RECORD_COLUMNS, ...columns] };
}

/** The list a kind's per-row child columns fill: `lines` or `clauses`. */
export const childField = (kind: ImportKindColumns) => kind.childField ?? 'lines';

/** What a reference column names: the kind of record in Chinese and English, and an example external id. */
const REFERENCED = {
  customer: ['客户', 'Customer', 'C-0001'],
  supplier: ['供应商', 'Supplier', 'S-0001'],
  contract: ['合同', 'Contract', 'CT-0001'],
  product: ['产品', 'Product', 'P-1001'],
  warehouse: ['仓库', 'Warehouse', 'W-SH'],
  salesOrder: ['销售订单', 'Sales order', 'SO-2026-0001'],
  salesOrderLine: ['销售订单行', 'Sales order line', 'SO-2026-0001-1'],
  invoice: ['发票', 'Invoice', 'INV-2026-0001'],
} as const satisfies Record<string, readonly [zh: string, en: string, example: string]>;

/**
 * The column naming another record by its external id: `customer` is customerExternalId, headed
 * 客户外部编号 / Customer external ID. `line`: one per line (`lines[].…`); `optional`: may be empty.
 */
export function referenceColumn(kind: keyof typeof REFERENCED, options: { line?: boolean; optional?: boolean } = {}): ImportColumn {
  const [zh, en, example] = REFERENCED[kind];
  const key = `${kind}ExternalId`;
  const path = options.line ? `lines[].${key}` : key;
  return {
    key,
    path,
    type: 'text',
    ...(options.optional ? {} : { required: true }),
    zh: `${zh}外部编号`,
    en: `${en} external ID`,
    example,
  };
}

/** A record's name and its optional English name (customers, products: mails and the English UI show nameEn). */
export const nameColumns = (example: string, exampleEn: string): ImportColumn[] => [
  { key: 'name', path: 'name', type: 'text', required: true, zh: '名称', en: 'Name', example },
  { key: 'nameEn', path: 'nameEn', type: 'text', zh: '英文名称', en: 'Name (English)', example: exampleEn },
];

/** The external id of an order's line (`example`: one of the kind's). */
export const lineIdColumn = (example: string): ImportColumn => ({
  key: 'lineExternalId',
  path: 'lines[].externalId',
  type: 'text',
  required: true,
  zh: '行外部编号',
  en: 'Line external ID',
  example,
});
