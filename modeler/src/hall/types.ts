import type { z } from 'zod';
import type * as C from '../../../server/hall/hall.contract';

/** The hall's responses, inferred from the server's own schemas (server/hall/hall.contract.ts). */
export type HallMe = z.infer<typeof C.hallMeSchema>;
export type HallSession = z.infer<typeof C.hallSessionSchema>;
export type HallAccount = C.HallAccount;
export type HallHome = C.HallHome;
export type HallBill = C.HallBill;
export type HallBillSummary = C.HallBillSummary;
export type HallBillList = z.infer<typeof C.hallBillListSchema>;
export type HallUsage = z.infer<typeof C.hallUsageSchema>;
export type UsageMonth = z.infer<typeof C.usageMonthSchema>;
export type SmsCodeSent = z.infer<typeof C.smsCodeSentSchema>;
export type SmsCodeRequest = C.SmsCodeRequest;
export type Registration = C.Registration;
export type Registered = z.infer<typeof C.registeredSchema>;
export type SignIn = C.SignIn;
export type PasswordReset = C.PasswordReset;
export type BillLine = HallBill['lines'][number];
export type HallReceipt = import('../../../server/hall/payment.contract').HallReceipt;
export type SimulatedBankAccount = z.infer<
  typeof import('../../../server/hall/payment.contract').simulatedBankAccountSchema
>;
export type HallProfile = import('../../../server/hall/profile.contract').HallProfile;
export type HallProfileUpdate = import('../../../server/hall/profile.contract').HallProfileUpdate;
export type HallMessage = import('../../../server/hall/profile.contract').HallMessage;
export type HallMessageList = import('../../../server/hall/profile.contract').HallMessageList;
export type ApplicationSummary = import('../../../server/hall/applications.contract').ApplicationSummary;
export type ApplicationDetail = import('../../../server/hall/applications.contract').ApplicationDetail;
export type CustomerTask = import('../../../server/hall/applications.contract').CustomerTask;
