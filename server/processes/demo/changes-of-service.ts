import { changeSlaTable } from '../../domain/sla/index.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { utilityToday } from '../../lib/clock.js';
import { deadlineCalendar } from '../../lib/deadlines.js';
import type { CustomerCreate } from '../../marketing/schemas.js';
import type { DemoContext, DemoContributor } from './context.js';

type CustomerFields = Pick<CustomerCreate, 'name' | 'elecTypeCode' | 'capacityKva' | 'voltageLevel'>;

/** A Xihu demo account for a change of service (made once, with a meter in service). */
async function demoAccount(ctx: DemoContext, n: number, fields: CustomerFields): Promise<string> {
  const accountNo = `DEMO-CHG-XH-${n}`;
  const existing = await ctx.db('customers').where({ account_no: accountNo }).first<{ id: string } | undefined>('id');
  if (existing) return existing.id;
  const created = await ctx.ports.customers.create(
    {
      accountNo,
      phone: '13700000000',
      address: `杭州市西湖区文三路 ${200 + n} 号`,
      departmentId: 'ZJ-HZ-XH',
      ...fields,
    },
    SYSTEM_ACTOR,
  );
  await ctx.ports.meters.install(
    created.id,
    {
      assetNo: `DEMO-CHG-XH-M${n}`,
      accuracyClass: '0.5S',
      deviceClass: 'III',
      installDate: '2021-03-01',
      touCapable: true,
      multiplier: fields.elecTypeCode === '100' ? '100' : '1',
    },
    SYSTEM_ACTOR,
  );
  return created.id;
}

const startChange = async (ctx: DemoContext, definitionKey: string, businessKey: string, variables: object) =>
  (
    await ctx.ports.instances.start(
      { definitionKey, businessKey, departmentId: 'ZJ-HZ-XH', variables: { channel: 'counter', ...variables } },
      await ctx.as('xh.clerk'),
    )
  ).id;

/** A two-part factory's suspension (暂停 203) approved and waiting for xh.meter to seal it on site. */
export const capacityChangeDemo: DemoContributor = {
  name: 'capacity-change',
  definitionKey: 'capacity-change',
  async seed(ctx) {
    const today = utilityToday(ctx.clock);
    const customerId = await demoAccount(ctx, 1, {
      name: '杭州示例机械厂',
      elecTypeCode: '100',
      capacityKva: '1000',
      voltageLevel: '10kV',
    });
    // DOMAIN.md §9: at least the change table's notice ahead (two more working days to spare).
    const plannedOn = deadlineCalendar().addWorkingDays(today, changeSlaTable(today).leadWd + 2);
    const plannedEndOn = deadlineCalendar().addWorkingDays(plannedOn, 40);
    const id = await startChange(ctx, 'capacity-change', 'CHG203-DEMO-XH-1', {
      changeCode: '203',
      customerId,
      kva: 400,
      plannedOn,
      plannedEndOn,
    });
    await ctx.complete(id, 'CC01', 'xh.clerk', { acceptanceNote: '资料齐全 documents complete' });
    await ctx.complete(id, 'CC02', 'xh.leader', { changeApproved: 'yes' });
  },
};

/** A transfer of ownership (过户 211) accepted, no arrears, waiting for xh.leader's approval. */
export const ownershipTransferDemo: DemoContributor = {
  name: 'ownership-transfer',
  definitionKey: 'ownership-transfer',
  async seed(ctx) {
    const today = utilityToday(ctx.clock);
    const customerId = await demoAccount(ctx, 2, { name: '杭州示例旧主餐饮店', elecTypeCode: '400' });
    const id = await startChange(ctx, 'ownership-transfer', 'CHG211-DEMO-XH-2', {
      customerId,
      transferOn: deadlineCalendar().addWorkingDays(today, 10),
      newOwnerName: '杭州示例新主茶饮店',
      newOwnerPhone: '13900002222',
    });
    await ctx.complete(id, 'TR01', 'xh.clerk', { assumedInWriting: false, acceptanceNote: '资料齐全' });
  },
};

/** An account closure (销户 216) accepted, waiting for xh.meter's final reading. */
export const accountClosureDemo: DemoContributor = {
  name: 'account-closure',
  definitionKey: 'account-closure',
  async seed(ctx) {
    const today = utilityToday(ctx.clock);
    const customerId = await demoAccount(ctx, 3, { name: '杭州示例歇业商店', elecTypeCode: '400' });
    const id = await startChange(ctx, 'account-closure', 'CHG216-DEMO-XH-3', {
      customerId,
      closeOn: deadlineCalendar().addWorkingDays(today, 5),
    });
    await ctx.complete(id, 'CL01', 'xh.clerk', { depositHeld: 2000, acceptanceNote: '资料齐全' });
  },
};
