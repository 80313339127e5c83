import { describe, expect, it } from 'vitest';
import { ALLOWED_ATTACHMENT_TYPES } from './attachment-types.js';
import { FILE_NAME_MAX, sanitiseFileName } from './file-name.js';

const type = (mime: string) => ALLOWED_ATTACHMENT_TYPES.find((t) => t.mime === mime)!;
const pdf = type('application/pdf');

describe('sanitiseFileName', () => {
  it.each([
    ['../../etc/passwd', pdf, 'passwd.pdf'],
    ['C:\\Users\\x\\..\\letter.PDF', pdf, 'letter.pdf'],
    ['a\u0000b\u0007c\u001b.pdf', pdf, 'abc.pdf'],
    ['\u202efdp.exe', pdf, 'fdp_exe.pdf'],
    ['report.pdf.exe', pdf, 'report.pdf'],
    ['report.exe.pdf', pdf, 'report_exe.pdf'],
    ['...', pdf, 'attachment.pdf'],
    ['', pdf, 'attachment.pdf'],
    ['合同 v1.2.pdf', pdf, '合同 v1.2.pdf'],
    ['photo.jpeg', type('image/jpeg'), 'photo.jpeg'],
    ['photo.png', type('image/jpeg'), 'photo.png.jpg'],
    ['a<b>:c?.txt', type('text/plain'), 'a_b__c_.txt'],
  ])('%j as %s is %j', (raw, t, expected) => {
    expect(sanitiseFileName(raw, t)).toBe(expected);
  });

  it('caps the length, keeping the extension', () => {
    const name = sanitiseFileName(`${'x'.repeat(500)}.pdf`, pdf);
    expect(Array.from(name)).toHaveLength(FILE_NAME_MAX);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});
