/**
 * Units of measure are stored as codes; each language has its own label (the client's locales,
 * the server's message catalogue). ERPs send them in their own spellings, Chinese counters or
 * English words: those we know become codes, anything else is kept as sent (the ERP's data).
 */
export const UNIT_CODES = ['PCS', 'ITEM', 'UNIT', 'SET'] as const;
export type UnitCode = (typeof UNIT_CODES)[number];

const SPELLINGS: Record<string, UnitCode> = {
  个: 'PCS',
  pc: 'PCS',
  pcs: 'PCS',
  piece: 'PCS',
  pieces: 'PCS',
  件: 'ITEM',
  item: 'ITEM',
  items: 'ITEM',
  台: 'UNIT',
  unit: 'UNIT',
  units: 'UNIT',
  套: 'SET',
  set: 'SET',
  sets: 'SET',
};

export function isUnitCode(value: string): value is UnitCode {
  return (UNIT_CODES as readonly string[]).includes(value);
}

/** "台" → "UNIT", "pcs" → "PCS"; an unknown unit as sent, trimmed. */
export function unitCode(value: string): string {
  const trimmed = value.trim();
  return SPELLINGS[trimmed.toLowerCase()] ?? (isUnitCode(trimmed.toUpperCase()) ? trimmed.toUpperCase() : trimmed);
}
