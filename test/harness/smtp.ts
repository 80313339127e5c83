import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** The message as a reader sees it: headers' encoded words and each part's body (base64 or quoted-printable) decoded. */
  decoded: string;
}

function quotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, '').replace(/(?:=[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/=/g, ''), 'hex').toString('utf8'));
}

/** RFC 2047 encoded words (=?UTF-8?B?…?= / =?UTF-8?Q?…?=) in headers, folded lines joined. */
function headerWords(headers: string): string {
  return headers
    .replace(/\r?\n[ \t]+/g, ' ')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_, kind: string, data: string) =>
      kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : quotedPrintable(data.replace(/_/g, ' ')),
    );
}

/** Decodes every MIME part of a raw message, as a mail program shows it (enough for the mails this product sends). */
export function decodeMail(raw: string): string {
  return raw
    .split(/\r?\n(?=--)/)
    .map((part) => {
      const split = part.search(/\r?\n\r?\n/);
      if (split < 0) return part;
      const headers = part.slice(0, split);
      const body = part.slice(split).replace(/^\r?\n\r?\n/, '');
      const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
      const text =
        encoding === 'base64'
          ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
          : encoding === 'quoted-printable'
            ? quotedPrintable(body)
            : body;
      return `${headerWords(headers)}\n\n${text}`;
    })
    .join('\n');
}

export interface SmtpOptions {
  /** How long the server thinks before answering the end of a message (a slow relay). */
  replyDelayMs?: number;
}

export interface SmtpServer {
  url: string;
  received: ReceivedMail[];
  /** Messages whose end the server saw, accepted or not (a send in progress shows up here first). */
  arriving: () => number;
  setReplyDelay(ms: number): void;
  close(): Promise<void>;
}

/**
 * A real SMTP server on a free local port that keeps what it accepts. A message counts as
 * received when the server answers 250 to it, as with a real relay: one whose sender hung up
 * before that answer (e.g. a killed worker) was never accepted and is dropped.
 */
export async function startSmtpServer(options: SmtpOptions = {}): Promise<SmtpServer> {
  const received: ReceivedMail[] = [];
  const closedSessions = new Set<string>();
  let replyDelayMs = options.replyDelayMs ?? 0;
  let arriving = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onClose(session) {
      closedSessions.add(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        arriving += 1;
        const accept = () => {
          if (closedSessions.has(session.id)) return callback(new Error('sender went away'));
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
            decoded: decodeMail(Buffer.concat(chunks).toString('utf8')),
          });
          callback();
        };
        if (replyDelayMs > 0) setTimeout(accept, replyDelayMs);
        else accept();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    arriving: () => arriving,
    setReplyDelay: (ms) => void (replyDelayMs = ms),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
