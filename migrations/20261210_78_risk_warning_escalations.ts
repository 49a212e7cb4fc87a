import type { Knex } from 'knex';

/**
 * DOMAIN.md §7 "HQ closes or escalates (督办)": each time HQ presses a warning order — open and
 * unanswered, overdue, or at its review — with the reason HQ gave, who did it, at which stage the
 * order was (answer: waiting for the province; review: answered, HQ's review decided it; hq:
 * waiting on HQ itself) and how many of the province's answering staff were notified.
 * `risk_warnings.escalations` stays the count the lists show; this is the history the order's
 * page shows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('risk_warning_escalations', (t) => {
    t.uuid('id').primary();
    t.uuid('warning_id').notNullable().references('risk_warnings.id');
    // 1, 2, … per order: the order of the history, whatever the clock says.
    t.integer('seq').notNullable();
    t.text('stage').notNullable();
    t.text('reason').notNullable();
    t.text('escalated_by').notNullable();
    t.timestamp('escalated_at', { useTz: true }).notNullable();
    // Notices sent to the staff of the open answer tasks; null when the escalation was HQ's review
    // decision, whose new task (supervised rectification) reaches its staff like any task.
    t.integer('notified');
    t.unique(['warning_id', 'seq']);
  });
  await knex.raw(
    `ALTER TABLE risk_warning_escalations ADD CONSTRAINT risk_warning_escalations_stage_check CHECK (stage IN ('answer', 'review', 'hq'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('risk_warning_escalations');
}
