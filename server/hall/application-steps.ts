/**
 * The steps of an application in the customer's words (zh / en): what the timeline of an
 * application shows instead of the back office's step names. Steps not named here (gateways,
 * services, escalations) are not shown; several back-office steps may share one customer step.
 */

export interface CustomerWords {
  zh: string;
  en: string;
}

/**
 * The kinds of application the hall takes, and the process each starts. The four capacity
 * changes share one process (capacity-change); its changeCode (SG186, DOMAIN.md §9) says which.
 */
export const APPLICATION_KINDS = {
  'new-connection': 'new-connection',
  'meter-test': 'meter-verification',
  suspension: 'capacity-change',
  'suspension-restoration': 'capacity-change',
  'capacity-reduction': 'capacity-change',
  'reduction-restoration': 'capacity-change',
  'ownership-transfer': 'ownership-transfer',
  'account-closure': 'account-closure',
} as const;
export type ApplicationKind = keyof typeof APPLICATION_KINDS;

/** The process definitions the hall's applications run on (each once). */
export const APPLICATION_DEFINITIONS: string[] = [...new Set(Object.values(APPLICATION_KINDS))];

/** The capacity-change process's change code for each capacity kind. */
export const CAPACITY_CHANGE_CODES = {
  suspension: '203',
  'suspension-restoration': '204',
  'capacity-reduction': '201',
  'reduction-restoration': '202',
} as const satisfies Partial<Record<ApplicationKind, string>>;

/** The kind of an application, from its process and (for a capacity change) its change code. */
export function kindOfDefinition(
  definitionKey: string,
  variables: Record<string, unknown> = {},
): ApplicationKind | null {
  if (definitionKey === 'capacity-change') {
    for (const [kind, code] of Object.entries(CAPACITY_CHANGE_CODES))
      if (code === variables.changeCode) return kind as ApplicationKind;
    return null;
  }
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

/** Shared by the changes of service: a refused application ends with the refusal notice. */
const REFUSED = w('不予办理', 'Not accepted');

const capacityChange = (site: CustomerWords): Record<string, CustomerWords> => ({
  CC01: w('受理申请', 'Application accepted'),
  CC02: w('审批', 'Approval'),
  CC03: site,
  CC05: w('资料归档', 'Records completed'),
  CC_REFUSE_NOTICE: REFUSED,
});
const SEALING = capacityChange(w('现场封停', 'Sealed on site'));
const UNSEALING = capacityChange(w('现场启封', 'Unsealed on site'));

const OWNERSHIP_TRANSFER: Record<string, CustomerWords> = {
  TR01: w('受理申请', 'Application accepted'),
  TR02: w('核查欠费', 'Arrears checked'),
  TR03: w('审批', 'Approval'),
  TR04_WAIT: w('等待过户日', 'Waiting for the transfer date'),
  TR04: w('变更户名', 'Account transferred to the new owner'),
  TR05: w('资料归档', 'Records completed'),
  TR_REFUSE_NOTICE: REFUSED,
};

const ACCOUNT_CLOSURE: Record<string, CustomerWords> = {
  CL01: w('受理申请', 'Application accepted'),
  CL02: w('抄录止度', 'Final meter reading'),
  CL03: w('结算电费', 'Final bill'),
  CL05: w('收退款', 'Payment or refund'),
  CL06: w('拆除电能表', 'Meter removed'),
  CL07: w('销户', 'Account closed'),
  CL08: w('资料归档', 'Records completed'),
  CL_REFUSE_NOTICE: REFUSED,
};

const STEPS: Record<ApplicationKind, Record<string, CustomerWords>> = {
  'new-connection': NEW_CONNECTION,
  'meter-test': METER_TEST,
  suspension: SEALING,
  'capacity-reduction': SEALING,
  'suspension-restoration': UNSEALING,
  'reduction-restoration': UNSEALING,
  'ownership-transfer': OWNERSHIP_TRANSFER,
  'account-closure': ACCOUNT_CLOSURE,
};

/** The customer's words for a step, or null when the step is not shown to customers. */
export function customerStep(kind: ApplicationKind, elementId: string): CustomerWords | null {
  return STEPS[kind][elementId] ?? null;
}

/** A step the customer does themselves in the hall (C01, C05, C17 of a new connection). */
export function isCustomerStep(elementId: string): boolean {
  return /^C\d/.test(elementId);
}

/** The element ids the timeline reads for a kind. */
export function shownSteps(kind: ApplicationKind): string[] {
  return Object.keys(STEPS[kind]);
}
