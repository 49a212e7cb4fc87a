import { billingHoldsReport, billingReport } from './billing.report.js';
import { arrearsDetailReport } from './arrears-detail.report.js';
import { CATEGORIES } from './billing.report.js';
import { collectionReport } from './collection.report.js';
import { highRiskReport } from './high-risk.report.js';
import { meterVerificationReport } from './meter-verification.report.js';
import { newConnectionsReport } from './new-connections.report.js';
import type { ReportDefinition } from './report.js';
import type { ReportSummary } from './report.contract.js';
import { workloadReport } from './workload.report.js';
import { lineLossReport } from '../grid/line-loss.report.js';

/** Every report of the centre, in catalogue order. */
export const REPORTS: readonly ReportDefinition[] = [
  newConnectionsReport,
  billingReport,
  billingHoldsReport,
  collectionReport,
  arrearsDetailReport,
  workloadReport,
  meterVerificationReport,
  highRiskReport,
  lineLossReport,
];

const PERIOD_PARAMETERS: ReportSummary['parameters'] = [
  {
    id: 'from',
    type: 'date',
    required: false,
    label: { zh: '起始日期', en: 'From' },
    description: {
      zh: '期间第一天（含），YYYY-MM-DD；缺省为截止日期所在月的第一天',
      en: 'First day of the period (included), YYYY-MM-DD; by default the first day of the month of `to`',
    },
  },
  {
    id: 'to',
    type: 'date',
    required: false,
    label: { zh: '截止日期', en: 'To' },
    description: {
      zh: '期间最后一天（含），YYYY-MM-DD；缺省为今天',
      en: 'Last day of the period (included), YYYY-MM-DD; by default today',
    },
  },
];

const DEPARTMENT_PARAMETER: ReportSummary['parameters'][number] = {
  id: 'departmentId',
  type: 'department',
  required: false,
  label: { zh: '单位', en: 'Department' },
  description: {
    zh: '只统计该单位及其下级；须在本人可查看的范围内，否则拒绝（403）',
    en: 'Only this department and its subtree; it must lie in your scope, else 403',
  },
};

const AS_OF_PARAMETER: ReportSummary['parameters'][number] = {
  id: 'to',
  type: 'date',
  required: false,
  label: { zh: '截至日期', en: 'As of' },
  description: {
    zh: '统计截至这一天（含），YYYY-MM-DD；缺省为今天',
    en: 'What stood on this day (included), YYYY-MM-DD; by default today',
  },
};

const CATEGORY_PARAMETER: ReportSummary['parameters'][number] = {
  id: 'category',
  type: 'choice',
  required: false,
  label: { zh: '用电类别', en: 'Category' },
  description: { zh: '只统计该用电类别的客户', en: 'Only customers of this electricity category' },
  options: Object.entries(CATEGORIES).map(([value, label]) => ({ value, label })),
};

/** The parameters a report takes besides `format` and `lang`. */
export function parametersOf(report: ReportDefinition): ReportSummary['parameters'] {
  const dates = report.period === 'asOf' ? [AS_OF_PARAMETER] : report.period ? PERIOD_PARAMETERS : [];
  return [...dates, DEPARTMENT_PARAMETER, ...(report.category ? [CATEGORY_PARAMETER] : [])];
}

export function summaryOf(report: ReportDefinition): ReportSummary {
  return { id: report.id, name: report.name, description: report.description, parameters: parametersOf(report) };
}
