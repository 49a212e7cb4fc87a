import { api } from '../../lib/api';
import type { List } from '../../../../server/lib/contract';
import type {
  AreaDetail,
  AreaSummary,
  CustomerPlace,
  GridCustomer,
  GridTree,
  LineLoss,
  MeterMove,
  OutageNotice,
} from '../../../../server/grid/grid.contract';

export const gridApi = {
  tree: () => api.get<GridTree>('/grid/tree'),
  area: (id: string) => api.get<AreaDetail>(`/grid/areas/${encodeURIComponent(id)}`),
  trend: (id: string, from: string, to: string) =>
    api.get<List<LineLoss>>(`/grid/areas/${encodeURIComponent(id)}/line-loss`, { from, to }),
  worst: (period: string, limit = 20) => api.get<List<LineLoss>>('/grid/line-loss', { period, order: 'worst', limit }),
  customers: (q: string) => api.get<List<GridCustomer>>('/grid/customers', { q, limit: 10 }),
  place: (customerId: string) => api.get<CustomerPlace>(`/grid/customers/${customerId}/place`),
  spare: () => api.get<List<AreaSummary>>('/grid/spare-capacity', { kind: 'public' }),
  move: (meterId: string, meterBoxId: string, reason: string) =>
    api.post<MeterMove>(`/grid/meters/${meterId}/move`, { meterBoxId, reason }),
  outage: (body: {
    targetType: 'area' | 'feeder';
    targetId: string;
    startsAt: string;
    endsAt: string;
    reason: string;
  }) => api.post<OutageNotice>('/grid/outage-notices', body),
};

/** The month before this one, YYYY-MM (the last billed month). */
export function lastMonth(now = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** `period` moved by `months` (YYYY-MM). */
export function shiftMonth(period: string, months: number): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const d = new Date(y, m - 1 + months, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** 12,345.67 from a decimal string, without floating point. */
export function kwh(value: string | null): string {
  if (value === null) return '—';
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = value.replace(/^[-+]/, '').split('.');
  const digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${digits}${fraction ? `.${fraction}` : ''}`;
}
