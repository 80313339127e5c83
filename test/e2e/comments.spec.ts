import { describe, expect, it } from 'vitest';
import { FILES } from '../harness/files.js';
import { HEAD_OF, RESULT_FIELDS, Workflow } from '../harness/workflow.js';
import { expectText, useBrowserSessions } from './browser.js';

/** Comments with @mentions (issue #17), and where a clerk standing in for a head decides. */

const run = useBrowserSessions();

async function openOrder(desc: boolean): Promise<string> {
  const [order] = await run.server.sql<{ number: string }>(
    `select o.number from sales_order o where o.status = 'CONFIRMED' and o.number not like 'SO-2026-0000%'
       and not exists (select 1 from termination t where t.order_id = o.id)
       and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
     order by o.number ${desc ? 'desc' : 'asc'} limit 1`,
  );
  return order!.number;
}

describe('comments in the browser', () => {
  it('the warehouse head writes "@财务部 请确认退款"; the finance head is notified and reads it', { timeout: 180_000 }, async () => {
    const wf = new Workflow(run.server);
    const submitted = await wf.submit('clerk@example.com', {
      orderNumber: await openOrder(true),
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: '评论测试',
    });
    expect(submitted.__typename).toBe('SubmitTerminationSuccess');
    const number = submitted.termination!.number as string;

    const warehouse = await run.session.signIn('warehouse head', HEAD_OF.WAREHOUSE!);
    await warehouse.goto(`/terminations/${number}?tab=comments`);
    const thread = warehouse.getByTestId('comment-thread');
    await thread.getByText('暂无评论。').waitFor();
    await thread.getByRole('textbox', { name: '写评论' }).fill('@财务部 请确认退款');
    // A photo goes with the comment: attached to the termination when picked, named by the comment.
    const chooser = warehouse.waitForEvent('filechooser');
    await thread.getByRole('button', { name: '添加附件' }).click();
    await (await chooser).setFiles({ name: '盘点照片.png', mimeType: 'image/png', buffer: FILES.png() });
    await expectText(thread.getByRole('list', { name: '附件' }), '盘点照片.png');
    await thread.getByTestId('comment-send').click();
    await expectText(thread.getByTestId('comment'), '刘德明', '@财务部 请确认退款', '提及：', '财务部', '盘点照片.png');
    const linked = await run.server.sql<{ name: string }>(
      `select a.name from termination_comment c join attachment a on a.id::text in (select jsonb_array_elements_text(c.attachment_ids::jsonb))
        where c.termination_id = $1`,
      [submitted.termination!.id],
    );
    expect(linked).toEqual([{ name: '盘点照片.png' }]);

    // The finance head hears of it in the app and follows the notice to the thread.
    const finance = await run.session.signIn('finance head', HEAD_OF.FINANCE!);
    await finance.getByRole('button', { name: /^通知，[1-9]\d* 条未读$/ }).click();
    await finance.getByRole('button', { name: new RegExp(`${number} 刘德明 在评论中提到了您`) }).click();
    await finance.waitForURL((url) => url.pathname === `/terminations/${number}`);
    await finance.getByRole('tab', { name: '评论' }).click();
    await expectText(finance.getByTestId('comment'), '刘德明', '@财务部 请确认退款', '盘点照片.png');
    expect(run.session.errors).toEqual([]);
  });

  it('a clerk standing in for the sales head has no board and decides on the termination page', { timeout: 180_000 }, async () => {
    const wf = new Workflow(run.server);
    const [clerk] = await run.server.sql<{ id: string }>(`select id from app_user where email = 'clerk@example.com'`);
    const named = await wf.as<{ setApprovalDeputy: { __typename: string } }>(
      HEAD_OF.SALES!,
      `mutation($i: SetApprovalDeputyInput!) { setApprovalDeputy(input: $i) { ${RESULT_FIELDS} } }`,
      {
        i: {
          deputyUserId: clerk!.id,
          from: new Date(Date.now() - 60_000).toISOString(),
          to: new Date(Date.now() + 4 * 3_600_000).toISOString(),
        },
      },
    );
    expect(named.setApprovalDeputy.__typename).toBe('SetApprovalDeputySuccess');
    const submitted = await wf.submit(HEAD_OF.PURCHASING!, {
      orderNumber: await openOrder(false),
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: '文员代理审批',
    });
    expect(submitted.__typename).toBe('SubmitTerminationSuccess');
    const number = submitted.termination!.number as string;

    const page = await run.session.signIn('clerk deputy', 'clerk@example.com');
    // The board is the heads' page: not in a clerk's menu, and refused when typed in.
    await expect(page.getByRole('link', { name: '审批看板' }).count()).resolves.toBe(0);
    await page.goto('/board?department=SALES');
    await page.getByText('无权访问').waitFor();

    // On the termination's page the deputy decides the SALES step for the head.
    await page.goto(`/terminations/${number}`);
    await page.getByRole('button', { name: '批准' }).first().click();
    await page
      .getByRole('tooltip')
      .filter({ hasText: `确认批准 ${number}？` })
      .getByRole('button', { name: '批准' })
      .click();
    await expectText(page.getByTestId('step-deputy-for'), '代 王建国');
    const [step] = await run.server.sql<{ by: string; status: string }>(
      `select d.email as by, s.status from approval_step s join app_user d on d.id = s.decided_by_id
        where s.termination_id = $1 and s.department = 'SALES'`,
      [submitted.termination!.id],
    );
    expect(step).toEqual({ by: 'clerk@example.com', status: 'APPROVED' });
    expect(run.session.errors).toEqual([]);
  });
});
