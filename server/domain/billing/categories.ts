/**
 * SG186 electricity category codes ELEC_TYPE_CODE (DOMAIN.md §1): 100 large industry, 200 residential
 * (201 rural, 202 urban), 300 agricultural, 400 general industrial & commercial, 000 internal.
 */
export const ELEC_TYPE_CODES = ['000', '100', '200', '201', '202', '300', '400'] as const;
export type ElecTypeCode = (typeof ELEC_TYPE_CODES)[number];

const RESIDENTIAL: readonly ElecTypeCode[] = ['200', '201', '202'];

export function isResidentialCategory(category: ElecTypeCode): boolean {
  return RESIDENTIAL.includes(category);
}
