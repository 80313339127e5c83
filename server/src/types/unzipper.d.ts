// The part of unzipper 0.10 (exceljs's own zip reader) that xlsx-rows.ts uses: the central
// directory of an archive read from a source of byte ranges. The package ships no types.
declare module 'unzipper' {
  import type { Readable } from 'node:stream';

  export interface ZipSource {
    size(): Promise<number>;
    stream(offset: number, length?: number): Readable;
  }
  export interface ZipEntry {
    path: string;
    type: 'File' | 'Directory';
    /** The entry's bytes, inflated. */
    stream(): Readable;
  }
  export interface CentralDirectory {
    files: ZipEntry[];
  }
  const unzipper: { Open: { custom(source: ZipSource): Promise<CentralDirectory> } };
  export default unzipper;
}
