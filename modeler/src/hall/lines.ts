import type { Locale } from '../lib/i18n';
import type { BillLine } from './types';

/**
 * A bill line's label in the reader's language. The billing run stores its labels in English
 * (server/domain/billing); the hall shows the same lines, named in Chinese by the patterns the
 * run writes. A label no pattern knows is named by its line type alone rather than in English.
 */
const TYPE_ZH: Record<BillLine['type'], string> = {
  '01': '电度电费',
  '02': '功率因数调整电费',
  '03': '基本电费',
  '04': '政府性基金及附加',
};

const TOU_ZH: Record<string, string> = {
  'sharp peak': '尖峰',
  peak: '高峰',
  flat: '平段',
  valley: '低谷',
  'deep valley': '深谷',
};

const FUND_ZH: Record<string, string> = {
  'Major water-conservancy fund': '国家重大水利工程建设基金',
  'Reservoir resettlement fund': '大中型水库移民后期扶持基金',
  'Renewable-energy surcharge': '可再生能源电价附加',
  'Local reservoir fund': '地方水库移民后期扶持基金',
};

/** Phrases of the basic-charge labels, replaced in order. */
const BASIC_PHRASES: [RegExp, string][] = [
  [/^Basic charge by capacity,?\s*/, '按容量'],
  [/^Basic charge by demand,?\s*/, '按需量'],
  [/up to 105 % of /, '105%以内，'],
  [/above 105 % of ([^,]+(?:\([^)]*\))?), billed double/, '$1，超出105%部分加倍'],
  [/40 % floor ([\d.]+) kW \(contract ([\d.]+) kW\)/, '按40%下限 $1 kW（合同需量 $2 kW）'],
  [/contract demand ([\d.]+) kW/, '合同需量 $1 kW'],
  [/ at 90 % price \(≥ 260 kWh\/kVA\)/, '，按90%电价（≥ 260 kWh/kVA）'],
  [/block (\d+) of ([\d.]+) kVA/, '第$1组 $2 kVA'],
  [/ \+ ([\d.]+) kW HV motors/, ' + 高压电机 $1 kW'],
  [/([\d.]+) kW HV motors/, '高压电机 $1 kW'],
  [/, ([\d.]+) kVA in service ?/, '，在用 $1 kVA '],
  [/, (\d+)\/30 days/, '，按 $1/30 天'],
  [/,\s*/g, '，'],
];

function basicZh(label: string): string | null {
  let text = label;
  for (const [pattern, replacement] of BASIC_PHRASES) text = text.replace(pattern, replacement);
  text = text.trim();
  return /[A-Za-z]{3,}/.test(text.replace(/kVA|kWh/g, '')) ? null : `基本电费（${text}）`;
}

function labelZh(line: BillLine): string | null {
  const label = line.label.trim();
  let m: RegExpExecArray | null;
  if (label === 'Energy') return '电度电费';
  if (label === 'Energy, free allowance (low-income household)') return '电度电费（低收入户免费电量）';
  if ((m = /^Energy, tier (\d)(?: (peak|valley))?$/.exec(label)))
    return `电度电费（第${m[1]}档${m[2] ? `·${TOU_ZH[m[2]]}` : ''}）`;
  if ((m = /^Energy, (sharp peak|peak|flat|valley|deep valley)$/.exec(label)))
    return `电度电费（${TOU_ZH[m[1] ?? '']}）`;
  if ((m = /^Government fund: (.+)$/.exec(label))) {
    const fund = FUND_ZH[m[1] ?? ''];
    return fund ?? null;
  }
  if ((m = /^Power factor adjustment, cosφ ([\d.]+) against ([\d.]+): ([+-]?[\d.]+) %$/.exec(label)))
    return `功率因数调整电费（cosφ ${m[1]}，考核标准 ${m[2]}：${m[3]}%）`;
  if (label.startsWith('Basic charge')) return basicZh(label);
  return null;
}

export function lineLabel(line: BillLine, locale: Locale): string {
  if (locale === 'en') return line.label;
  return labelZh(line) ?? TYPE_ZH[line.type];
}
