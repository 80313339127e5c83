import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
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
