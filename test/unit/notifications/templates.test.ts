import { describe, expect, it } from 'vitest';
import { NOTIFICATION_TEMPLATES, renderTemplate, TEMPLATE_CODES } from '../../../server/notifications/templates.js';

describe('notification templates', () => {
  it('renders the Chinese text with the customer and the figures', () => {
    const text = renderTemplate('bill_issued', {
      name: '张三',
      accountNo: '3301000001',
      period: '2024-07',
      amount: '197.20',
      dueDate: '2024-08-15',
    });
    expect(text).toEqual({
      subject: null,
      body: '【国网电力】尊敬的张三，您户号3301000001的2024-07电费197.20元已出账，请于2024-08-15前缴纳。',
    });
  });

  it('refuses to render with a missing value, naming every one', () => {
    expect(() => renderTemplate('bill_issued', { name: '张三', accountNo: '1', period: '2024-07' })).toThrow(
      expect.objectContaining({
        code: 'NOTIFICATION_PARAMS_MISSING',
        details: [
          { field: 'params.amount', reason: 'required by the template' },
          { field: 'params.dueDate', reason: 'required by the template' },
        ],
      }),
    );
  });

  it('renders subjects of e-mail templates and the English text', () => {
    const text = renderTemplate(
      'risk_warning',
      { name: 'X', accountNo: '9', level: 'A', rules: ['H2', 'H3'], arrears: '1200000.00', deadline: '2024-09-14' },
      'en',
    );
    expect(text.subject).toBe('High-risk customer warning (level A): 9');
    expect(text.body).toContain('rules H2, H3');
  });

  it.each(TEMPLATE_CODES)('%s uses the same placeholders in zh and en', (code) => {
    const names = (t: { subject?: string; body: string }) =>
      [...`${t.subject ?? ''}${t.body}`.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const template = NOTIFICATION_TEMPLATES[code];
    expect(names(template.en)).toEqual(names(template.zh));
  });
});
