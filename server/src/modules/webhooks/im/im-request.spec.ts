import { describe, expect, it } from 'vitest';
import { dingtalkSign } from './dingtalk.js';
import { feishuSign } from './feishu.js';
import { inert, type ImEvent } from './im-message.js';
import { IM_EVENT_TYPES, imAccepted, imRequest, imTestRequest } from './im-request.js';
import { WECOM_MAX_CONTENT_BYTES } from './wecom.js';

const APP = { appUrl: 'https://ot.example.com/' };
const NOW = new Date('2025-12-01T00:00:00.000Z');
const WECOM_URL = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx';
const DINGTALK_URL = 'https://oapi.dingtalk.com/robot/send?access_token=abc123';
const FEISHU_URL = 'https://open.feishu.cn/open-apis/bot/v2/hook/5e3d587e';

function event(type: string, data: Record<string, unknown>, extra: Partial<ImEvent> = {}): ImEvent {
  return {
    type,
    occurredAt: NOW,
    actorType: 'USER',
    actorName: '张志强',
    terminationNumber: 'T-2026-00042',
    data,
    ...extra,
  };
}

const submitted = event('termination.submitted', {
  order: 'SO-2026-00005',
  route: ['2:FINANCE', '1:PURCHASING', '1:WAREHOUSE', '3:MANAGEMENT'],
});

/** The text a reader sees, whatever the vendor's envelope. */
function wecomContent(body: string): string {
  return (JSON.parse(body) as { markdown: { content: string } }).markdown.content;
}

describe('IM channels: which events and what they say', () => {
  it('announces approvals due, decisions, SLA breaches, comments and effect, and nothing else', () => {
    expect([...IM_EVENT_TYPES].sort()).toEqual(
      [
        'approval.approved',
        'approval.overdue',
        'approval.rejected',
        'approval.stage_activated',
        'followup.overdue',
        'termination.comment_added',
        'termination.effective',
        'termination.submitted',
      ].sort(),
    );
    for (const type of [
      'termination.closed',
      'followup.completed',
      'user.password_changed',
      'termination.effect_applied',
      'termination.comment_edited',
    ]) {
      expect(imRequest('WECOM', WECOM_URL, null, event(type, {}), APP, NOW)).toBeNull();
    }
    // An event about no termination has no page to link to.
    expect(imRequest('WECOM', WECOM_URL, null, { ...submitted, terminationNumber: null }, APP, NOW)).toBeNull();
  });

  it('a submission asks the first stage of the route, in Chinese first, linking to the termination page', () => {
    const text = wecomContent(imRequest('WECOM', WECOM_URL, null, submitted, APP, NOW)!.body);
    expect(text).toContain('待审批');
    expect(text).toContain('**T-2026-00042**');
    expect(text).toContain('**采购部、仓储部**');
    expect(text).not.toContain('财务部');
    expect(text).toContain('SO-2026-00005');
    expect(text).toContain('[查看终止申请 Open](https://ot.example.com/terminations/T-2026-00042)');
    expect(text.indexOf('待审批')).toBeLessThan(text.indexOf('awaits approval by Purchasing, Warehouse'));
  });

  it('each announced event names the termination, what happened and the department', () => {
    const cases: [ImEvent, string[]][] = [
      [event('approval.stage_activated', { stage: 2, departments: ['FINANCE'] }), ['第 2 阶段', '**财务部**']],
      [
        event('approval.approved', { stage: 1, department: 'PURCHASING', comment: '同意' }),
        ['已批准', '**采购部**', '张志强', '意见：同意'],
      ],
      [event('approval.rejected', { stage: 1, department: 'WAREHOUSE', comment: null }), ['驳回', '**仓储部**']],
      [
        event(
          'approval.overdue',
          { department: 'FINANCE', dueAt: '2025-11-30T10:00:00.000Z' },
          { actorType: 'SYSTEM', actorName: 'system' },
        ),
        ['审批超时', '**财务部**', '2025-11-30 18:00（北京时间）'],
      ],
      [event('followup.overdue', { department: 'WAREHOUSE', kind: 'STOCK_CONFIRMATION' }), ['跟进超时', '「确认库存」', '**仓储部**']],
      [event('termination.effective', { from: 'AWAITING_CUSTOMER', to: 'EFFECTIVE', event: 'CUSTOMER_ACCEPT' }), ['已生效', '客户已确认']],
      [
        event('termination.effective', {
          from: 'PENDING_APPROVAL',
          to: 'EFFECTIVE',
          event: 'APPROVED_ALL',
          effect: {
            orderStatus: 'TERMINATED',
            purchaseOrders: [
              { number: 'PO-1', action: 'CANCEL', lines: [] },
              { number: 'PO-2', action: 'REDUCE', lines: [] },
              { number: 'PO-3', action: 'CANCEL', lines: [] },
            ],
            reservationsReleased: [{ sku: 'A', warehouse: 'W1', quantity: 3 }],
            settlement: { kind: 'REFUND', refundDue: '100.00', fee: '0.00' },
            tasks: ['SUPPLIER_CANCELLATION', 'STOCK_CONFIRMATION'],
          },
        }),
        ['已生效', '采购单：整单取消 2 张，减量 1 张', '释放库存预留 1 项', '跟进任务：确认供应商取消、确认库存'],
      ],
    ];
    for (const [e, expected] of cases) {
      const text = wecomContent(imRequest('WECOM', WECOM_URL, null, e, APP, NOW)!.body);
      for (const piece of [...expected, 'T-2026-00042', '/terminations/T-2026-00042']) expect(text, e.type).toContain(piece);
    }
    // The system is nobody: no "（system）".
    const overdue = wecomContent(
      imRequest(
        'WECOM',
        WECOM_URL,
        null,
        event('approval.overdue', { department: 'FINANCE', dueAt: 'x' }, { actorType: 'SYSTEM', actorName: 'system' }),
        APP,
        NOW,
      )!.body,
    );
    expect(overdue).not.toContain('system');
    expect(overdue).not.toContain('代理人');
    // Escalated to a deputy standing in: the message names them (made inert like every name).
    const escalated = wecomContent(
      imRequest(
        'WECOM',
        WECOM_URL,
        null,
        event(
          'approval.overdue',
          { department: 'SALES', dueAt: 'x', escalatedTo: [{ userId: 'u1', name: '李*晓梅' }] },
          { actorType: 'SYSTEM', actorName: 'system' },
        ),
        APP,
        NOW,
      )!.body,
    );
    expect(escalated).toContain('已转交代理人 **李＊晓梅**');
    // A comment names whom it mentions; one without mentions is still a comment.
    const comment = (mentions: unknown) =>
      wecomContent(
        imRequest('WECOM', WECOM_URL, null, event('termination.comment_added', { body: '请确认 *退款*', mentions }), APP, NOW)!.body,
      );
    const withMentions = comment({ users: [{ userId: 'u1', name: '陈静' }], departments: ['FINANCE'] });
    expect(withMentions).toContain('提及：终止申请 T-2026-00042');
    expect(withMentions).toContain('有新评论（张志强），提及 **@财务部、@陈静**：');
    expect(withMentions).toContain('请确认 ＊退款＊');
    expect(withMentions).toContain('mentioning @Finance, @陈静');
    const plain = comment({ users: [], departments: [] });
    expect(plain).toContain('评论：终止申请 T-2026-00042');
    expect(plain).not.toContain('提及');
    // A stage without departments (a test event has no data) still reads as a sentence.
    const bare = wecomContent(imRequest('WECOM', WECOM_URL, null, event('termination.submitted', {}), APP, NOW)!.body);
    expect(bare).toContain('已提交（张志强），等待审批。');
    expect(bare).not.toContain('****');
  });

  it('data cannot inject markup: markdown and HTML syntax in names and comments is made inert', () => {
    expect(inert('**粗体** [点我](http://evil.example) <font color="red">x</font> <at user_id="all"></at> # _a_ `c` ~~s~~ | & \\')).toBe(
      '＊＊粗体＊＊ ［点我］(http://evil.example) ＜font color="red"＞x＜/font＞ ＜at user＿id="all"＞＜/at＞ ＃ ＿a＿ ｀c｀ ～～s～～ ｜ ＆ ＼',
    );
    expect(inert('line one\n# heading\r\n> quote')).toBe('line one ＃ heading ＞ quote');
    expect(inert('长'.repeat(500))).toHaveLength(200);

    const hostile = event(
      'approval.rejected',
      { stage: 1, department: 'PURCHASING', comment: '见 [付款链接](https://evil.example)\n### 已批准 <@all>' },
      { actorName: '**管理员**' },
    );
    for (const kind of ['WECOM', 'DINGTALK', 'FEISHU'] as const) {
      const body = imRequest(
        kind,
        kind === 'WECOM' ? WECOM_URL : kind === 'DINGTALK' ? DINGTALK_URL : FEISHU_URL,
        null,
        hostile,
        APP,
        NOW,
      )!.body;
      expect(body, kind).not.toContain('](https://evil.example)');
      expect(body, kind).not.toContain('<@all>');
      expect(body, kind).not.toContain('\\n### 已批准');
      expect(body, kind).not.toContain('**管理员**');
      expect(body, kind).toContain('［付款链接］');
    }
    // An odd termination number is escaped in the text and percent-encoded in the link.
    const odd = wecomContent(imRequest('WECOM', WECOM_URL, null, { ...submitted, terminationNumber: 'T 1)[x]' }, APP, NOW)!.body);
    expect(odd).toContain('https://ot.example.com/terminations/T%201)%5Bx%5D');
  });
});

describe('IM channels: each vendor’s format and signing', () => {
  it('WeCom: markdown to the pasted URL, no signing, content within 4096 bytes', () => {
    const request = imRequest('WECOM', WECOM_URL, 'ignored', submitted, APP, NOW)!;
    expect(request.url).toBe(WECOM_URL);
    expect(request.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request.body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['markdown', 'msgtype']);
    expect(body.msgtype).toBe('markdown');

    const long = event('approval.approved', { stage: 1, department: 'X'.repeat(5000), comment: '很长'.repeat(3000) });
    const content = wecomContent(imRequest('WECOM', WECOM_URL, null, long, APP, NOW)!.body);
    expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(WECOM_MAX_CONTENT_BYTES);
    expect(content).toContain('/terminations/T-2026-00042)');
  });

  it('DingTalk: timestamp (ms) and the url-encoded HMAC-SHA256 sign in the query; an actionCard with a button', () => {
    const secret = 'SECtestsecret0123456789abcdef';
    // Known answer computed with Python's hmac/base64/urllib (DingTalk's own sample code).
    expect(dingtalkSign(secret, 1764547200000)).toBe('ny7V/FRkU4qBl4oj53djPo8xIAC06g7VdAbToIrRZJs=');
    const request = imRequest('DINGTALK', DINGTALK_URL, secret, submitted, APP, NOW)!;
    expect(request.url).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1764547200000&sign=ny7V%2FFRkU4qBl4oj53djPo8xIAC06g7VdAbToIrRZJs%3D',
    );
    const body = JSON.parse(request.body) as { msgtype: string; actionCard: Record<string, string> };
    expect(body.msgtype).toBe('actionCard');
    expect(body.actionCard.title).toBe('待审批：终止申请 T-2026-00042');
    expect(body.actionCard.text).toContain('**采购部、仓储部**');
    expect(body.actionCard.singleURL).toBe('https://ot.example.com/terminations/T-2026-00042');
    expect(body.actionCard.singleTitle).toBeTruthy();
    // Without 加签 the URL is left as pasted.
    expect(imRequest('DINGTALK', DINGTALK_URL, null, submitted, APP, NOW)!.url).toBe(DINGTALK_URL);
  });

  it('Feishu: timestamp (seconds, string) and sign in the body, key = timestamp\\nsecret over an empty message; an interactive card', () => {
    // Known answer computed with Python's hmac/base64 (Feishu's documented algorithm).
    expect(feishuSign('fs-secret-abc', 1764547200)).toBe('TUAYDbQQ9kLIAe1hrCihs4P0SZ23bKu8Lr3osTEHYMA=');
    const request = imRequest('FEISHU', FEISHU_URL, 'fs-secret-abc', submitted, APP, NOW)!;
    expect(request.url).toBe(FEISHU_URL);
    const body = JSON.parse(request.body) as {
      timestamp: string;
      sign: string;
      msg_type: string;
      card: { header: { title: { content: string } }; elements: { tag: string; actions?: { url: string }[] }[] };
    };
    expect(body.timestamp).toBe('1764547200');
    expect(body.sign).toBe('TUAYDbQQ9kLIAe1hrCihs4P0SZ23bKu8Lr3osTEHYMA=');
    expect(body.msg_type).toBe('interactive');
    expect(body.card.header.title.content).toBe('待审批：终止申请 T-2026-00042');
    expect(body.card.elements.find((e) => e.tag === 'action')!.actions![0]!.url).toBe('https://ot.example.com/terminations/T-2026-00042');
    const unsigned = JSON.parse(imRequest('FEISHU', FEISHU_URL, null, submitted, APP, NOW)!.body) as Record<string, unknown>;
    expect('sign' in unsigned || 'timestamp' in unsigned).toBe(false);
  });

  it('a test message is sent in each format', () => {
    for (const kind of ['WECOM', 'DINGTALK', 'FEISHU'] as const) {
      const request = imTestRequest(kind, kind === 'WECOM' ? WECOM_URL : kind === 'DINGTALK' ? DINGTALK_URL : FEISHU_URL, 'SECx', APP, NOW);
      expect(request.body, kind).toContain('测试消息');
      expect(request.body, kind).toContain('https://ot.example.com/terminations');
    }
  });
});

describe('IM channels: reading the robot’s reply', () => {
  it('WeCom and DingTalk accept with errcode 0 and refuse with another errcode inside an HTTP 200', () => {
    for (const kind of ['WECOM', 'DINGTALK'] as const) {
      expect(imAccepted(kind, 200, '{"errcode":0,"errmsg":"ok"}')).toEqual({ ok: true });
      expect(imAccepted(kind, 200, '{"errcode":310000,"errmsg":"sign not match"}')).toEqual({
        ok: false,
        error: 'errcode 310000: sign not match',
      });
    }
  });

  it('Feishu accepts code 0, or StatusCode 0 from older robots, and refuses other codes', () => {
    expect(imAccepted('FEISHU', 200, '{"code":0,"msg":"success","data":{},"StatusCode":0,"StatusMessage":"success"}')).toEqual({
      ok: true,
    });
    expect(imAccepted('FEISHU', 200, '{"Extra":null,"StatusCode":0,"StatusMessage":"success"}')).toEqual({ ok: true });
    expect(
      imAccepted('FEISHU', 200, '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}'),
    ).toEqual({
      ok: false,
      error: 'code 19021: sign match fail or timestamp is not within one hour from current time',
    });
  });

  it('an HTTP error or a reply that is not JSON is a failure', () => {
    expect(imAccepted('WECOM', 502, '<html>bad gateway</html>')).toEqual({ ok: false, error: 'HTTP 502' });
    expect(imAccepted('FEISHU', 400, '{"code":9499,"msg":"Bad Request","data":{}}')).toEqual({
      ok: false,
      error: 'HTTP 400 (code 9499: Bad Request)',
    });
    expect(imAccepted('DINGTALK', 200, 'ok')).toEqual({ ok: false, error: 'The robot did not answer with a JSON object.' });
    expect(imAccepted('DINGTALK', 200, '{}')).toEqual({ ok: false, error: 'The robot answered without an errcode.' });
    expect(imAccepted('FEISHU', 200, '{"msg":"?"}')).toEqual({ ok: false, error: 'The robot answered without a code.' });
  });
});
