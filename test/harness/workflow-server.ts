import { startSmtpServer, type SmtpServer } from './smtp.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';
import { Workflow } from './workflow.js';

/** A test server on a fresh copy of the seeded database, with a Workflow that drives it as the demo users. */
export async function startWorkflowServer(options: TestServerOptions = {}): Promise<{ server: TestServer; wf: Workflow }> {
  const server = await startTestServer(options);
  return { server, wf: new Workflow(server) };
}

/**
 * A test server whose mail goes to a local SMTP server, with links to a public address, as in
 * production; closing the server closes the SMTP server too.
 */
export async function startMailingServer(): Promise<{ server: TestServer; wf: Workflow; smtp: SmtpServer }> {
  const smtp = await startSmtpServer();
  const started = await startTestServer({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://erp.example.com' } }).catch(
    async (error: unknown) => {
      await smtp.close();
      throw error;
    },
  );
  const server: TestServer = {
    ...started,
    close: async () => {
      await started.close();
      await smtp.close();
    },
  };
  return { server, wf: new Workflow(server), smtp };
}
