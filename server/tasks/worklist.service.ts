import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { Invalid } from '../lib/errors.js';
import type { TaskBranch, Visibility } from '../workflow/visibility.js';
import { toWorklistItem, type WorklistCounts, type WorklistItem, type WorklistPage } from './worklist.contract.js';
import type { WorklistCriteria, WorklistQuery } from './schemas.js';
import { WorklistRepository, type ResolvedCriteria, type WorklistRow } from './worklist.repository.js';

/**
 * Totals are exact up to this many; beyond it the answer says `totalCapped` ("1 000+"). Counting
 * costs one index entry (and heap visit) per task counted, per way of seeing a task: measured with
 * 300 000 tasks in one county (bench/worklist-ui), a cap of 10 000 made the count 30 times dearer
 * than the page itself (~25 ms per department branch against ~3 ms for the whole page).
 */
export const TOTAL_CAP = 1_000;
/** A search matches at most this many customers by name (then narrow it down). */
const MAX_MATCHING_CUSTOMERS = 200;
/** `counts.completed` counts the tasks the actor completed in the last 30 days. */
const COMPLETED_WINDOW_MS = 30 * 24 * 3600 * 1000;

/**
 * The worklist (issue 6): my open tasks, the open tasks I may claim, and the tasks I completed,
 * searchable by business key and customer name, read as a union of index scans (one per way of
 * seeing a task) so that the first page stays fast with a million tasks.
 */
export class WorklistService {
  constructor(
    private readonly repository: WorklistRepository,
    private readonly visibility: Visibility,
    private readonly authorization: Authorization,
  ) {}

  async list(query: WorklistQuery, actor: Actor): Promise<WorklistPage> {
    const criteria = await this.resolve(query);
    const branches = await this.branches(criteria.view, actor);
    const [page, count] = await Promise.all([
      this.repository.page(branches, criteria, query.offset, query.limit),
      this.repository.count(branches, criteria, TOTAL_CAP),
    ]);
    return {
      items: await this.items(page.rows),
      total: count.total,
      totalCapped: count.capped,
      offset: query.offset,
      limit: query.limit,
      hasMore: page.hasMore,
    };
  }

  /** The three tab badges; `completed` = completed by me in the last 30 days. */
  async counts(actor: Actor): Promise<WorklistCounts> {
    const since = new Date(Date.now() - COMPLETED_WINDOW_MS);
    const [mine, claimable, unassigned] = await Promise.all([
      this.branches('mine', actor),
      this.branches('claimable', actor),
      this.branches('unassigned', actor),
    ]);
    const counted = await this.repository.countSets(
      [
        { branches: mine, criteria: { view: 'mine' } },
        { branches: claimable, criteria: { view: 'claimable' } },
        { branches: this.completedBranches(actor, since), criteria: { view: 'completed' } },
        { branches: unassigned, criteria: { view: 'unassigned' } },
      ],
      TOTAL_CAP,
    );
    const [m, c, done, u] = counted.map((x) => x.total);
    return {
      mine: m!,
      claimable: c!,
      completed: done!,
      unassigned: u!,
      cap: TOTAL_CAP,
      completedSince: since.toISOString(),
    };
  }

  /** Tasks the actor completed since then (the `completed` badge). */
  private completedBranches(actor: Actor, since: Date): TaskBranch[] {
    return [
      {
        apply: (q) => {
          q.where('completed_by', actor.username).where('completed_at', '>=', since);
        },
      },
    ];
  }

  /** The ways the actor sees tasks in a view (visibility.ts), as union branches. */
  private async branches(view: WorklistCriteria['view'], actor: Actor): Promise<TaskBranch[]> {
    if (view === 'mine') {
      return [
        {
          apply: (q) => {
            q.where('assignee', actor.username);
          },
        },
        // tasks I delegated stay on my list until they come back (the holder column names the delegate)
        {
          apply: (q) => {
            q.where('owner', actor.username).whereRaw(`delegation_state = 'pending'`);
          },
          sortAfterFilter: true,
        },
      ];
    }
    if (view === 'completed') {
      return [
        {
          apply: (q) => {
            q.where('completed_by', actor.username);
          },
        },
      ];
    }
    if (view === 'unassigned') return this.supervisedBranches(actor);
    return this.visibility.candidateBranches(actor);
  }

  /**
   * Where the actor may reassign tasks, one branch per department (or one for everywhere): the
   * unassigned tasks there are theirs to hand out. Nowhere: one branch that finds nothing.
   */
  private async supervisedBranches(actor: Actor): Promise<TaskBranch[]> {
    const scope = await this.authorization.scope(actor, 'task', 'reassign');
    if (scope.all) return [{ apply: () => undefined }];
    const departments = scope.departmentIds;
    if (!departments.length) return [{ apply: (q) => void q.whereRaw('false') }];
    // A wide scope (a province) reads as one filter: a branch per department would be hundreds of scans.
    if (departments.length > 48) return [{ apply: (q) => void q.whereIn('department_id', departments) }];
    return departments.map((department) => ({
      apply: (q) => {
        q.where('department_id', department);
      },
    }));
  }

  /** Resolves a search to customer ids and a department to its subtree, before any task is read. */
  async resolve(criteria: WorklistCriteria): Promise<ResolvedCriteria> {
    const resolved: ResolvedCriteria = { ...criteria };
    if (criteria.dueFrom && criteria.dueTo && criteria.dueFrom > criteria.dueTo) {
      throw new Invalid('VALIDATION_FAILED', 'dueFrom is after dueTo', [
        { field: 'query.dueFrom', reason: 'must not be after dueTo' },
      ]);
    }
    if (criteria.departmentId) {
      const department = (await this.authorization.tree()).get(criteria.departmentId);
      if (!department) {
        throw new Invalid('VALIDATION_FAILED', `unknown department ${criteria.departmentId}`, [
          { field: 'query.departmentId', reason: 'unknown department' },
        ]);
      }
      resolved.departmentIds = (await this.authorization.tree()).subtreeIds(department.path);
    }
    const text = criteria.q?.trim();
    if (text) resolved.matchingCustomers = await this.repository.customersMatching(text, MAX_MATCHING_CUSTOMERS);
    return resolved;
  }

  private async items(rows: WorklistRow[]): Promise<WorklistItem[]> {
    const tree = await this.authorization.tree();
    const [definitions, customers, people, unassigned] = await Promise.all([
      this.repository.definitionNames([...new Set(rows.map((r) => r.definition_id))]),
      this.repository.customers(rows),
      this.repository.displayNames(rows.flatMap((r) => [r.assignee, r.completed_by])),
      this.repository.unassigned(rows),
    ]);
    const names = {
      definitions,
      customersById: customers.byId,
      customersByAccountNo: customers.byAccountNo,
      departments: (id: string | null) => tree.get(id),
      people,
      unassigned,
    };
    return rows.map((r) => toWorklistItem(r, names));
  }
}
