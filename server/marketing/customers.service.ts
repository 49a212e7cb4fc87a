import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { AuditService } from '../identity/audit.service.js';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, Invalid, NotFound } from '../lib/errors.js';
import { isResidentialCategory, type ElecTypeCode } from '../domain/billing/index.js';
import type { PermissionObject } from '../../permissions/roles.js';
import { mapPage, page, wholeList, type Page, type PageRequest } from '../workflow/paging.js';
import type { Visibility } from '../workflow/visibility.js';
import { toCustomer, type Customer, type CustomerRow } from './customer.contract.js';
import type { CustomerCreate, CustomerPatch } from './schemas.js';
import { toCustomerOwner, type CustomerOwnerView } from './customer-owner.contract.js';
import { ownersOf } from './customer-owners.js';

export type { CustomerRow } from './customer.contract.js';

export const CUSTOMER_COLUMNS = [
  'id',
  'account_no',
  'name',
  'address',
  'phone',
  'department_id',
  'elec_type_code',
  'voltage_level',
  'capacity_kva',
  'tariff_code',
  'pf_standard',
  'low_income',
  'connected_on',
  'hue_trade_type_code',
  'ess_policy',
  'group_parent_id',
  'credit_grade',
  'production_status',
  'dishonest_listed_on',
  'status',
  'created_at',
  'updated_at',
] as const;

export interface CustomerSearch {
  q?: string | undefined;
  departmentId?: string | undefined;
  status?: string | undefined;
}

/** The columns as read: the listing day as YYYY-MM-DD text (a date, not an instant). */
function selectColumns(db: Db) {
  return CUSTOMER_COLUMNS.map((c) =>
    c === 'dishonest_listed_on' || c === 'connected_on' ? db.raw(`to_char(${c}, 'YYYY-MM-DD') AS ${c}`) : c,
  );
}

/** DOMAIN.md §5.1: the free kWh are a residential tier rule; other categories have no such household. */
function requireResidentialIfLowIncome(lowIncome: boolean, elecTypeCode: string): void {
  if (lowIncome && !isResidentialCategory(elecTypeCode as ElecTypeCode)) {
    throw new Invalid(
      'VALIDATION_FAILED',
      `only a residential customer (200, 201, 202) can be a low-income household`,
      [{ field: 'body.lowIncome', reason: `elecTypeCode ${elecTypeCode} is not residential` }],
    );
  }
}

/** API field → column, for the fields a create or an update may set. */
const FIELD_COLUMNS = {
  accountNo: 'account_no',
  name: 'name',
  address: 'address',
  phone: 'phone',
  departmentId: 'department_id',
  elecTypeCode: 'elec_type_code',
  voltageLevel: 'voltage_level',
  capacityKva: 'capacity_kva',
  tariffCode: 'tariff_code',
  pfStandard: 'pf_standard',
  lowIncome: 'low_income',
  connectedOn: 'connected_on',
  hueTradeTypeCode: 'hue_trade_type_code',
  essPolicy: 'ess_policy',
  groupParentId: 'group_parent_id',
  creditGrade: 'credit_grade',
  productionStatus: 'production_status',
  dishonestListedOn: 'dishonest_listed_on',
  status: 'status',
} as const;

function columnsOf(input: Partial<Record<keyof typeof FIELD_COLUMNS, unknown>>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(FIELD_COLUMNS)) {
    const value = input[field as keyof typeof FIELD_COLUMNS];
    if (value !== undefined) row[column] = value;
  }
  return row;
}

/** `%`, `_` and `\` in a search fragment match themselves, not any text. */
function likeFragment(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/** Customers (用电客户, SG186 C_CONS; DOMAIN.md §1): create, search, read, update, close. */
export class CustomersService {
  constructor(
    private readonly db: Db,
    private readonly visibility: Visibility,
    private readonly authorization: Authorization,
    private readonly audit: AuditService,
  ) {}

  /**
   * A customer the actor may see for `object:action` in the customer's department; another
   * department's customer answers 404, as if it did not exist (README: Permissions).
   */
  async visible(
    where: { id: string } | { account_no: string },
    actor: Actor,
    object: PermissionObject = 'customer',
    action = 'read',
    trx: Db = this.db,
  ): Promise<CustomerRow> {
    const row = await trx('customers')
      .where(where)
      .where(await this.visibility.departmentFilter(actor, object, action, 'department_id'))
      .first<CustomerRow | undefined>(selectColumns(trx));
    if (!row) throw new NotFound('customer', 'id' in where ? where.id : where.account_no);
    return row;
  }

  /**
   * {@link visible}'s rule as a filter on a department column, for lists of customers' data
   * (payments, bills) that join the customer: only departments the actor holds `object:action` in.
   */
  async departmentFilter(actor: Actor, object: PermissionObject, action: string, column: string) {
    return this.visibility.departmentFilter(actor, object, action, column);
  }

  async get(id: string, actor: Actor): Promise<Customer> {
    return toCustomer(await this.visible({ id }, actor));
  }

  /** The account's owners, oldest first (过户, DOMAIN.md §9); none for an account never transferred. */
  async owners(id: string, actor: Actor): Promise<Page<CustomerOwnerView>> {
    await this.visible({ id }, actor);
    return wholeList((await ownersOf(this.db, id)).map(toCustomerOwner));
  }

  /** Account number prefix, or a fragment of the name, phone or address; newest account numbers last. */
  async search(filter: CustomerSearch, request: PageRequest, actor: Actor): Promise<Page<Customer>> {
    const q = this.db('customers')
      .select(selectColumns(this.db))
      .where(await this.visibility.departmentFilter(actor, 'customer', 'read', 'department_id'))
      .orderBy('account_no');
    const text = filter.q?.trim();
    if (text) {
      const fragment = likeFragment(text);
      q.where((w) => {
        w.where('account_no', 'like', `${fragment}%`)
          .orWhere('phone', 'like', `%${fragment}%`)
          .orWhereRaw('lower(name) like ?', [`%${fragment.toLowerCase()}%`])
          .orWhereILike('address', `%${fragment}%`);
      });
    }
    if (filter.departmentId) q.where('department_id', filter.departmentId);
    if (filter.status) q.where('status', filter.status);
    return mapPage(await page<CustomerRow>(q, request), toCustomer);
  }

  async create(input: CustomerCreate, actor: Actor): Promise<Customer> {
    const departmentId = input.departmentId ?? actor.departmentId;
    if (!departmentId || !(await this.authorization.tree()).get(departmentId)) {
      throw new Invalid('VALIDATION_FAILED', `unknown department ${departmentId ?? '(none)'}`, [
        { field: 'body.departmentId', reason: 'unknown department' },
      ]);
    }
    await this.authorization.require(actor, 'customer', 'write', departmentId);
    requireResidentialIfLowIncome(input.lowIncome ?? false, input.elecTypeCode);
    if (input.groupParentId) await this.requireParent(input.groupParentId);
    const id = randomUUID();
    try {
      await this.db.transaction(async (trx) => {
        await trx('customers').insert({ id, ...columnsOf({ ...input, departmentId }) });
        await this.audit.record(
          actor,
          'customer.create',
          'customer',
          id,
          { accountNo: input.accountNo, departmentId },
          undefined,
          trx,
        );
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict('ACCOUNT_NO_TAKEN', `account number ${input.accountNo} is taken`);
      throw err;
    }
    return this.get(id, actor);
  }

  async update(id: string, patch: CustomerPatch, actor: Actor): Promise<Customer> {
    const current = await this.visible({ id }, actor, 'customer', 'write');
    if (patch.departmentId && patch.departmentId !== current.department_id) {
      if (!(await this.authorization.tree()).get(patch.departmentId)) {
        throw new Invalid('VALIDATION_FAILED', `unknown department ${patch.departmentId}`, [
          { field: 'body.departmentId', reason: 'unknown department' },
        ]);
      }
      await this.authorization.require(actor, 'customer', 'write', patch.departmentId);
    }
    if (patch.groupParentId) {
      if (patch.groupParentId === id) {
        throw new Invalid('VALIDATION_FAILED', 'a customer cannot be its own group parent', [
          { field: 'body.groupParentId', reason: 'self reference' },
        ]);
      }
      await this.requireParent(patch.groupParentId);
    }
    requireResidentialIfLowIncome(patch.lowIncome ?? current.low_income, patch.elecTypeCode ?? current.elec_type_code);
    if (patch.status === 'closed' && current.status !== 'closed') await this.requireNoArrears(id);
    // DOMAIN.md §9: a closed account stays closed; re-using the address is a new connection.
    if (current.status === 'closed' && patch.status !== undefined && patch.status !== 'closed') {
      throw new Conflict('CUSTOMER_CLOSED', 'a closed account cannot be reopened; connect the address anew');
    }
    const changes = columnsOf(patch);
    await this.db.transaction(async (trx) => {
      await trx('customers')
        .where({ id })
        .update({ ...changes, updated_at: trx.fn.now() });
      await this.audit.record(
        actor,
        'customer.update',
        'customer',
        id,
        { changed: Object.keys(patch).filter((k) => patch[k as keyof CustomerPatch] !== undefined) },
        undefined,
        trx,
      );
    });
    return this.get(id, actor);
  }

  /** Closes the account (销户): customers are never deleted, their bills and payments stay. */
  close(id: string, actor: Actor): Promise<Customer> {
    return this.update(id, { status: 'closed' }, actor);
  }

  private async requireParent(parentId: string): Promise<void> {
    if (!(await this.db('customers').where({ id: parentId }).first('id'))) {
      throw new Invalid('VALIDATION_FAILED', `unknown group parent ${parentId}`, [
        { field: 'body.groupParentId', reason: 'unknown customer' },
      ]);
    }
  }

  private async requireNoArrears(id: string): Promise<void> {
    const open = await this.db('bills')
      .where({ customer_id: id })
      .whereIn('status', ['issued', 'partly_paid'])
      .first<{ id: string } | undefined>('id');
    if (open) throw new Conflict('CUSTOMER_HAS_ARREARS', 'a customer with unsettled bills cannot be closed');
  }
}
