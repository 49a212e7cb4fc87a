import { Invalid } from '../lib/errors.js';
import { asText } from '../lib/text.js';
import type { NotificationChannel } from './gateway.js';

/**
 * The notice texts (DOMAIN.md §6 reminders and disconnection notices, §7 warnings). `{name}`
 * placeholders are filled from the call's params; the customer's `name` and `accountNo` are
 * always available. Chinese is the text sent; English is kept for the demo UI and tests.
 */
export interface NotificationTemplate {
  channel: NotificationChannel;
  zh: { subject?: string; body: string };
  en: { subject?: string; body: string };
}

const SIGNATURE = '【国网电力】';

export const NOTIFICATION_TEMPLATES = {
  // The customer hall's one-time code (server/hall/sms-codes.ts): the only copy of the plain code.
  hall_sms_code: {
    channel: 'sms',
    zh: { body: `${SIGNATURE}您的网上营业厅验证码为{code}，{minutes}分钟内有效，请勿告诉他人。` },
    en: { body: 'Your online business hall code is {code}, valid for {minutes} minutes. Do not share it.' },
  },
  bill_issued: {
    channel: 'sms',
    zh: { body: `${SIGNATURE}尊敬的{name}，您户号{accountNo}的{period}电费{amount}元已出账，请于{dueDate}前缴纳。` },
    en: { body: 'Dear {name}, the {period} bill of account {accountNo}, {amount} yuan, is due by {dueDate}.' },
  },
  arrears_reminder: {
    channel: 'sms',
    zh: {
      body: `${SIGNATURE}尊敬的{name}，您户号{accountNo}截至{asOf}欠电费{arrears}元，违约金{lateFee}元，请尽快缴纳，以免影响正常用电。`,
    },
    en: {
      body: 'Dear {name}, account {accountNo} owes {arrears} yuan as of {asOf}, late fee {lateFee} yuan. Please pay soon.',
    },
  },
  disconnection_notice: {
    channel: 'sms',
    zh: {
      body: `${SIGNATURE}停电通知：您户号{accountNo}欠电费{arrears}元已逾期{daysOverdue}天，经催缴仍未结清，将于{disconnectAt}起依法中止供电。结清后24小时内恢复供电。`,
    },
    en: {
      body: 'Disconnection notice: account {accountNo} owes {arrears} yuan, {daysOverdue} days overdue; supply stops from {disconnectAt} unless paid. Reconnection within 24 h of payment.',
    },
  },
  disconnection_final_notice: {
    channel: 'sms',
    zh: { body: `${SIGNATURE}最后通知：您户号{accountNo}将于{disconnectAt}中止供电，欠费{arrears}元。` },
    en: { body: 'Final notice: supply to account {accountNo} stops at {disconnectAt}; arrears {arrears} yuan.' },
  },
  disconnected: {
    channel: 'sms',
    zh: { body: `${SIGNATURE}您户号{accountNo}因欠费已中止供电，缴清电费后24小时内恢复供电。` },
    en: { body: 'Supply to account {accountNo} is stopped for arrears; it is restored within 24 h of payment.' },
  },
  arrears_settled: {
    channel: 'sms',
    zh: { body: `${SIGNATURE}您户号{accountNo}的欠费已结清，其中电费违约金{lateFee}元，感谢您的支持。` },
    en: { body: 'The arrears of account {accountNo} are settled, late fee {lateFee} yuan. Thank you.' },
  },
  reconnected: {
    channel: 'sms',
    zh: { body: `${SIGNATURE}您户号{accountNo}已恢复供电。` },
    en: { body: 'Supply to account {accountNo} is restored.' },
  },
  risk_warning: {
    channel: 'email',
    zh: {
      subject: '高风险用户预警（{level}级）：{accountNo}',
      body: '客户{name}（户号{accountNo}）被列为{level}级高风险用户，触发规则{rules}，欠费{arrears}元，请于{deadline}前采取措施并反馈。',
    },
    en: {
      subject: 'High-risk customer warning (level {level}): {accountNo}',
      body: 'Customer {name} ({accountNo}) is a level {level} high-risk customer (rules {rules}, arrears {arrears} yuan). Take a measure and report by {deadline}.',
    },
  },
  // To staff, not customers: HQ's supervisors and the province's managers (DOMAIN.md §7 督办).
  risk_province_overdue: {
    channel: 'sms',
    zh: {
      body: `${SIGNATURE}{name}：集团客户{customerName}（户号{accountNo}）{level}级高风险预警，{provinceName}未在{deadline}前反馈处置措施，已督办，请尽快处置并反馈。`,
    },
    en: {
      body: '{name}: {provinceName} did not report a measure by {deadline} on the level {level} high-risk warning of the group customer {customerName} ({accountNo}); it is escalated (督办). Act and report at once.',
    },
  },
  // To staff: the province's answering staff of an order HQ pressed (DOMAIN.md §7 督办).
  risk_warning_escalated: {
    channel: 'sms',
    zh: {
      body: `${SIGNATURE}{name}：总部督办{customerName}（户号{accountNo}）{level}级高风险预警（第{escalations}次）：{reason}。请于{deadline}前处置并反馈。`,
    },
    en: {
      body: '{name}: HQ escalates (督办) the level {level} high-risk warning of {customerName} ({accountNo}), time {escalations}: {reason}. Act and report by {deadline}.',
    },
  },
  connection_completed: {
    channel: 'sms',
    zh: {
      body: `${SIGNATURE}尊敬的{name}，您的用电申请（业务号{applicationNo}）已于{energisedOn}装表送电，户号{accountNo}。感谢您的支持。`,
    },
    en: {
      body: 'Dear {name}, your connection (application {applicationNo}) was energised on {energisedOn}; your account number is {accountNo}.',
    },
  },
  meter_test_result: {
    channel: 'sms',
    zh: {
      body: `${SIGNATURE}您户号{accountNo}的电能表（资产号{assetNo}）校验结果：误差{errorPercent}%，允许误差±{allowedErrorPercent}%，{verdict}。`,
    },
    en: {
      body: 'The meter {assetNo} of account {accountNo} tested at {errorPercent} % (limit ±{allowedErrorPercent} %): {verdict}.',
    },
  },
  adjustment_posted: {
    channel: 'sms',
    zh: {
      body: `${SIGNATURE}您户号{accountNo}的电费退补已入账：退补电量{kwh}千瓦时，退补电费{amount}元（负数退还给您，正数请于{dueDate}前缴纳）。`,
    },
    en: {
      body: 'The billing adjustment of account {accountNo} is posted: {kwh} kWh, {amount} yuan (negative: refunded to you; positive: due by {dueDate}).',
    },
  },
  late_fee_waived: {
    channel: 'sms',
    zh: { body: `${SIGNATURE}您户号{accountNo}{period}电费的违约金减免已批准，减免{amount}元。` },
    en: {
      body: 'The late fee on the {period} bill of account {accountNo} is reduced by {amount} yuan (waiver approved).',
    },
  },
  late_fee_waived_in_full: {
    channel: 'sms',
    zh: { body: `${SIGNATURE}您户号{accountNo}{period}电费的违约金已批准全额减免。` },
    en: { body: 'The late fee on the {period} bill of account {accountNo} is waived in full.' },
  },
  late_fee_deferred: {
    channel: 'sms',
    zh: { body: `${SIGNATURE}您户号{accountNo}{period}电费的违约金缓收已批准，自{deferTo}次日起计收。` },
    en: {
      body: 'The late fee on the {period} bill of account {accountNo} is deferred: it counts from the day after {deferTo}.',
    },
  },
  change_accepted: {
    channel: 'sms',
    zh: {
      body: `${SIGNATURE}尊敬的{name}，您户号{accountNo}的{changeName}申请（业务号{applicationNo}）已受理，我们将按约定时间办理。`,
    },
    en: { body: 'Dear {name}, your {changeName} application {applicationNo} for account {accountNo} is accepted.' },
  },
  change_refused: {
    channel: 'sms',
    zh: {
      body: `${SIGNATURE}尊敬的{name}，您户号{accountNo}的{changeName}申请（业务号{applicationNo}）未能办理：{reason}`,
    },
    en: {
      body: 'Dear {name}, your {changeName} application {applicationNo} for account {accountNo} cannot proceed: {reason}',
    },
  },
  change_completed: {
    channel: 'sms',
    zh: { body: `${SIGNATURE}尊敬的{name}，您户号{accountNo}的{changeName}已于{completedOn}办结。` },
    en: { body: 'Dear {name}, the {changeName} of account {accountNo} was completed on {completedOn}.' },
  },
  // To every customer of a transformer area or feeder (server/grid/outages.service.ts).
  planned_outage: {
    channel: 'sms',
    zh: {
      body: `${SIGNATURE}计划停电通知：因{reason}，{target}供电范围将于{startsAt}至{endsAt}停电，您户号{accountNo}在停电范围内，请提前做好准备。`,
    },
    en: {
      body: 'Planned outage: supply from {target} stops from {startsAt} to {endsAt} ({reason}); account {accountNo} is affected.',
    },
  },
} as const satisfies Record<string, NotificationTemplate>;

export type TemplateCode = keyof typeof NOTIFICATION_TEMPLATES;

export const TEMPLATE_CODES = Object.keys(NOTIFICATION_TEMPLATES) as TemplateCode[];

export function isTemplateCode(code: string): code is TemplateCode {
  return Object.prototype.hasOwnProperty.call(NOTIFICATION_TEMPLATES, code);
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Fills a text's placeholders; a missing value is a 400 naming it (never a notice with "{amount}" in it). */
function fill(text: string, params: Readonly<Record<string, unknown>>, template: string): string {
  const missing = new Set<string>();
  const out = text.replace(PLACEHOLDER, (_, key: string) => {
    const value = params[key];
    if (value === undefined || value === null || value === '') {
      missing.add(key);
      return '';
    }
    return Array.isArray(value) ? value.join(', ') : asText(value);
  });
  if (missing.size) {
    throw new Invalid(
      'NOTIFICATION_PARAMS_MISSING',
      `template ${template} needs ${[...missing].join(', ')}`,
      [...missing].map((key) => ({ field: `params.${key}`, reason: 'required by the template' })),
    );
  }
  return out;
}

export interface RenderedNotice {
  subject: string | null;
  body: string;
}

export function renderTemplate(
  code: TemplateCode,
  params: Readonly<Record<string, unknown>>,
  locale: 'zh' | 'en' = 'zh',
): RenderedNotice {
  const text: { subject?: string; body: string } = NOTIFICATION_TEMPLATES[code][locale];
  return {
    subject: text.subject === undefined ? null : fill(text.subject, params, code),
    body: fill(text.body, params, code),
  };
}
