/**
 * Whether a step's live engine is worth keeping (engine-cache.ts).
 *
 * A kept engine pays off only when its instance's next step comes while it is still held. Steps
 * that follow each other by machine (a service task's job, a timer chain, a client driving the
 * API) come within seconds; steps done by people (a clerk completing the acceptance of an
 * application started an hour ago) come minutes or days apart, and the engine kept for them is
 * never used. Keeping one is not free: a live engine of a large diagram holds megabytes that the
 * worker's garbage collector copies out of the young generation and marks on every full
 * collection. (Acceptance of a new connection on a 520-user load: 62 ms of node CPU a completion
 * with the cache, 29 ms with it off, bench/README.md.)
 *
 * So each definition version carries a score: the share of its recent steps that came within
 * `hotMs` of the same instance's step before *on this node* (an average over about the last 20
 * steps other than starts). A step whose instance this node has not stepped lately counts as a
 * slow one: its predecessor ran elsewhere or long ago, and a kept engine helps only a next step
 * that comes here soon. Engines are kept while the score is at least one half. A new version
 * starts trusted; the score follows the workload both ways, because steps are observed whether
 * or not their engines were kept.
 */
export interface KeepAdmissionOptions {
  /** A step within this long of the instance's previous one counts as machine-paced (default 10 s). */
  hotMs?: number;
  /** Instances whose last step time is remembered (default 10 000). */
  instances?: number;
}

/** Weight of the newest observation in a definition's score: about the last 20 steps count. */
const WEIGHT = 0.05;

export class KeepAdmission {
  private readonly hotMs: number;
  private readonly limit: number;
  /** Insertion order is recency: the first key is the instance stepped longest ago. */
  private readonly lastStep = new Map<string, number>();
  private readonly scores = new Map<string, number>();

  constructor(options: KeepAdmissionOptions = {}) {
    this.hotMs = options.hotMs ?? 10_000;
    this.limit = options.instances ?? 10_000;
  }

  /**
   * Records a step of `instanceId` at `now` and answers whether to keep the engine it leaves.
   * `start`: the instance's first step, which has no step before it to judge by.
   */
  keep(instanceId: string, definitionId: string, now: number, start = false): boolean {
    const previous = this.lastStep.get(instanceId);
    this.lastStep.delete(instanceId);
    this.lastStep.set(instanceId, now);
    while (this.lastStep.size > this.limit) this.lastStep.delete(this.lastStep.keys().next().value as string);
    let score = this.scores.get(definitionId) ?? 1;
    if (!start) {
      score = score * (1 - WEIGHT) + (previous !== undefined && now - previous <= this.hotMs ? WEIGHT : 0);
      this.scores.set(definitionId, score);
    }
    return score >= 0.5;
  }

  /** The score of a definition version (1 when none of its steps has been seen twice). */
  score(definitionId: string): number {
    return this.scores.get(definitionId) ?? 1;
  }
}
