import { z } from 'zod';
import type { Context } from 'koa';
import { AppError } from '../lib/errors.js';
import { noContent, route, type Route } from '../http/route.js';
import { cookieOptions } from '../http/authenticate.js';
import type { CustomerAuthService, HallSession } from './customer-auth.service.js';
import type { HallAccountsService } from './accounts.service.js';
import type { HallPaymentsService } from './payments.service.js';
import type { HallProfileService } from './profile.service.js';
import type { HallMessagesService } from './messages.service.js';
import type { HallApplicationsService } from './applications.service.js';
import { applicationRoutes } from './applications.routes.js';
import {
  hallMessageListSchema,
  hallMessageSchema,
  hallProfileSchema,
  hallProfileUpdateSchema,
  phoneChangeSchema,
  phoneCodeRequestSchema,
  unreadCountSchema,
} from './profile.contract.js';
import {
  hallPaymentCreateSchema,
  hallReceiptSchema,
  paymentCallbackSchema,
  simulatedBankAccountSchema,
} from './payment.contract.js';
import { SYSTEM_ACTOR } from '../lib/actor.js';
import {
  addAccountSchema,
  hallAccountSchema,
  hallBillListSchema,
  hallBillSchema,
  hallHomeSchema,
  hallMeSchema,
  hallSessionSchema,
  hallUsageSchema,
  maskPhone,
  passwordResetSchema,
  registeredSchema,
  registrationSchema,
  signInSchema,
  smsCodeRequestSchema,
  smsCodeSentSchema,
} from './hall.contract.js';

export const HALL_SESSION_COOKIE = 'pm_hall_session';
export const HALL_CSRF_COOKIE = 'pm_hall_csrf';

const TAG = 'Customer hall';

export interface HallServices {
  auth: CustomerAuthService;
  accounts: HallAccountsService;
  payments: HallPaymentsService;
  profile: HallProfileService;
  messages: HallMessagesService;
  applications: HallApplicationsService;
}

/** The signed-in customer of a hall route (set by the hall's authenticator before the handler runs). */
export function customerOf(ctx: Context): HallSession {
  const session = ctx.state.hallSession as HallSession | undefined;
  if (!session) throw new AppError(401, 'UNAUTHENTICATED', 'Authentication required');
  return session;
}

const clientOf = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get('user-agent') });

const accountParam = z.object({ accountId: z.guid() });
const billParam = z.object({ accountId: z.guid(), billId: z.guid() });
const paymentParam = z.object({ accountId: z.guid(), paymentId: z.guid() });
/** Who posts a callback that arrives from the bank itself (no customer session behind it). */
const BANK_ACTOR = { ...SYSTEM_ACTOR, id: 'bank-simulator', username: 'bank-simulator' };
const paging = z.object({
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/**
 * The hall's routes, relative to /api/hall/v1. Every route but the code request, registration,
 * sign-in and password reset needs a customer session (route() denies by default).
 */
export function hallRoutes(s: HallServices, secureCookies: boolean): Route[] {
  const me = async (session: HallSession, csrfToken: string | null) => ({
    loginId: session.loginId,
    displayName: session.displayName,
    phone: maskPhone(session.phone) as string,
    accounts: await s.accounts.list(session),
    csrfToken,
  });
  return [
    route({
      method: 'post',
      path: '/sms-codes',
      tag: TAG,
      summary: 'Send a 6-digit SMS code (register, sign-in, reset); one a minute and 10 a day per phone',
      access: 'public',
      body: smsCodeRequestSchema,
      status: 202,
      response: smsCodeSentSchema,
      handle: ({ body }) => s.auth.requestCode(body),
    }),
    route({
      method: 'post',
      path: '/registrations',
      tag: TAG,
      summary: 'Register by proving an account: number, name, the phone on file and its SMS code',
      access: 'public',
      body: registrationSchema,
      status: 201,
      response: registeredSchema,
      async handle({ body, ctx }) {
        const result = await s.auth.register(body, clientOf(ctx));
        return {
          loginName: maskPhone(body.phone) as string,
          accounts: await s.accounts.list({ loginId: result.loginId, customerIds: [] }),
          addedToExistingLogin: result.addedToExistingLogin,
        };
      },
    }),
    route({
      method: 'post',
      path: '/session',
      tag: TAG,
      summary: 'Sign in with login name (phone or account number), password and SMS code; sets the hall cookie',
      access: 'public',
      body: signInSchema,
      response: hallSessionSchema,
      async handle({ body, ctx }) {
        if (secureCookies && !ctx.secure)
          throw new AppError(400, 'HTTPS_REQUIRED', 'sign in over HTTPS (session cookies are Secure)');
        const result = await s.auth.signIn(body, clientOf(ctx));
        ctx.cookies.set(HALL_SESSION_COOKIE, result.sessionToken, {
          ...cookieOptions(secureCookies),
          httpOnly: true,
          expires: result.expiresAt,
        });
        ctx.cookies.set(HALL_CSRF_COOKIE, result.csrfToken, {
          ...cookieOptions(secureCookies),
          httpOnly: false,
          expires: result.expiresAt,
        });
        return {
          me: await me(result.session, result.csrfToken),
          csrfToken: result.csrfToken,
          expiresAt: result.expiresAt.toISOString(),
        };
      },
    }),
    route({
      method: 'delete',
      path: '/session',
      tag: TAG,
      summary: 'Sign out',
      response: noContent,
      async handle({ ctx }) {
        const token = ctx.cookies.get(HALL_SESSION_COOKIE);
        if (token) await s.auth.signOut(token, customerOf(ctx), clientOf(ctx));
        ctx.cookies.set(HALL_SESSION_COOKIE, null, cookieOptions(secureCookies));
        ctx.cookies.set(HALL_CSRF_COOKIE, null, { ...cookieOptions(secureCookies), httpOnly: false });
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/password-resets',
      tag: TAG,
      summary: 'Set a new password with an SMS code; every session of the login ends',
      access: 'public',
      body: passwordResetSchema,
      response: noContent,
      async handle({ body, ctx }) {
        await s.auth.resetPassword(body, clientOf(ctx));
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/me',
      tag: TAG,
      summary: 'The signed-in customer and the accounts the login holds',
      response: hallMeSchema,
      handle: ({ ctx }) => me(customerOf(ctx), customerOf(ctx).csrfToken),
    }),
    route({
      method: 'get',
      path: '/accounts',
      tag: TAG,
      summary: 'The accounts the login holds',
      response: z.object({ items: z.array(hallAccountSchema) }),
      handle: async ({ ctx }) => ({ items: await s.accounts.list(customerOf(ctx)) }),
    }),
    route({
      method: 'post',
      path: '/accounts',
      tag: TAG,
      summary: 'Add another account to the login, proven like a registration',
      body: addAccountSchema,
      status: 201,
      response: z.object({ items: z.array(hallAccountSchema) }),
      async handle({ body, ctx }) {
        const session = customerOf(ctx);
        await s.auth.addAccount(session, body, clientOf(ctx));
        return { items: await s.accounts.list(session) };
      },
    }),
    route({
      method: 'get',
      path: '/accounts/:accountId/home',
      tag: TAG,
      summary: 'Home of one account: balance, last bill, late fee today, this month estimated, tiers, alerts',
      params: accountParam,
      response: hallHomeSchema,
      handle: ({ params, ctx }) => s.accounts.home(customerOf(ctx), params.accountId),
    }),
    route({
      method: 'get',
      path: '/accounts/:accountId/bills',
      tag: TAG,
      summary: 'Bills of one account, newest first',
      params: accountParam,
      query: paging,
      response: hallBillListSchema,
      handle: ({ params, query, ctx }) =>
        s.accounts.billList(customerOf(ctx), params.accountId, query.offset, query.limit),
    }),
    route({
      method: 'get',
      path: '/accounts/:accountId/bills/:billId',
      tag: TAG,
      summary: 'One bill with the lines the back office computed',
      params: billParam,
      response: hallBillSchema,
      handle: ({ params, ctx }) => s.accounts.bill(customerOf(ctx), params.accountId, params.billId),
    }),
    route({
      method: 'get',
      path: '/accounts/:accountId/usage',
      tag: TAG,
      summary: 'kWh by month over the last 12 or 24 months, with the TOU split',
      params: accountParam,
      query: z.object({ months: z.enum(['12', '24']).default('12') }),
      response: hallUsageSchema,
      handle: ({ params, query, ctx }) => s.accounts.usage(customerOf(ctx), params.accountId, Number(query.months)),
    }),
    ...paymentRoutes(s),
    ...profileRoutes(s),
    ...applicationRoutes(s.applications, customerOf),
  ];
}

/** The profile (contact details, subscriptions, e-bill) and the message centre. */
function profileRoutes(s: HallServices): Route[] {
  return [
    route({
      method: 'get',
      path: '/profile',
      tag: TAG,
      summary: 'The contact details (masked), notice subscriptions and e-bill of the signed-in login',
      response: hallProfileSchema,
      handle: ({ ctx }) => s.profile.get(customerOf(ctx)),
    }),
    route({
      method: 'put',
      path: '/profile',
      tag: TAG,
      summary: 'Change e-mail, mailing address, subscriptions or e-bill (only the fields sent); audited',
      body: hallProfileUpdateSchema,
      response: hallProfileSchema,
      handle: ({ body, ctx }) => s.profile.update(customerOf(ctx), body, clientOf(ctx)),
    }),
    route({
      method: 'post',
      path: '/profile/phone-codes',
      tag: TAG,
      summary: 'Send a change-phone code to the new phone; one a minute and 10 a day per phone',
      body: phoneCodeRequestSchema,
      status: 202,
      response: smsCodeSentSchema,
      handle: ({ body, ctx }) => s.profile.requestPhoneCode(customerOf(ctx), body.phone),
    }),
    route({
      method: 'put',
      path: '/profile/phone',
      tag: TAG,
      summary: "Make the new phone the login's phone (and login name) with the code sent to it; audited",
      body: phoneChangeSchema,
      response: hallProfileSchema,
      handle: ({ body, ctx }) => s.profile.changePhone(customerOf(ctx), body, clientOf(ctx)),
    }),
    route({
      method: 'get',
      path: '/messages',
      tag: TAG,
      summary: "Message centre: the notices sent about the login's accounts, newest first, with read state",
      query: paging,
      response: hallMessageListSchema,
      handle: ({ query, ctx }) => s.messages.list(customerOf(ctx), query.offset, query.limit),
    }),
    route({
      method: 'get',
      path: '/messages/unread-count',
      tag: TAG,
      summary: 'How many notices of the message centre are unread',
      response: unreadCountSchema,
      handle: async ({ ctx }) => ({ unread: await s.messages.unread(customerOf(ctx)) }),
    }),
    route({
      method: 'get',
      path: '/messages/:messageId',
      tag: TAG,
      summary: "One notice, marked read; another login's notice is 404",
      params: z.object({ messageId: z.guid() }),
      response: hallMessageSchema,
      handle: ({ params, ctx }) => s.messages.open(customerOf(ctx), params.messageId),
    }),
  ];
}

/** Online payments (DOMAIN.md §8) through the payment provider, today the development bank simulator. */
function paymentRoutes(s: HallServices): Route[] {
  return [
    route({
      method: 'get',
      path: '/bank-simulator/accounts',
      tag: TAG,
      summary: 'Development only: the simulated bank accounts of the signed-in login, with balances',
      response: z.object({ items: z.array(simulatedBankAccountSchema) }),
      handle: async ({ actor }) => ({ items: await s.payments.bankAccounts(actor) }),
    }),
    route({
      method: 'post',
      path: '/accounts/:accountId/payments',
      tag: TAG,
      summary:
        'Pay bills online: the oldest unpaid ones first; the bank debits (409 INSUFFICIENT_BALANCE records nothing) and its callback posts the payment',
      params: accountParam,
      body: hallPaymentCreateSchema,
      status: 201,
      response: hallReceiptSchema,
      handle: ({ params, body, ctx, actor }) => s.payments.pay(customerOf(ctx), params.accountId, body, actor),
    }),
    route({
      method: 'get',
      path: '/accounts/:accountId/payments/:paymentId',
      tag: TAG,
      summary: 'The receipt of an online payment: amount, bills settled, time, reference',
      params: paymentParam,
      response: hallReceiptSchema,
      handle: ({ params, ctx }) => s.payments.receipt(customerOf(ctx), params.accountId, params.paymentId),
    }),
    route({
      method: 'post',
      path: '/payment-callbacks/bank-simulator',
      tag: TAG,
      summary: "The bank's signed callback; the same reference twice posts the payment once",
      access: 'public',
      body: paymentCallbackSchema,
      response: hallReceiptSchema,
      handle: ({ body }) => s.payments.callback(body, BANK_ACTOR),
    }),
  ];
}
