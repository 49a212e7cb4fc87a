import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { AuditService } from '../identity/audit.service.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, Invalid } from '../lib/errors.js';
import { wholeList, type Page } from '../workflow/paging.js';
import type { MetersService } from './meters.service.js';
import { toReading, type Reading, type ReadingRow } from './reading.contract.js';
import type { ReadingCreate } from './schemas.js';

const READING_COLUMNS = [
  'id',
  'meter_id',
  'period',
  'total',
  'sharp',
  'peak',
  'flat',
  'valley',
  'deep_valley',
  'reactive_kvarh',
  'max_demand_kw',
  'reading_type',
  'read_at',
  'recorded_by',
  'created_at',
];

const TOU_REGISTERS = ['sharp', 'peak', 'flat', 'valley', 'deepValley'] as const;

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/** Register readings (抄表示数), one per meter and period (DOMAIN.md §1, §4). */
export class ReadingsService {
  constructor(
    private readonly db: Db,
    private readonly meters: MetersService,
    private readonly audit: AuditService,
  ) {}

  async list(meterId: string, actor: Actor): Promise<Page<Reading>> {
    await this.meters.visible(meterId, actor, 'metering', 'read');
    const rows = (await this.db('readings')
      .where({ meter_id: meterId })
      .select(READING_COLUMNS)
      .orderBy('period')) as ReadingRow[];
    return wholeList(rows.map(toReading));
  }

  /** Records a period's registers; a second reading of the same period is a 409 (supplement with type 04 next period). */
  async record(meterId: string, input: ReadingCreate, actor: Actor): Promise<Reading> {
    const meter = await this.meters.visible(meterId, actor, 'metering', 'write');
    const touGiven = TOU_REGISTERS.filter((r) => input[r] !== undefined);
    if (touGiven.length && !meter.tou_capable) {
      throw new Invalid('VALIDATION_FAILED', `meter ${meter.asset_no} has no TOU registers`, [
        { field: `body.${touGiven[0]}`, reason: 'the meter is not TOU capable' },
      ]);
    }
    const id = randomUUID();
    try {
      await this.db.transaction(async (trx) => {
        await trx('readings').insert({
          id,
          meter_id: meterId,
          period: input.period,
          total: input.total,
          sharp: input.sharp ?? null,
          peak: input.peak ?? null,
          flat: input.flat ?? null,
          valley: input.valley ?? null,
          deep_valley: input.deepValley ?? null,
          reactive_kvarh: input.reactiveKvarh ?? null,
          max_demand_kw: input.maxDemandKw ?? null,
          reading_type: input.readingType,
          read_at: new Date(input.readAt),
          recorded_by: actor.username,
        });
        await this.audit.record(
          actor,
          'reading.record',
          'reading',
          id,
          { meterId, period: input.period, readingType: input.readingType },
          undefined,
          trx,
        );
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new Conflict('READING_EXISTS', `meter ${meter.asset_no} already has a reading for ${input.period}`);
      }
      throw err;
    }
    return toReading((await this.db('readings').where({ id }).first<ReadingRow | undefined>(READING_COLUMNS))!);
  }
}
