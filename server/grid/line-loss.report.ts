import { inDepartments } from '../access/department-subtree.js';
import type { ReportDefinition } from '../reports/report.js';
import { departmentName, ratio } from '../reports/report.js';
import { lineLosses } from './line-loss.js';

/**
 * Line loss by transformer area (台区线损) for the billing months of the period: kWh the area's
 * summary meter recorded against the kWh billed to its customers (server/grid/line-loss.ts), over
 * the caller's report:read departments. The totals row recomputes the loss from the summed kWh of
 * the areas with a supplied figure.
 */
export const lineLossReport: ReportDefinition = {
  id: 'line-loss',
  name: { zh: '台区线损统计', en: 'Line loss by transformer area' },
  description: {
    zh: '期间各月各台区的供电量（台区总表）、售电量（所接客户已发行电费的电量）、损失电量和线损率',
    en: "Each transformer area's kWh supplied (its summary meter), kWh billed to its customers, kWh lost and loss rate, month by month",
  },
  period: true,
  columns: [
    { id: 'period', label: { zh: '月份', en: 'Month' }, type: 'text' },
    { id: 'departmentId', label: { zh: '单位代码', en: 'Department code' }, type: 'text' },
    { id: 'department', label: { zh: '单位', en: 'Department' }, type: 'text' },
    { id: 'areaId', label: { zh: '台区编号', en: 'Area code' }, type: 'text' },
    { id: 'area', label: { zh: '台区', en: 'Transformer area' }, type: 'text' },
    { id: 'suppliedKwh', label: { zh: '供电量（千瓦时）', en: 'Supplied (kWh)' }, type: 'number', decimals: 2 },
    { id: 'billedKwh', label: { zh: '售电量（千瓦时）', en: 'Billed (kWh)' }, type: 'number', decimals: 2 },
    { id: 'lossKwh', label: { zh: '损失电量（千瓦时）', en: 'Lost (kWh)' }, type: 'number', decimals: 2 },
    { id: 'lossRate', label: { zh: '线损率', en: 'Loss rate' }, type: 'percent' },
  ],
  async rows({ db, scope, tree, params, lang }) {
    const areas = await db('transformer_areas')
      .where(inDepartments(scope, 'department_id'))
      .orderBy('id')
      .select<{ id: string; name: string; name_en: string | null; department_id: string }[]>(
        'id',
        'name',
        'name_en',
        'department_id',
      );
    const losses = await lineLosses(db, areas, params.from.slice(0, 7), params.to.slice(0, 7));
    const names = new Map(areas.map((a) => [a.id, lang === 'en' ? (a.name_en ?? a.name) : a.name]));
    return losses
      .filter((l) => l.suppliedKwh !== null)
      .sort((a, b) => a.period.localeCompare(b.period) || a.areaId.localeCompare(b.areaId))
      .map((l) => ({
        period: l.period,
        departmentId: l.departmentId,
        department: departmentName(tree, l.departmentId, lang),
        areaId: l.areaId,
        area: names.get(l.areaId) ?? l.areaName,
        suppliedKwh: l.suppliedKwh,
        billedKwh: l.billedKwh,
        lossKwh: l.lossKwh,
        lossRate: ratio(l.lossKwh, l.suppliedKwh),
      }));
  },
  totals: (_rows, sums) => ({ lossRate: ratio(sums.lossKwh ?? 0, sums.suppliedKwh ?? 0) }),
};
