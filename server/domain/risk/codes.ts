/**
 * Code tables of the high-risk arrears register (DOMAIN.md §7). Codes and English meanings are
 * DOMAIN.md's; Chinese labels DOMAIN.md does not give (ESS_POLICY 03–04, most tactics) are working
 * translations to be replaced by the SG186 code-table text where a province has it.
 */

interface Label {
  zh: string;
  en: string;
}

/** Policy category `ESS_POLICY`. */
export const ESS_POLICY = {
  '01': { zh: '淘汰类', en: 'eliminated' },
  '02': { zh: '产能过剩', en: 'overcapacity' },
  '03': { zh: '雾霾治理', en: 'smog control' },
  '04': { zh: '其他', en: 'other' },
} as const satisfies Record<string, Label>;

export type EssPolicyCode = keyof typeof ESS_POLICY;

/** High-energy industry `HUE_TRADE_TYPE_CODE`; 101–108 are the differential-price industries. */
export const HUE_TRADE_TYPE_CODE = {
  '101': { zh: '钢铁', en: 'steel', differentialPrice: true },
  '102': { zh: '电解铝', en: 'electrolytic aluminium', differentialPrice: true },
  '103': { zh: '铁合金', en: 'ferroalloy', differentialPrice: true },
  '104': { zh: '水泥', en: 'cement', differentialPrice: true },
  '105': { zh: '电石', en: 'calcium carbide', differentialPrice: true },
  '106': { zh: '烧碱', en: 'caustic soda', differentialPrice: true },
  '107': { zh: '黄磷', en: 'yellow phosphorus', differentialPrice: true },
  '108': { zh: '锌冶炼', en: 'zinc smelting', differentialPrice: true },
  '200': { zh: '其他', en: 'other', differentialPrice: false },
  '201': { zh: '造纸', en: 'paper', differentialPrice: false },
  '202': { zh: '铸造', en: 'foundry', differentialPrice: false },
  '203': { zh: '化肥', en: 'fertiliser', differentialPrice: false },
  '204': { zh: '碳化硅', en: 'silicon carbide', differentialPrice: false },
  '205': { zh: '炭素', en: 'carbon', differentialPrice: false },
} as const satisfies Record<string, Label & { differentialPrice: boolean }>;

export type HueTradeTypeCode = keyof typeof HUE_TRADE_TYPE_CODE;

export const DIFFERENTIAL_PRICE_INDUSTRIES = (Object.keys(HUE_TRADE_TYPE_CODE) as HueTradeTypeCode[]).filter(
  (code) => HUE_TRADE_TYPE_CODE[code].differentialPrice,
);

/** Response measure `RISKWAR_TACTIC`. */
export const RISKWAR_TACTIC = {
  1: { zh: '分次划拨', en: 'instalment transfer' },
  2: { zh: '分期结算', en: 'instalment settlement' },
  3: { zh: '预付电费', en: 'prepayment' },
  4: { zh: '转为费控', en: 'convert to fee control' },
  5: { zh: '负荷控制装置', en: 'load-control device' },
  6: { zh: '预付费电能表', en: 'prepaid meter' },
  7: { zh: '资产抵押', en: 'asset mortgage' },
  8: { zh: '代扣协议', en: 'direct-debit agreement' },
  9: { zh: '重点监控', en: 'key monitoring' },
  10: { zh: '分步停电', en: 'phased shutdown' },
  11: { zh: '破产重组', en: 'bankruptcy restructuring' },
  12: { zh: '政府代缴', en: 'municipal payment' },
  13: { zh: '银行保函', en: 'bank guarantee' },
  14: { zh: '其他', en: 'other' },
} as const satisfies Record<number, Label>;

export type RiskwarTactic = keyof typeof RISKWAR_TACTIC;

/** Production status of a high-risk customer. */
export const PRODUCTION_STATUS = {
  normal: { zh: '正常生产', en: 'normal' },
  'half-stopped': { zh: '半停产', en: 'half-stopped' },
  'shut-down': { zh: '停产', en: 'shut down' },
  bankrupt: { zh: '破产', en: 'bankrupt' },
  restructuring: { zh: '重组', en: 'restructuring' },
} as const satisfies Record<string, Label>;

export type ProductionStatus = keyof typeof PRODUCTION_STATUS;
