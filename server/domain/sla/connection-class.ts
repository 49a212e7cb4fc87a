/** New-connection class, SG186 `ACCEPT_CONS_CODE` (DOMAIN.md §2). */
export const CONNECTION_CLASSES = {
  '01': { zh: '低压居民', en: 'LV residential', voltage: 'LV' },
  '02': { zh: '低压非居民', en: 'LV non-residential', voltage: 'LV' },
  '03': { zh: '高压单电源', en: 'HV single source', voltage: 'HV' },
  '04': { zh: '高压双电源', en: 'HV dual source', voltage: 'HV' },
} as const;

export type ConnectionClass = keyof typeof CONNECTION_CLASSES;

export const CONNECTION_CLASS_CODES = Object.keys(CONNECTION_CLASSES) as ConnectionClass[];

export function isHighVoltage(connectionClass: ConnectionClass): boolean {
  return CONNECTION_CLASSES[connectionClass].voltage === 'HV';
}
