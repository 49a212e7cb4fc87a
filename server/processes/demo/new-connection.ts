import type { DemoContext, DemoContributor } from './context.js';

const applicant = (n: number, county: string) => ({
  customerName: [
    `张伟`,
    `李娜`,
    `杭州新材料科技有限公司`,
    `余杭数据中心`,
    `江宁汽车零部件厂`,
    `西湖茶叶合作社`,
    `王芳`,
  ][n % 7],
  phone: `139${String(10000000 + n * 7919).slice(0, 8)}`,
  address: `${county} 示范路 ${n + 1} 号`,
});

interface Case {
  key: string;
  county: 'xh' | 'yh' | 'jn';
  department: string;
  variables: Record<string, unknown>;
  /** Steps to complete, in order: [element id, role suffix of the demo user, form values]. */
  steps: [string, string, Record<string, unknown>][];
}

const scheme = (no: string) => ({ schemeNo: no, supplyVoltage: '10kV', schemeSummary: '10kV 专线接入，电缆进线' });
const survey = { surveyDate: '2026-01-05', surveyFindings: '现场具备接电条件' };
const meter = (asset: string, accuracy = '2.0') => ({
  meterAssetNo: asset,
  meterAccuracyClass: accuracy,
  meterMultiplier: 1,
  meterInitialReading: 0,
});

function cases(): Case[] {
  const xh = 'ZJ-HZ-XH';
  const yh = 'ZJ-HZ-YH';
  const jn = 'JS-NJ-JN';
  return [
    {
      key: 'YK-DEMO-0001',
      county: 'xh',
      department: xh,
      variables: { ...applicant(0, '西湖区'), acceptClass: '01', elecTypeCode: '202', capacityKva: 8 },
      steps: [],
    },
    {
      key: 'YK-DEMO-0002',
      county: 'xh',
      department: xh,
      variables: { ...applicant(1, '西湖区'), acceptClass: '01', elecTypeCode: '202', capacityKva: 10 },
      steps: [
        ['A01', 'clerk', {}],
        ['A02', 'surveyor', survey],
      ],
    },
    {
      key: 'YK-DEMO-0003',
      county: 'yh',
      department: yh,
      variables: {
        ...applicant(2, '余杭区'),
        acceptClass: '02',
        elecTypeCode: '400',
        capacityKva: 120,
        gridWorks: true,
      },
      steps: [['A01', 'clerk', {}]],
    },
    {
      key: 'YK-DEMO-0004',
      county: 'xh',
      department: xh,
      variables: { ...applicant(3, '西湖区'), acceptClass: '03', elecTypeCode: '100', capacityKva: 1250 },
      steps: [
        ['A01', 'clerk', {}],
        ['A02', 'surveyor', survey],
        ['A03', 'account', scheme('FA-DEMO-0004')],
      ],
    },
    {
      key: 'YK-DEMO-0005',
      county: 'jn',
      department: jn,
      variables: {
        ...applicant(4, '江宁区'),
        acceptClass: '04',
        elecTypeCode: '100',
        capacityKva: 6300,
        important: true,
      },
      steps: [
        ['A01', 'clerk', {}],
        ['A02', 'surveyor', survey],
        ['A03', 'account', scheme('FA-DEMO-0005')],
        ['A04', 'leader', { approved: 'yes', approvalComment: '同意' }],
        ['A05', 'account', { replyChannel: 'letter', customerInformed: true }],
        ['A09', 'clerk', { documentsComplete: true, documentNo: 'SJ-DEMO-0005' }],
      ],
    },
    {
      key: 'YK-DEMO-0006',
      county: 'yh',
      department: yh,
      variables: { ...applicant(5, '余杭区'), acceptClass: '03', elecTypeCode: '400', capacityKva: 630 },
      steps: [
        ['A01', 'clerk', {}],
        ['A02', 'surveyor', survey],
        ['A03', 'account', scheme('FA-DEMO-0006')],
        ['A04', 'leader', { approved: 'yes' }],
        ['A05', 'account', { replyChannel: 'counter', customerInformed: true }],
      ],
    },
    {
      key: 'YK-DEMO-0007',
      county: 'xh',
      department: xh,
      variables: { ...applicant(6, '西湖区'), acceptClass: '01', elecTypeCode: '201', capacityKva: 8 },
      steps: [
        ['A01', 'clerk', {}],
        ['A02', 'surveyor', survey],
        ['A17', 'meter', meter('DEMO-NC-0007')],
        ['A18', 'meter', { energisedOn: '2026-01-08' }],
        ['A20', 'clerk', { archiveNo: 'DA-DEMO-0007' }],
        ['A22', 'clerk', { archiveNo: 'DA-DEMO-0007' }],
      ],
    },
  ];
}

/** New connections in flight: just accepted, surveyed, in approval, in design review, waiting for the customer's works, and one completed. */
export const newConnectionDemo: DemoContributor = {
  name: 'new-connection',
  definitionKey: 'new-connection',
  async seed(ctx: DemoContext) {
    for (const c of cases()) {
      const clerk = await ctx.as(`${c.county}.clerk`);
      const started = await ctx.ports.instances.start(
        { definitionKey: 'new-connection', businessKey: c.key, departmentId: c.department, variables: c.variables },
        clerk,
      );
      for (const [step, role, values] of c.steps) await ctx.complete(started.id, step, `${c.county}.${role}`, values);
    }
  },
};
