import { randomUUID } from 'node:crypto';
import { dayNumber, isoDateOf } from '../../domain/billing/dates.js';
import { transferRefusal } from '../../domain/changes/index.js';
import { isIsoDate } from '../../domain/tariffs/index.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import type { ServiceDefinition } from '../../services/registry.js';
import type { ProcessContext } from '../ports.js';
import { CHANGE_NAMES, changeCustomer, refused, text, today } from './shared.js';

/** 00:00 of a day in the utility's time zone (Asia/Shanghai, no daylight saving), as an ISO instant. */
const startOfUtilityDay = (date: string) => new Date(`${date}T00:00:00+08:00`).toISOString();

/** The old owner's arrears and late fees today, as the arrears report computes them. */
async function position(ctx: ProcessContext, customerId: string) {
  const report = await ctx.ports.arrears.report(customerId, today(ctx), SYSTEM_ACTOR);
  return { arrears: report.totalArrears, lateFees: report.lateFees };
}

/** The ownership-transfer process's services (processes/ownership-transfer.bpmn, 过户 211). */
export function transferServices(ctx: ProcessContext): ServiceDefinition[] {
  return [
    {
      name: 'transferAssess',
      descriptionZh: '为受理人员载入户号及原户主的欠费和违约金。',
      description: "Loads the account and the old owner's arrears and late fees for the acceptance clerk.",
      inputs: ['customerId', 'transferOn'],
      outputs: [
        'accepted',
        'applicationNo',
        'accountNo',
        'oldOwnerName',
        'oldOwnerPhone',
        'arrears',
        'lateFees',
        'changeName',
      ],
      async handler(call) {
        const customer = await changeCustomer(ctx, text(call.variables.customerId));
        const changeName = CHANGE_NAMES['211'];
        const applicationNo = call.businessKey ?? call.instanceId;
        if (!customer)
          return {
            changeName,
            applicationNo,
            ...refused('CUSTOMER_UNKNOWN', `no customer ${String(call.variables.customerId)}`),
          };
        if (customer.status === 'closed')
          return {
            changeName,
            applicationNo,
            accountNo: customer.account_no,
            ...refused('CUSTOMER_CLOSED', `account ${customer.account_no} is closed`),
          };
        const transferOn = text(call.variables.transferOn);
        if (!transferOn || !isIsoDate(transferOn))
          return {
            changeName,
            applicationNo,
            accountNo: customer.account_no,
            ...refused('TRANSFER_ON_INVALID', 'transferOn must be a date'),
          };
        return {
          accepted: true,
          changeName,
          applicationNo,
          accountNo: customer.account_no,
          oldOwnerName: customer.name,
          oldOwnerPhone: customer.phone,
          ...(await position(ctx, customer.id)),
        };
      },
    },
    {
      name: 'transferCheckArrears',
      descriptionZh:
        'DOMAIN.md §9：只有欠费和违约金已结清，或由新户主书面承担（assumedInWriting，并登记签署的文件），方可过户。',
      description:
        'DOMAIN.md §9: a transfer only with the arrears and late fees settled, or assumed by the new owner in writing (assumedInWriting with the signed document recorded).',
      inputs: ['customerId', 'assumedInWriting', 'assumptionDocument', 'transferOn'],
      outputs: ['transferAllowed', 'arrears', 'lateFees', 'refusalCode', 'refusalReason', 'transferEffectiveAt'],
      async handler(call) {
        const v = call.variables;
        const now = await position(ctx, text(v.customerId) ?? '');
        // A signed assumption counts only with its document on file.
        const assumed = v.assumedInWriting === true && text(v.assumptionDocument) !== undefined;
        const refusal = transferRefusal({ ...now, assumedInWriting: assumed });
        const transferOn = text(v.transferOn);
        // The approved transfer waits for this instant (TR04_WAIT): the start of the transfer day.
        const transferEffectiveAt = transferOn && isIsoDate(transferOn) ? startOfUtilityDay(transferOn) : null;
        return refusal
          ? { ...now, transferAllowed: false, refusalCode: refusal.code, refusalReason: refusal.message }
          : { ...now, transferAllowed: true, refusalCode: null, refusalReason: null, transferEffectiveAt };
      },
    },
    {
      name: 'transferApply',
      descriptionZh:
        '将客户档案和联系人改为新户主，并保留历任户主记录（过户日前的账单仍归原户主）；流程在过户日（TR04_WAIT）执行。',
      description:
        "Changes the customer record and contacts to the new owner and keeps the owners' history (bills before the date stay with the old owner); the process runs it on the transfer date (TR04_WAIT).",
      inputs: ['customerId', 'transferOn', 'newOwnerName', 'newOwnerPhone', 'newOwnerIdNo', 'newOwnerAddress'],
      outputs: ['transferredOn'],
      async handler(call) {
        const v = call.variables;
        const customerId = text(v.customerId) ?? '';
        const transferOn = text(v.transferOn) ?? '';
        const name = text(v.newOwnerName);
        if (!isIsoDate(transferOn) || !name) throw new Error('transferOn and newOwnerName are required');
        await ctx.db.transaction(async (trx) => {
          const customer = await trx('customers')
            .where({ id: customerId })
            .forUpdate()
            .first<{ name: string; phone: string | null; address: string | null } | undefined>(
              'name',
              'phone',
              'address',
            );
          if (!customer) throw new Error(`no customer ${customerId}`);
          // At-least-once delivery: a retried call finds its own owner row.
          if (await trx('customer_owners').where({ process_instance_id: call.instanceId }).first('id')) return;
          const dayBefore = isoDateOf(dayNumber(transferOn) - 1);
          const current = await trx('customer_owners')
            .where({ customer_id: customerId })
            .whereNull('to_on')
            .first<{ id: string } | undefined>('id');
          if (current) await trx('customer_owners').where({ id: current.id }).update({ to_on: dayBefore });
          else
            await trx('customer_owners').insert({
              id: randomUUID(),
              customer_id: customerId,
              name: customer.name,
              phone: customer.phone,
              address: customer.address,
              to_on: dayBefore,
              recorded_by: 'system',
            });
          await trx('customer_owners').insert({
            id: randomUUID(),
            customer_id: customerId,
            name,
            phone: text(v.newOwnerPhone) ?? null,
            id_no: text(v.newOwnerIdNo) ?? null,
            address: text(v.newOwnerAddress) ?? customer.address,
            from_on: transferOn,
            process_instance_id: call.instanceId,
            assumed_arrears: v.assumedInWriting === true,
            assumption_document: text(v.assumptionDocument) ?? null,
            recorded_by: 'system',
          });
          await trx('customers')
            .where({ id: customerId })
            .update({
              name,
              phone: text(v.newOwnerPhone) ?? customer.phone,
              address: text(v.newOwnerAddress) ?? customer.address,
              updated_at: trx.fn.now(),
            });
          await ctx.ports.audit.record(
            SYSTEM_ACTOR,
            'customer.transfer',
            'customer',
            customerId,
            { from: customer.name, to: name, transferOn, instanceId: call.instanceId },
            undefined,
            trx,
          );
        });
        return { transferredOn: transferOn };
      },
    },
  ];
}
