import { describe, expect, it } from 'vitest';
import { isUnitCode, unitCode } from './units.js';

describe('unit codes', () => {
  it('turns the spellings ERPs send into codes', () => {
    expect(['个', 'pcs', ' PCS ', 'Pieces'].map(unitCode)).toEqual(['PCS', 'PCS', 'PCS', 'PCS']);
    expect(['台', 'units', 'UNIT'].map(unitCode)).toEqual(['UNIT', 'UNIT', 'UNIT']);
    expect(['套', 'set'].map(unitCode)).toEqual(['SET', 'SET']);
    expect(unitCode('件')).toBe('ITEM');
  });

  it('keeps an unknown unit as sent', () => {
    expect(unitCode(' 卷 ')).toBe('卷');
    expect(unitCode('kg')).toBe('kg');
    expect(isUnitCode('kg')).toBe(false);
    expect(isUnitCode('SET')).toBe(true);
  });
});
