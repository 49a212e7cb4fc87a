import { describe, expect, it } from 'vitest';
import { validateFormData, type FormSchema } from '../../../server/forms/validate.js';

const schema: FormSchema = {
  id: 'sample',
  components: [
    { type: 'textfield', key: 'name', label: 'Name', validate: { required: true, minLength: 2, maxLength: 10 } },
    { type: 'textfield', key: 'phone', label: 'Phone', validate: { validationType: 'phone' } },
    { type: 'textfield', key: 'email', label: 'E-mail', validate: { validationType: 'email' } },
    { type: 'textfield', key: 'code', label: 'Code', validate: { pattern: '^[A-Z]{2}\\d{3}$' } },
    { type: 'number', key: 'errorPercent', label: 'Error', decimalDigits: 3, validate: { min: -100, max: 100 } },
    { type: 'number', key: 'kwh', label: 'kWh', increment: '0.01' },
    {
      type: 'select',
      key: 'acceptClass',
      label: 'Class',
      values: [
        { label: 'LV residential', value: '01' },
        { label: 'HV single', value: '03' },
      ],
      validate: { required: true },
    },
    { type: 'checkbox', key: 'confirmed', label: 'Confirmed', validate: { required: true } },
    { type: 'checklist', key: 'docs', label: 'Docs', values: [{ value: 'id' }, { value: 'deed' }] },
    { type: 'datetime', key: 'visitDate', subtype: 'date', label: 'Visit' },
    {
      type: 'textarea',
      key: 'reason',
      label: 'Reason',
      validate: { required: true },
      conditional: { hide: '=acceptClass = "01"' },
    },
    {
      type: 'group',
      path: 'site',
      components: [{ type: 'textfield', key: 'address', label: 'Address', validate: { required: true } }],
    },
    { type: 'textfield', key: 'locked', label: 'Locked', readonly: true, validate: { required: true } },
  ],
};

const valid = {
  name: '张三',
  acceptClass: '03',
  confirmed: true,
  reason: 'factory',
  site: { address: '杭州市西湖区' },
};

function reasons(data: Record<string, unknown>) {
  return validateFormData(schema, data).map((e) => `${e.field}:${e.reason}`);
}

describe('form validation (form-js semantics, on the server)', () => {
  it('accepts valid data', () => {
    expect(validateFormData(schema, valid)).toEqual([]);
    expect(
      reasons({
        ...valid,
        phone: '13800138000',
        email: 'a@b.cn',
        code: 'AB123',
        errorPercent: '3.125',
        kwh: 12000.5,
        docs: ['id'],
        visitDate: '2025-03-04',
      }),
    ).toEqual([]);
  });

  it('names every missing required field (an unchecked checkbox and a nested group field included)', () => {
    expect(reasons({ confirmed: false })).toEqual([
      'name:required',
      'acceptClass:required',
      'confirmed:required',
      'reason:required',
      'site.address:required',
    ]);
  });

  it.each([
    [{ name: 'x' }, 'name:minLength'],
    [{ name: '  a very long name  ' }, 'name:maxLength'],
    [{ phone: '12345' }, 'phone:phone'],
    [{ email: 'not-an-email' }, 'email:email'],
    [{ code: 'ab123' }, 'code:pattern'],
    [{ errorPercent: 101 }, 'errorPercent:max'],
    [{ errorPercent: '-100.5' }, 'errorPercent:min'],
    [{ errorPercent: '1.2345' }, 'errorPercent:decimalDigits'],
    [{ errorPercent: 'three' }, 'errorPercent:type'],
    [{ kwh: '1.005' }, 'kwh:increment'],
    [{ acceptClass: '05' }, 'acceptClass:option'],
    [{ docs: ['id', 'passport'] }, 'docs:option'],
    [{ docs: 'id' }, 'docs:type'],
    [{ visitDate: '2025-02-30x' }, 'visitDate:type'],
    [{ confirmed: 'yes' }, 'confirmed:type'],
    [{ name: 42 }, 'name:type'],
  ])('refuses %j with %s', (change, expected) => {
    expect(reasons({ ...valid, ...change })).toEqual([expected]);
  });

  it('does not validate a field its hide condition hides, nor a read-only one', () => {
    const { reason: _reason, ...rest } = valid;
    expect(reasons({ ...rest, acceptClass: '01' })).toEqual([]);
    expect(reasons(rest)).toEqual(['reason:required']);
  });

  it('gives a message for people with each error', () => {
    const [error] = validateFormData(schema, { ...valid, phone: '123' });
    expect(error).toMatchObject({ field: 'phone', reason: 'phone', message: expect.stringMatching(/^Phone: /) });
  });
});
