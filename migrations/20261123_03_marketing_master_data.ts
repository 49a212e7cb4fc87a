import type { Knex } from 'knex';

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * Marketing master data (DOMAIN.md §1, §6): customers, meters, readings, bills, payments and how
 * payments are allocated to bills. Money and energy numeric(14,2); dates of the business calendar
 * are `date`, instants `timestamptz`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('customers', (t) => {
    t.uuid('id').primary();
    t.text('account_no').notNullable().unique();
    t.text('name').notNullable();
    t.text('address');
    t.text('phone');
    t.text('department_id').notNullable().references('departments.id');
    t.text('elec_type_code').notNullable();
    t.text('voltage_level');
    t.decimal('capacity_kva', 14, 2);
    t.text('tariff_code');
    t.text('pf_standard');
    t.text('hue_trade_type_code');
    t.text('ess_policy');
    t.uuid('group_parent_id').references('customers.id');
    t.text('credit_grade').notNullable().defaultTo('B'); // DOMAIN.md §7: new customers start at B
    t.text('production_status');
    t.text('status').notNullable().defaultTo('active'); // active | suspended | closed
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['department_id', 'account_no']);
    t.index(['group_parent_id']);
  });
  await knex.raw(
    `ALTER TABLE customers ADD CONSTRAINT customers_elec_type_code_check CHECK (elec_type_code IN (${list(['000', '100', '200', '201', '202', '300', '400'])}))`,
  );
  await knex.raw(
    `ALTER TABLE customers ADD CONSTRAINT customers_credit_grade_check CHECK (credit_grade IN ('A', 'B', 'C'))`,
  );
  // Search without pg_trgm (not on PGlite): prefix matches on account number and phone, and on the
  // lower-cased name, use these; infix fragments of name and address fall back to a scan.
  await knex.raw('CREATE INDEX customers_account_no_prefix_idx ON customers (account_no text_pattern_ops)');
  await knex.raw('CREATE INDEX customers_phone_prefix_idx ON customers (phone text_pattern_ops)');
  await knex.raw('CREATE INDEX customers_name_prefix_idx ON customers (lower(name) text_pattern_ops)');

  await knex.schema.createTable('meters', (t) => {
    t.uuid('id').primary();
    t.text('asset_no').notNullable().unique();
    t.uuid('customer_id').notNullable().references('customers.id');
    t.text('metering_point_no');
    t.text('accuracy_class').notNullable();
    t.decimal('multiplier', 12, 2).notNullable().defaultTo(1); // CT ratio × PT ratio
    t.integer('register_digits').notNullable().defaultTo(6);
    t.boolean('tou_capable').notNullable().defaultTo(false);
    t.text('device_class').notNullable();
    t.date('install_date');
    t.date('last_test_date');
    t.text('status').notNullable().defaultTo('in_service'); // in_service | removed
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['customer_id']);
  });
  await knex.raw(
    `ALTER TABLE meters ADD CONSTRAINT meters_device_class_check CHECK (device_class IN (${list(['I', 'II', 'III', 'IV', 'V'])}))`,
  );

  await knex.schema.createTable('readings', (t) => {
    t.uuid('id').primary();
    t.uuid('meter_id').notNullable().references('meters.id');
    t.text('period').notNullable(); // YYYY-MM
    t.decimal('total', 14, 2).notNullable();
    for (const register of ['sharp', 'peak', 'flat', 'valley', 'deep_valley']) t.decimal(register, 14, 2);
    t.decimal('reactive_kvarh', 14, 2);
    t.decimal('max_demand_kw', 14, 2);
    t.text('reading_type').notNullable(); // 01 normal, 02 missed, 03 estimated, 04 supplementary
    t.timestamp('read_at', { useTz: true }).notNullable();
    t.text('recorded_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['meter_id', 'period']);
  });
  await knex.raw(
    `ALTER TABLE readings ADD CONSTRAINT readings_type_check CHECK (reading_type IN (${list(['01', '02', '03', '04'])}))`,
  );
  await knex.raw(
    `ALTER TABLE readings ADD CONSTRAINT readings_period_check CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')`,
  );

  await knex.schema.createTable('bills', (t) => {
    t.uuid('id').primary();
    t.uuid('customer_id').notNullable().references('customers.id');
    t.text('period').notNullable();
    t.jsonb('lines').notNullable().defaultTo('[]');
    t.decimal('total', 14, 2).notNullable();
    t.date('due_date').notNullable();
    t.text('status').notNullable().defaultTo('issued');
    t.decimal('paid_amount', 14, 2).notNullable().defaultTo(0);
    t.timestamp('issued_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('issued_by').notNullable();
    t.unique(['customer_id', 'period']);
    t.index(['status', 'due_date']);
  });
  await knex.raw(
    `ALTER TABLE bills ADD CONSTRAINT bills_status_check CHECK (status IN (${list(['issued', 'partly_paid', 'settled', 'written_off'])}))`,
  );
  await knex.raw('ALTER TABLE bills ADD CONSTRAINT bills_paid_check CHECK (paid_amount >= 0 AND paid_amount <= total)');

  // Append-only: a refund or reversal is a row of its own (kind), never an edit of the original.
  await knex.schema.createTable('payments', (t) => {
    t.uuid('id').primary();
    t.uuid('customer_id').notNullable().references('customers.id');
    t.text('kind').notNullable().defaultTo('payment');
    t.text('channel').notNullable();
    t.decimal('amount', 14, 2).notNullable(); // always positive; `kind` says which way it goes
    t.timestamp('paid_at', { useTz: true }).notNullable();
    t.text('idempotency_key').unique();
    t.uuid('reverses_payment_id').unique().references('payments.id');
    t.text('reason');
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['customer_id', 'paid_at']);
  });
  await knex.raw(
    `ALTER TABLE payments ADD CONSTRAINT payments_kind_check CHECK (kind IN (${list(['payment', 'refund', 'reversal'])}))`,
  );
  await knex.raw(
    `ALTER TABLE payments ADD CONSTRAINT payments_channel_check CHECK (channel IN (${list(['counter', 'bank', 'app', 'web', 'direct_debit'])}))`,
  );
  await knex.raw('ALTER TABLE payments ADD CONSTRAINT payments_amount_check CHECK (amount > 0)');
  await knex.raw(
    `ALTER TABLE payments ADD CONSTRAINT payments_reversal_check CHECK ((kind = 'reversal') = (reverses_payment_id IS NOT NULL))`,
  );

  // A reversal's allocations are the negatives of the original's.
  await knex.schema.createTable('payment_allocations', (t) => {
    t.bigIncrements('id');
    t.uuid('payment_id').notNullable().references('payments.id');
    t.uuid('bill_id').notNullable().references('bills.id');
    t.decimal('amount', 14, 2).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['payment_id']);
    t.index(['bill_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['payment_allocations', 'payments', 'bills', 'readings', 'meters', 'customers']) {
    await knex.schema.dropTableIfExists(table);
  }
}
