import { randomInt } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, Invalid, NotFound } from '../lib/errors.js';
import { iso } from '../lib/contract.js';
import { utilityToday, type Clock } from '../lib/clock.js';
import { auditInTransaction } from '../identity/audit.service.js';
import { applicationOwned } from '../access/application-owned.js';
import { isApplicantTask as isCustomerTask } from '../access/applicant-task.js';
import { customerAccountOwned, type CustomerSubject } from '../access/customer-account-owned.js';
import type { InstancesService } from '../workflow/instances.service.js';
import type { StepExecutor } from '../workflow/step-executor.js';
import type { Transactions } from '../workflow/transactions.js';
import type { FormsService } from '../forms/forms.service.js';
import type { TaskForms } from '../forms/task-forms.js';
import type { AttachmentFile, AttachmentsService } from '../tasks/attachments.service.js';
import type { UploadedFile } from '../tasks/upload.js';
import { selectTariffVersion, type TariffDefinition } from '../domain/tariffs/index.js';
import { tariffFor } from '../marketing/billing-tariffs.js';
import {
  APPLICATION_DEFINITIONS,
  APPLICATION_KINDS,
  CAPACITY_CHANGE_CODES,
  customerStep,
  isCustomerStep,
  kindOfDefinition,
  shownSteps,
  type ApplicationKind,
  type CustomerWords,
} from './application-steps.js';
import type {
  AccountClosureApplication,
  ApplicationDetail,
  ApplicationDocument,
  ApplicationSummary,
  CapacityReductionApplication,
  ChangeOffer,
  CustomerTask,
  MeterTestApplication,
  NewConnectionApplication,
  OwnershipTransferApplication,
  RestorationApplication,
  SuspensionApplication,
} from './applications.contract.js';

/** The channel an application made in the hall carries (processes read it, reports count it). */
export const ONLINE_HALL_CHANNEL = 'online hall';

interface InstanceRow {
  id: string;
  definition_id: string;
  definition_key: string;
  business_key: string | null;
  department_id: string | null;
  status: string;
  variables: Record<string, unknown>;
  started_at: Date;
  due_at: Date | null;
}

interface OpenTaskRow {
  id: string;
  instance_id: string;
  element_id: string;
  form_key: string | null;
  definition_id: string;
  candidate_groups: string[];
  created_at: Date;
  due_at: Date | null;
}

interface AccountRow {
  id: string;
  account_no: string;
  name: string;
  phone: string | null;
  department_id: string;
}

interface ChangeAccountRow extends AccountRow {
  status: string;
  elec_type_code: string;
  tariff_code: string | null;
  capacity_kva: string | null;
}

type Applicant = CustomerSubject & { displayName: string; phone: string };

/** The application number's prefix: 用 (new connection), 校 (meter test), 变 (capacity), 过户, 销户. */
const NUMBER_PREFIX: Record<ApplicationKind, string> = {
  'new-connection': 'YK-H',
  'meter-test': 'JY-H',
  suspension: 'BG-H',
  'suspension-restoration': 'BG-H',
  'capacity-reduction': 'BG-H',
  'reduction-restoration': 'BG-H',
  'ownership-transfer': 'GH-H',
  'account-closure': 'XH-H',
};

const INSTANCE_COLUMNS = [
  'id',
  'definition_id',
  'definition_key',
  'business_key',
  'department_id',
  'status',
  'variables',
  'started_at',
  'due_at',
];

/** What a hall customer is, to the process runtime: the login that applied, acting for itself. */
export function applicantActor(session: CustomerSubject & { displayName: string }): Actor {
  return {
    id: `customer:${session.loginId}`,
    // A customer is never a subject of staff policies: what it may start and complete is decided
    // here (own accounts, own applications, tasks addressed to the applicant), not by Casbin.
    kind: 'system',
    username: `customer:${session.loginId}`,
    displayName: session.displayName,
    departmentId: null,
    roles: [],
  };
}

/**
 * Applications from the hall (DOMAIN.md §8): a new connection or a meter test started as the
 * real process with channel 'online hall' and the applicant's login on the instance; the
 * customer's view of each (steps in customer words, department, deadlines); and the customer's
 * own steps — user tasks addressed to the applicant — completed through the step executor, as
 * staff completions are.
 */
export class HallApplicationsService {
  constructor(
    private readonly db: Db,
    private readonly deps: {
      transactions: Transactions;
      instances: Pick<InstancesService, 'start'>;
      executor: StepExecutor;
      forms: Pick<FormsService, 'resolve'>;
      taskForms: Pick<TaskForms, 'checkCompletion'>;
      attachments: Pick<AttachmentsService, 'add' | 'maxBytes'>;
      clock: Clock;
    },
  ) {}

  get maxDocumentBytes(): number {
    return this.deps.attachments.maxBytes;
  }

  private async account(session: CustomerSubject, accountId: string): Promise<AccountRow> {
    const row = await this.db('customers')
      .where({ id: accountId })
      .where(customerAccountOwned(session).whereColumn('customers.id'))
      .first<AccountRow | undefined>('id', 'account_no', 'name', 'phone', 'department_id');
    if (!row) throw new NotFound('account', accountId);
    return row;
  }

  /** YK-H20261205-123456: new connection; JY-H…: meter test; BG-H / GH-H / XH-H: changes of service. */
  private number(kind: ApplicationKind): string {
    const day = utilityToday(this.deps.clock).replace(/-/g, '');
    return `${NUMBER_PREFIX[kind]}${day}-${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
  }

  /**
   * One of the login's accounts for a change of service (another login's: 404), still in
   * service: a closed account changes no more (DOMAIN.md §9), refused before anything starts.
   */
  private async changeAccount(session: CustomerSubject, accountId: string): Promise<ChangeAccountRow> {
    const row = await this.db('customers')
      .where({ id: accountId })
      .where(customerAccountOwned(session).whereColumn('customers.id'))
      .first<ChangeAccountRow | undefined>(
        'id',
        'account_no',
        'name',
        'phone',
        'department_id',
        'status',
        'elec_type_code',
        'tariff_code',
        this.db.raw('capacity_kva::text as capacity_kva'),
      );
    if (!row) throw new NotFound('account', accountId);
    if (row.status !== 'active')
      throw new Conflict('ACCOUNT_NOT_ACTIVE', `account ${row.account_no} is ${row.status}: it takes no change`, {
        accountStatus: row.status,
      });
    return row;
  }

  /**
   * The changes of service each of the login's accounts may apply for today (the Apply tab's
   * offer): transfer and closure for any account in service; suspension and reduction for a
   * two-part one, and the restoration of each while a sealing of that kind is still open.
   */
  async changeOffers(session: CustomerSubject): Promise<ChangeOffer[]> {
    const accounts = await this.db('customers')
      .where(customerAccountOwned(session).whereColumn('customers.id'))
      .where({ status: 'active' })
      .orderBy('account_no')
      .select<ChangeAccountRow[]>(
        'id',
        'account_no',
        'name',
        'phone',
        'department_id',
        'status',
        'elec_type_code',
        'tariff_code',
        this.db.raw('capacity_kva::text as capacity_kva'),
      );
    if (!accounts.length) return [];
    const catalogue = await this.tariffCatalogue();
    const today = utilityToday(this.deps.clock);
    const sealed = await this.db('capacity_changes as s')
      .whereIn(
        's.customer_id',
        accounts.map((a) => a.id),
      )
      .whereIn('s.kind', ['suspend', 'reduce'])
      .where('s.status', 'completed')
      .whereRaw(`not exists (select 1 from capacity_changes r where r.restores_id = s.id and r.status <> 'cancelled')`)
      .distinct<{ customer_id: string; kind: string }[]>('s.customer_id', 's.kind');
    return accounts.map((account) => {
      const kinds: ApplicationKind[] = [];
      if (this.twoPart(account, today, catalogue)) {
        kinds.push('suspension', 'capacity-reduction');
        const open = (kind: string) => sealed.some((r) => r.customer_id === account.id && r.kind === kind);
        if (open('suspend')) kinds.push('suspension-restoration');
        if (open('reduce')) kinds.push('reduction-restoration');
      }
      kinds.push('ownership-transfer', 'account-closure');
      return {
        accountId: account.id,
        kinds,
        capacityKva: account.capacity_kva === null ? null : Number(account.capacity_kva),
      };
    });
  }

  private async tariffCatalogue(): Promise<Map<string, TariffDefinition>> {
    const rows = await this.db('tariffs').select<{ definition: TariffDefinition }[]>('definition');
    return new Map(rows.map((r) => [r.definition.code, r.definition]));
  }

  /** Billed two-part on the day, by the tariff the process reads (the account's own, else its class's). */
  private twoPart(account: ChangeAccountRow, on: string, catalogue: Map<string, TariffDefinition>): boolean {
    const tariff = tariffFor(account.elec_type_code, account.tariff_code, catalogue);
    return selectTariffVersion(tariff, on)?.kind === 'two-part';
  }

  /**
   * Suspension and capacity reduction (and their restorations) are for two-part customers only
   * (DOMAIN.md §9): the account's tariff on the day asked for, read as the process reads it, so a
   * household is told so at once instead of by a refusal notice.
   */
  private async requireTwoPart(account: ChangeAccountRow, on: string): Promise<void> {
    if (!this.twoPart(account, on, await this.tariffCatalogue()))
      throw new Conflict(
        'NOT_TWO_PART',
        `account ${account.account_no} is not billed two-part: suspension and capacity reduction are for two-part customers`,
      );
  }

  /** Starts a change of service as the applicant, with the same markers as the other applications. */
  private async startChange(
    session: Applicant,
    kind: ApplicationKind,
    account: ChangeAccountRow,
    variables: Record<string, unknown>,
    note: string | undefined,
  ): Promise<ApplicationDetail> {
    const started = await this.deps.instances.start(
      {
        definitionKey: APPLICATION_KINDS[kind],
        businessKey: this.number(kind),
        departmentId: account.department_id,
        variables: {
          customerId: account.id,
          customerName: account.name,
          phone: session.phone,
          applicantAccountNo: account.account_no,
          applicantLoginId: session.loginId,
          channel: ONLINE_HALL_CHANNEL,
          ...variables,
          ...(note ? { applicationNote: note } : {}),
        },
      },
      applicantActor(session),
    );
    return this.get(session, started.id);
  }

  /** 暂停 (203): the account's whole capacity unless a part is named. */
  async applySuspension(session: Applicant, body: SuspensionApplication): Promise<ApplicationDetail> {
    if (body.plannedEndOn < body.plannedOn)
      throw new Invalid('PLANNED_END_INVALID', 'plannedEndOn must be on or after plannedOn', [
        { field: 'plannedEndOn', reason: 'before plannedOn', message: 'the last day is before the first' },
      ]);
    const account = await this.changeAccount(session, body.accountId);
    await this.requireTwoPart(account, body.plannedOn);
    const kva = body.kva ?? Number(account.capacity_kva);
    this.checkKva(account, kva, true);
    return this.startChange(
      session,
      'suspension',
      account,
      { changeCode: CAPACITY_CHANGE_CODES.suspension, kva, plannedOn: body.plannedOn, plannedEndOn: body.plannedEndOn },
      body.note,
    );
  }

  /** 减容 (201): part of the capacity, never all of it (that is a closure or a suspension). */
  async applyCapacityReduction(session: Applicant, body: CapacityReductionApplication): Promise<ApplicationDetail> {
    const account = await this.changeAccount(session, body.accountId);
    await this.requireTwoPart(account, body.plannedOn);
    this.checkKva(account, body.kva, false);
    return this.startChange(
      session,
      'capacity-reduction',
      account,
      { changeCode: CAPACITY_CHANGE_CODES['capacity-reduction'], kva: body.kva, plannedOn: body.plannedOn },
      body.note,
    );
  }

  /** 暂停恢复 (204) / 减容恢复 (202): the process finds the sealing still open and restores what is left of it. */
  async applyRestoration(session: Applicant, body: RestorationApplication): Promise<ApplicationDetail> {
    const account = await this.changeAccount(session, body.accountId);
    await this.requireTwoPart(account, body.plannedOn);
    const kind = body.restores === 'suspension' ? 'suspension-restoration' : 'reduction-restoration';
    return this.startChange(
      session,
      kind,
      account,
      { changeCode: CAPACITY_CHANGE_CODES[kind], plannedOn: body.plannedOn },
      body.note,
    );
  }

  /**
   * 过户 (211). Whether the arrears are settled or taken over is the applicant's statement; the
   * process checks it (TR02, DOMAIN.md §9): arrears left and no signed assumption recorded by the
   * clerk, and the transfer is refused naming the amount.
   */
  async applyOwnershipTransfer(session: Applicant, body: OwnershipTransferApplication): Promise<ApplicationDetail> {
    const account = await this.changeAccount(session, body.accountId);
    return this.startChange(
      session,
      'ownership-transfer',
      account,
      {
        transferOn: body.transferOn,
        newOwnerName: body.newOwnerName,
        newOwnerIdNo: body.newOwnerIdNo.toUpperCase(),
        newOwnerPhone: body.newOwnerPhone,
        arrearsStatement: body.arrears,
        assumedInWriting: body.arrears === 'assumed',
      },
      body.note,
    );
  }

  /** 销户 (216): the deposit and credit left are refunded to the account given. */
  async applyAccountClosure(session: Applicant, body: AccountClosureApplication): Promise<ApplicationDetail> {
    const account = await this.changeAccount(session, body.accountId);
    return this.startChange(
      session,
      'account-closure',
      account,
      { closeOn: body.closeOn, refundAccount: body.refundAccount.replace(/\s+/g, ' ') },
      body.note,
    );
  }

  /** The capacity changed fits the account's: up to all of it for a suspension, less for a reduction. */
  private checkKva(account: ChangeAccountRow, kva: number, wholeAllowed: boolean): void {
    const capacity = Number(account.capacity_kva);
    if (!Number.isFinite(capacity) || capacity <= 0)
      throw new Conflict('CAPACITY_UNKNOWN', `account ${account.account_no} has no contracted capacity on file`);
    if (!(kva > 0) || kva > capacity || (!wholeAllowed && kva >= capacity))
      throw new Invalid(
        'KVA_OUT_OF_RANGE',
        `kva must be more than 0 and ${wholeAllowed ? 'at most' : 'less than'} ${capacity}`,
        [{ field: 'kva', reason: 'range', message: `the account's capacity is ${capacity} kVA` }],
      );
  }

  async applyNewConnection(
    session: CustomerSubject & { displayName: string; phone: string },
    body: NewConnectionApplication,
  ): Promise<ApplicationDetail> {
    const account = await this.account(session, body.accountId);
    const residential = body.category === 'residential';
    const started = await this.deps.instances.start(
      {
        definitionKey: APPLICATION_KINDS['new-connection'],
        businessKey: this.number('new-connection'),
        departmentId: account.department_id,
        variables: {
          customerName: account.name,
          phone: session.phone,
          address: body.address,
          capacityKva: body.capacityKva,
          acceptClass: residential ? '01' : '02',
          elecTypeCode: residential ? '202' : '400',
          applicantAccountNo: account.account_no,
          applicantLoginId: session.loginId,
          channel: ONLINE_HALL_CHANNEL,
          ...(body.note ? { applicationNote: body.note } : {}),
        },
      },
      applicantActor(session),
    );
    return this.get(session, started.id);
  }

  async applyMeterTest(
    session: CustomerSubject & { displayName: string; phone: string },
    body: MeterTestApplication,
  ): Promise<ApplicationDetail> {
    const account = await this.account(session, body.accountId);
    const meterQuery = this.db('meters').where({ customer_id: account.id, status: 'in_service' });
    if (body.meterId) meterQuery.where({ id: body.meterId });
    const meter = await meterQuery.orderBy('asset_no').first<{ id: string } | undefined>('id');
    if (!meter) throw new NotFound('meter', body.meterId ?? account.account_no);
    const started = await this.deps.instances.start(
      {
        definitionKey: APPLICATION_KINDS['meter-test'],
        businessKey: this.number('meter-test'),
        departmentId: account.department_id,
        variables: {
          origin: 'customer',
          applicationType: '304',
          meterId: meter.id,
          customerName: account.name,
          phone: session.phone,
          applicantAccountNo: account.account_no,
          applicantLoginId: session.loginId,
          channel: ONLINE_HALL_CHANNEL,
          testReason: body.reason,
        },
      },
      applicantActor(session),
    );
    return this.get(session, started.id);
  }

  /** The login's applications, newest first. */
  async list(session: CustomerSubject): Promise<ApplicationSummary[]> {
    const rows = await this.db('process_instances')
      .where(applicationOwned(session.loginId).where('process_instances'))
      .whereIn('definition_key', APPLICATION_DEFINITIONS)
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(100)
      .select<InstanceRow[]>(INSTANCE_COLUMNS);
    const tasks = await this.openTasks(rows.map((r) => r.id));
    const departments = await this.departments(rows.map((r) => r.department_id));
    return rows
      .filter((row) => kindOfDefinition(row.definition_key, row.variables) !== null)
      .map((row) =>
        this.summary(
          row,
          tasks.filter((t) => t.instance_id === row.id),
          departments,
        ),
      );
  }

  /** One application; another login's (or no application at all) is 404. */
  async get(session: CustomerSubject, id: string): Promise<ApplicationDetail> {
    const row = await this.instance(session, id);
    const kind = kindOfDefinition(row.definition_key, row.variables) as ApplicationKind;
    const [tasks, departments, history, documents] = await Promise.all([
      this.openTasks([row.id]),
      this.departments([row.department_id]),
      this.db('activity_history')
        .where({ instance_id: row.id })
        .whereIn('element_id', shownSteps(kind))
        .orderBy([{ column: 'started_at' }, { column: 'id' }])
        .select<{ element_id: string; started_at: Date; ended_at: Date | null; outcome: string | null }[]>(
          'element_id',
          'started_at',
          'ended_at',
          'outcome',
        ),
      this.documents(session, row.id),
    ]);
    const summary = this.summary(row, tasks, departments);
    const timeline = history
      .filter((h) => h.outcome !== 'discarded')
      .map((h) => ({
        code: h.element_id,
        title: customerStep(kind, h.element_id) as CustomerWords,
        state: h.ended_at ? ('done' as const) : ('current' as const),
        yours: isCustomerStep(h.element_id),
        startedAt: iso(h.started_at),
        endedAt: h.ended_at ? iso(h.ended_at) : null,
      }));
    const capacity = Number(row.variables.capacityKva);
    return {
      ...summary,
      capacityKva: Number.isFinite(capacity) ? capacity : null,
      timeline,
      tasks: await Promise.all(tasks.filter(isCustomerTask).map((task) => this.customerTask(kind, row, task))),
      documents,
    };
  }

  private async instance(session: CustomerSubject, id: string): Promise<InstanceRow> {
    const row = await this.db('process_instances')
      .where({ id })
      .where(applicationOwned(session.loginId).where('process_instances'))
      .whereIn('definition_key', APPLICATION_DEFINITIONS)
      .first<InstanceRow | undefined>(INSTANCE_COLUMNS);
    if (!row || !kindOfDefinition(row.definition_key, row.variables)) throw new NotFound('application', id);
    return row;
  }

  private async openTasks(instanceIds: string[]): Promise<OpenTaskRow[]> {
    if (!instanceIds.length) return [];
    return this.db('tasks')
      .whereIn('instance_id', instanceIds)
      .where({ status: 'open' })
      .orderBy('created_at')
      .select<OpenTaskRow[]>(
        'id',
        'instance_id',
        'element_id',
        'form_key',
        'definition_id',
        'candidate_groups',
        'created_at',
        'due_at',
      );
  }

  private async departments(ids: (string | null)[]): Promise<Map<string, CustomerWords>> {
    const wanted = [...new Set(ids.filter((id): id is string => !!id))];
    if (!wanted.length) return new Map();
    const rows = await this.db('departments')
      .whereIn('id', wanted)
      .select<{ id: string; name: string; name_en: string | null }[]>('id', 'name', 'name_en');
    return new Map(rows.map((r) => [r.id, { zh: r.name, en: r.name_en ?? r.name }]));
  }

  private summary(row: InstanceRow, tasks: OpenTaskRow[], departments: Map<string, CustomerWords>): ApplicationSummary {
    const kind = kindOfDefinition(row.definition_key, row.variables) as ApplicationKind;
    const mine = tasks.filter(isCustomerTask);
    // A change of service the process did not take ends normally, with the rule's code on it.
    const refusal = row.status === 'completed' ? text(row.variables.refusalCode) : null;
    const current = [...mine, ...tasks].map((t) => customerStep(kind, t.element_id)).find((w) => w !== null) ?? null;
    const state =
      row.status === 'completed'
        ? refusal
          ? 'refused'
          : 'completed'
        : row.status === 'running'
          ? mine.length
            ? 'waiting-for-you'
            : 'in-progress'
          : 'cancelled';
    const customerDue = mine
      .map((t) => t.due_at)
      .filter((d): d is Date => !!d)
      .sort((a, b) => a.getTime() - b.getTime())[0];
    const utilityDue = row.due_at ?? dateOf(row.variables.resultDueAt);
    return {
      id: row.id,
      number: row.business_key ?? row.id,
      kind,
      state,
      submittedAt: iso(row.started_at),
      accountNo: text(row.variables.applicantAccountNo),
      address: text(row.variables.address),
      department: row.department_id ? (departments.get(row.department_id) ?? null) : null,
      currentStep: row.status === 'running' ? current : null,
      utilityDueAt: utilityDue ? iso(utilityDue) : null,
      customerDueAt: customerDue ? iso(customerDue) : null,
      refusalReason: refusal ? (text(row.variables.refusalReason) ?? refusal) : null,
    };
  }

  private async customerTask(kind: ApplicationKind, row: InstanceRow, task: OpenTaskRow): Promise<CustomerTask> {
    const form = task.form_key ? await this.deps.forms.resolve(task.form_key, task.definition_id) : null;
    const components = ((form?.schema as { components?: FormComponent[] } | undefined)?.components ?? []).filter(
      (c): c is FormComponent & { key: string } => typeof c.key === 'string',
    );
    const context: Record<string, string> = {};
    for (const name of ['address', 'capacityKva', 'schemeNo', 'contractNo', 'customerName']) {
      const value = row.variables[name];
      if (typeof value === 'string' || typeof value === 'number') context[name] = String(value);
    }
    return {
      id: task.id,
      code: task.element_id,
      title: customerStep(kind, task.element_id) ?? { zh: task.element_id, en: task.element_id },
      formKey: task.form_key,
      fields: components.map((c) => ({
        key: c.key,
        type: c.type,
        required: c.validate?.required === true,
        maxLength: c.validate?.maxLength ?? null,
      })),
      createdAt: iso(task.created_at),
      dueAt: task.due_at ? iso(task.due_at) : null,
      context,
    };
  }

  /**
   * Completes one of the customer's own steps. The same path as a staff completion: the form
   * checks the values before anything is written, then one transaction locks the instance and
   * the task and runs the step executor with the values as the task's completion.
   */
  async complete(
    session: CustomerSubject & { displayName: string },
    applicationId: string,
    taskId: string,
    variables: Record<string, string | number | boolean>,
    client: { ip?: string; userAgent?: string },
  ): Promise<ApplicationDetail> {
    await this.instance(session, applicationId);
    const head = await this.db('tasks')
      .where({ id: taskId, instance_id: applicationId })
      .first<{ candidate_groups: string[] } | undefined>('candidate_groups');
    if (!head || !isCustomerTask(head)) throw new NotFound('task', taskId);
    await this.deps.taskForms.checkCompletion(taskId, variables);
    const actor = { ...applicantActor(session), ...client };
    await this.deps.transactions.run(async (scope) => {
      const locked = await this.deps.executor.lock(scope, applicationId);
      if (!applicationOwned(session.loginId).allows(locked.instance)) throw new NotFound('application', applicationId);
      const task = await scope
        .trx('tasks')
        .where({ id: taskId, instance_id: applicationId })
        .forUpdate()
        .first<{ status: string; execution_id: string; element_id: string } | undefined>(
          'status',
          'execution_id',
          'element_id',
        );
      if (!task) throw new NotFound('task', taskId);
      if (task.status !== 'open')
        throw new Conflict('TASK_NOT_OPEN', `the task is already ${task.status}`, { status: task.status });
      const now = this.deps.executor.now();
      scope.batch.add(
        scope
          .trx('tasks')
          .where({ id: taskId })
          .update({
            status: 'completed',
            completed_at: now,
            completed_by: actor.username,
            revision: scope.trx.raw('revision + 1'),
          }),
      );
      scope.batch.add(
        scope.trx('operation_log').insert({
          instance_id: applicationId,
          task_id: taskId,
          operation: 'complete',
          actor: actor.username,
          details: JSON.stringify({ variables: Object.keys(variables), channel: ONLINE_HALL_CHANNEL }),
        }),
      );
      auditInTransaction(scope, actor, 'hall.application.task.complete', 'task', taskId, {
        instanceId: applicationId,
        actorType: 'customer',
      });
      const instance = await this.deps.executor.apply(
        scope,
        locked,
        {
          command: { kind: 'signal', executionId: task.execution_id, payload: variables },
          variables,
          completedTaskId: taskId,
        },
        actor,
      );
      scope.outbox.add(
        this.deps.executor.event('task:completed', instance, {
          taskId,
          completedBy: actor.username,
          elementId: task.element_id,
        }),
      );
    });
    return this.get(session, applicationId);
  }

  /** Documents of the application (the customer's uploads and what the utility attached). */
  async documents(session: CustomerSubject, applicationId: string): Promise<ApplicationDocument[]> {
    const rows = await this.db('task_attachments')
      .where({ instance_id: applicationId })
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .limit(200)
      .select<
        {
          id: string;
          filename: string;
          content_type: string;
          size: number | string;
          created_at: Date;
          uploaded_by: string;
        }[]
      >('id', 'filename', 'content_type', 'size', 'created_at', 'uploaded_by');
    const me = `customer:${session.loginId}`;
    return rows.map((r) => ({
      id: r.id,
      filename: r.filename,
      contentType: r.content_type,
      size: Number(r.size),
      uploadedAt: iso(r.created_at),
      yours: r.uploaded_by === me,
    }));
  }

  /**
   * Attaches a document to the application: to the customer's own open step when there is one
   * (supplying missing documents), otherwise to the step the utility is working on, where the
   * staff handling it see it. The type and size limits are the task attachments' own.
   */
  async addDocument(
    session: CustomerSubject & { displayName: string },
    applicationId: string,
    file: UploadedFile,
  ): Promise<ApplicationDocument> {
    const row = await this.instance(session, applicationId);
    const open = await this.openTasks([row.id]);
    const task = open.find(isCustomerTask) ?? open[0];
    if (!task) throw new Conflict('APPLICATION_CLOSED', 'the application takes no more documents');
    const attachment = await this.deps.attachments.add(
      {
        id: task.id,
        instance_id: row.id,
        department_id: row.department_id,
        definition_key: row.definition_key,
        business_key: row.business_key,
      },
      file,
      applicantActor(session),
    );
    return {
      id: attachment.id,
      filename: attachment.filename,
      contentType: attachment.contentType,
      size: attachment.size,
      uploadedAt: attachment.createdAt,
      yours: true,
    };
  }

  /** A document's bytes; one of another login's applications (or none) is 404. */
  async download(session: CustomerSubject, applicationId: string, documentId: string): Promise<AttachmentFile> {
    await this.instance(session, applicationId);
    const row = await this.db('task_attachments')
      .where({ id: documentId, instance_id: applicationId })
      .first<{ filename: string; content_type: string; sha256: string; content: Uint8Array } | undefined>(
        'filename',
        'content_type',
        'sha256',
        'content',
      );
    if (!row) throw new NotFound('document', documentId);
    return {
      filename: row.filename,
      contentType: row.content_type,
      sha256: row.sha256,
      content: Buffer.from(row.content),
    };
  }

  /** The login an instance's application belongs to, if the hall started it. */
  async applicantOf(instanceId: string): Promise<string | null> {
    const row = await this.db('process_instances')
      .where({ id: instanceId })
      .first<{ login: string | null } | undefined>('applicant_login_id as login');
    return row?.login ?? null;
  }
}

interface FormComponent {
  key?: string;
  type: string;
  validate?: { required?: boolean; maxLength?: number };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value ? value : null;
}

function dateOf(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
