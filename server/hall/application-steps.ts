/**
 * The steps of an application in the customer's words (zh / en): what the timeline of an
 * application shows instead of the back office's step names. Steps not named here (gateways,
 * services, escalations) are not shown; several back-office steps may share one customer step.
 */

export interface CustomerWords {
  zh: string;
  en: string;
}

/** The kinds of application the hall takes, and the process each starts. */
export const APPLICATION_KINDS = {
  'new-connection': 'new-connection',
  'meter-test': 'meter-verification',
} as const;
export type ApplicationKind = keyof typeof APPLICATION_KINDS;

export function kindOfDefinition(definitionKey: string): ApplicationKind | null {
  for (const [kind, key] of Object.entries(APPLICATION_KINDS))
    if (key === definitionKey) return kind as ApplicationKind;
  return null;
}

const w = (zh: string, en: string): CustomerWords => ({ zh, en });

const NEW_CONNECTION: Record<string, CustomerWords> = {
  A01: w('受理申请', 'Application checked'),
  C01: w('补充申请资料', 'Supply missing documents'),
  A02: w('现场勘查', 'Site survey'),
  A03: w('制定供电方案', 'Supply scheme prepared'),
  A04: w('制定供电方案', 'Supply scheme prepared'),
  A05: w('答复供电方案', 'Supply scheme sent to you'),
  C05: w('确认供电方案', 'Confirm the supply scheme'),
  A09: w('设计文件审查', 'Design documents reviewed'),
  A10: w('设计文件审查', 'Design documents reviewed'),
  A11: w('中间检查', 'Mid-term inspection'),
  A12: w('中间检查', 'Mid-term inspection'),
  A14: w('竣工检验', 'Completion inspection'),
  A15: w('竣工检验', 'Completion inspection'),
  A16: w('准备供用电合同', 'Supply contract prepared'),
  A06: w('业务费用', 'Connection fees'),
  A07: w('业务费用', 'Connection fees'),
  A08: w('配套电网工程', 'Grid-side works'),
  C17: w('签订供用电合同', 'Sign the supply contract'),
  A17: w('装表接电', 'Meter installation'),
  A18: w('送电', 'Power on'),
  A20: w('资料归档', 'Records completed'),
  A22: w('资料归档', 'Records completed'),
};

const METER_TEST: Record<string, CustomerWords> = {
  MV01: w('受理校验申请', 'Request checked'),
  MV02: w('安排校验', 'Test scheduled'),
  MV03: w('现场校验', 'On-site test'),
  MV04: w('更换电能表', 'Meter replaced'),
  MV05: w('电费退补审核', 'Bill adjustment reviewed'),
};

const STEPS: Record<ApplicationKind, Record<string, CustomerWords>> = {
  'new-connection': NEW_CONNECTION,
  'meter-test': METER_TEST,
};

/** The customer's words for a step, or null when the step is not shown to customers. */
export function customerStep(kind: ApplicationKind, elementId: string): CustomerWords | null {
  return STEPS[kind][elementId] ?? null;
}

/** The element ids the timeline reads for a kind. */
export function shownSteps(kind: ApplicationKind): string[] {
  return Object.keys(STEPS[kind]);
}
