import type { Db } from '../../db/index.js';

/**
 * A group customer for the HQ supervision screens (DOMAIN.md §7): a Xihu parent in an eliminated
 * industry category (H1) with children in Yuhang (Zhejiang) and Jiangning (Jiangsu), all owing,
 * so tonight's screening rolls the group's arrears up to the parent and opens HQ's order with one
 * child per province. Picks commercial customers with unpaid bills that carry no risk marks yet.
 */
export async function seedDemoGroup(db: Db): Promise<void> {
  // Once: a database that has a group already keeps it as HQ left it.
  if (await db('customers').whereNotNull('group_parent_id').first('id')) return;
  const owing = (county: string, skip: number) =>
    db('customers as c')
      .join('bills as b', 'b.customer_id', 'c.id')
      .whereIn('b.status', ['issued', 'partly_paid'])
      .whereIn('c.elec_type_code', ['100', '400'])
      .where('c.department_id', 'like', `${county}%`)
      .whereNull('c.group_parent_id')
      .whereNull('c.hue_trade_type_code')
      .groupBy('c.id')
      .orderBy('c.id', 'desc')
      .offset(skip)
      .first<{ id: string } | undefined>('c.id');
  const parent = await owing('ZJ-HZ-XH', 0);
  const zjChild = await owing('ZJ-HZ-YH', 0);
  const jsChild = await owing('JS-NJ', 0);
  if (!parent || !jsChild) return;
  await db('customers').where({ id: parent.id }).update({ hue_trade_type_code: '201', ess_policy: '01' });
  for (const child of [zjChild, jsChild]) {
    if (child)
      await db('customers').where({ id: child.id }).update({ hue_trade_type_code: '201', group_parent_id: parent.id });
  }
}
