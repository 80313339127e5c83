import { eventTypeName, IM_EVENT_TYPES } from '@ot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startImReceiver, type ImReceiver, type ImVendor } from '../harness/im-receivers.js';
import type { TestServer } from '../harness/server.js';
import { HEAD_OF, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

/**
 * IM channels end to end: group robots of the three vendors (local receivers that check each
 * vendor's documented format and signature) are registered as endpoints through the API; a
 * termination is submitted, approved and takes effect; the server's worker announces each step
 * to every robot, signed, with a link to the termination's page.
 */

const PUBLIC_URL = 'https://erp.example.com';
const IM_TYPES = IM_EVENT_TYPES.map(eventTypeName);

let server: TestServer;
let wf: Workflow;
const robots = new Map<ImVendor, ImReceiver>();

beforeAll(async () => {
  ({ server, wf } = await startWorkflowServer({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', RUN_WORKER: '1', PUBLIC_URL } }));
  for (const kind of ['WECOM', 'DINGTALK', 'FEISHU'] as const) robots.set(kind, await startImReceiver(kind));
});

afterAll(async () => {
  await Promise.all([...robots.values()].map((r) => r.close()));
  await server?.close();
});

describe('IM channels through the server', () => {
  it(
    'every robot hears the approvals due, each decision and the effect, signed and linking to the page',
    { timeout: 120_000 },
    async () => {
      // What the schema offers of the types IM channels announce.
      const schema = await wf.as<{ __type: { enumValues: { name: string }[] } }>(
        'admin@example.com',
        `{ __type(name: "EventType") { enumValues { name } } }`,
      );
      const eventTypes = schema.__type.enumValues.map((v) => v.name).filter((name) => IM_TYPES.includes(name));
      expect(eventTypes).toEqual(expect.arrayContaining(['TERMINATION_SUBMITTED', 'APPROVAL_APPROVED', 'TERMINATION_EFFECTIVE']));

      for (const [kind, robot] of robots) {
        const created = await wf.as<{ createWebhookEndpoint: { __typename: string; secret: string | null; message?: string } }>(
          'admin@example.com',
          `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
          __typename ... on CreateWebhookEndpointSuccess { secret } ... on ErrorResult { message } } }`,
          { input: { kind, url: robot.url, eventTypes, signingSecret: robot.secret, description: `${kind} robot` } },
        );
        expect(created.createWebhookEndpoint, kind).toMatchObject({ __typename: 'CreateWebhookEndpointSuccess', secret: null });
      }

      const submitted = await wf.submit('clerk@example.com', {
        orderNumber: 'SO-2026-00005',
        reasonCode: 'DUPLICATE_ORDER',
        explanation: 'IM channels end to end',
      });
      expect(submitted.__typename, JSON.stringify(submitted)).toBe('SubmitTerminationSuccess');
      // The warehouse head asks finance in the thread: the groups that chose comments hear whom it mentions.
      const commented = await wf.as<{ addTerminationComment: { __typename: string } }>(
        HEAD_OF.WAREHOUSE!,
        `mutation($i: AddTerminationCommentInput!) { addTerminationComment(input: $i) { __typename } }`,
        { i: { terminationId: submitted.termination!.id, body: '@财务部 请确认退款' } },
      );
      expect(commented.addTerminationComment.__typename).toBe('TerminationCommentSuccess');
      const termination = await wf.approveAndAccept(submitted.termination!.id);
      expect(termination.status).toMatch(/^(EFFECTIVE|CLOSED)$/);
      const number = termination.number;
      const link = `${PUBLIC_URL}/terminations/${number}`;

      for (const [kind, robot] of robots) {
        await expect
          .poll(() => robot.received.some((m) => m.title.includes('已生效')), { timeout: 60_000, message: `${kind} effect` })
          .toBe(true)
          .catch(async (error: Error) => {
            const deliveries = await server.sql(
              `select event_type, status, attempts, response_status, error from webhook_delivery order by created_at`,
            );
            throw new Error(
              `${error.message}\nreceived: ${JSON.stringify(robot.received.map((m) => m.title))}\nrefused: ${JSON.stringify(robot.refused)}\ndeliveries: ${JSON.stringify(deliveries)}`,
            );
          });
        expect(robot.refused, kind).toEqual([]);
        const mine = robot.received.filter((m) => m.title.includes(number));
        expect(
          mine.every((m) => m.link === link),
          kind,
        ).toBe(true);
        // The submission asks the route's first stage.
        const firstStage = Math.min(...termination.approvalSteps.map((s) => s.stage));
        expect(mine.filter((m) => m.title.startsWith('待审批')).length, kind).toBeGreaterThanOrEqual(1);
        expect(mine.some((m) => m.title === `待审批：终止申请 ${number}`)).toBe(true);
        expect(termination.approvalSteps.some((s) => s.stage === firstStage)).toBe(true);
        // The effect says what was applied and which follow-up tasks are now open.
        const effective = mine.find((m) => m.title.startsWith('已生效'))!;
        expect(effective.text, kind).toContain('跟进任务：');
        const mention = mine.find((m) => m.title.startsWith('提及'));
        expect(mention?.text, kind).toContain('提及 **@财务部**');
        expect(mention?.text, kind).toContain('请确认退款');
        // One "approved" per approval step (deliveries are at-least-once: a retry may repeat one).
        const approvals = mine.filter((m) => m.title.startsWith('已批准'));
        expect(new Set(approvals.map((m) => m.text)).size, kind).toBe(termination.approvalSteps.length);
      }
    },
  );
});
