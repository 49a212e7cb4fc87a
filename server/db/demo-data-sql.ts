/**
 * The set-based SQL of the demo data generator. Every "random" figure is a 32-bit slice of
 * md5(seed : tag : row), so the same seed gives the same rows on PostgreSQL and PGlite alike,
 * and a million customers are a handful of INSERT … SELECT FROM generate_series statements.
 */

/** A uniform number in [0, 1) from the n-th 32-bit slice (0–3) of the md5 hex column `h`. */
export const u = (h: string, n: number) => `(('x' || substr(${h}, ${1 + 8 * n}, 8))::bit(32)::bigint / 4294967296.0)`;

/**
 * A version-4 UUID from an md5 hex text: the version nibble and the variant bits are set, so every
 * generated id is one the API's id check accepts (a bare md5()::uuid mostly is not).
 */
export const uuidOf = (md5: string) =>
  `(SELECT (substr(h, 1, 12) || '4' || substr(h, 14, 3) || substr('89ab', (('x' || substr(h, 17, 1))::bit(4)::int % 4) + 1, 1) || substr(h, 18, 15))::uuid FROM (SELECT ${md5} AS h) v)`;

/**
 * Customers of every SG186 category (DOMAIN.md §1): 1 % internal 000, 2 % large industry 100,
 * 27 % rural 201, 55 % urban 202, 5 % agricultural 300, 10 % general C&I 400.
 * Params: seed, departments (text[]), department count, customers.
 */
export const CUSTOMERS_SQL = `
INSERT INTO customers (id, account_no, name, address, phone, department_id, elec_type_code, voltage_level,
                       capacity_kva, pf_standard, credit_grade, status)
SELECT ${uuidOf(`md5(s.seed || ':c:' || g)`)}, 'D' || lpad(g::text, 9, '0'),
       CASE cat WHEN '100' THEN '演示工业' || g || '有限公司' WHEN '400' THEN '演示商铺' || g WHEN '300' THEN '演示农场' || g
                WHEN '000' THEN '考核计量点' || g ELSE '演示居民' || g END,
       '演示路 ' || (g % 997) || ' 号', '139' || lpad((g % 100000000)::text, 8, '0'),
       (s.departments)[1 + floor(u1 * s.n_departments)::int], cat,
       CASE WHEN cat = '100' OR (cat = '400' AND cap >= 315) THEN '10kV' WHEN cat IN ('201', '202') THEN '0.22kV' ELSE '0.4kV' END,
       cap,
       CASE WHEN cat = '100' THEN '0.90' WHEN cat = '400' AND cap >= 100 THEN '0.85' WHEN cat = '300' AND cap >= 100 THEN '0.80' END,
       'B', 'active'
  FROM (SELECT g, ${u('h', 1)} AS u1,
               CASE WHEN ${u('h', 0)} < 0.01 THEN '000' WHEN ${u('h', 0)} < 0.03 THEN '100' WHEN ${u('h', 0)} < 0.30 THEN '201'
                    WHEN ${u('h', 0)} < 0.85 THEN '202' WHEN ${u('h', 0)} < 0.90 THEN '300' ELSE '400' END AS cat,
               ${u('h', 2)} AS u2
          FROM (SELECT g, md5(?::text || ':cust:' || g) AS h FROM generate_series(1, ?::int) g) r) x
  CROSS JOIN (SELECT ?::text AS seed, ?::text[] AS departments, ?::int AS n_departments) s,
  LATERAL (SELECT CASE x.cat WHEN '100' THEN 315 + floor(x.u2 * 4685) WHEN '400' THEN 20 + floor(x.u2 * 480)
                             WHEN '300' THEN 10 + floor(x.u2 * 190) END::numeric(14,2) AS cap) c`;

/**
 * One meter per customer. Large industry and HV C&I behind CTs/PTs (multiplier), TOU registers for
 * large industry, most households and half the C&I. Anomalies by row number: every 997th household
 * a 5-digit register about to roll over, every 1021st newly connected in the first period.
 * Params: seed, first period's first day.
 */
export const METERS_SQL = `
INSERT INTO meters (id, asset_no, customer_id, metering_point_no, accuracy_class, multiplier, register_digits,
                    tou_capable, device_class, install_date, last_test_date, status)
SELECT ${uuidOf(`md5(?::text || ':m:' || g)`)}, 'DM' || lpad(g::text, 10, '0'), c.id, 'MP' || lpad(g::text, 10, '0'),
       CASE WHEN c.elec_type_code = '100' THEN '0.5S' WHEN c.voltage_level = '10kV' THEN '0.5S' ELSE '2.0' END,
       CASE WHEN c.elec_type_code = '100' THEN 200 WHEN c.capacity_kva >= 100 THEN 30 ELSE 1 END,
       CASE WHEN g % 997 = 0 AND c.elec_type_code IN ('201', '202') THEN 5 ELSE 6 END,
       c.elec_type_code = '100' OR (g % 997 <> 0 AND ((c.elec_type_code IN ('201', '202') AND g % 10 < 7)
                                                    OR (c.elec_type_code = '400' AND g % 2 = 0))),
       CASE WHEN c.elec_type_code = '100' THEN 'III' WHEN c.voltage_level = '10kV' THEN 'IV' ELSE 'V' END,
       CASE WHEN g % 1021 = 0 THEN ?::date ELSE DATE '2015-01-01' + (g % 3000) END,
       DATE '2023-01-01' + (g % 700), 'in_service'
  FROM (SELECT id, elec_type_code, voltage_level, capacity_kva, substr(account_no, 2)::int AS g
          FROM customers WHERE account_no LIKE 'D%') c`;

/**
 * Sub-meters (DOMAIN.md §4, audit rule 8): every 7th general C&I customer is a building whose main
 * meter has the next two households of its department behind it, so the demo shows main meters
 * with sub-meters and the audit compares them. A building's load is far above two households', so
 * the rule holds a bill only when the data really is wrong. Params: none.
 */
export const SUB_METERS_SQL = `
WITH account AS (
  SELECT m.id, c.department_id, substr(c.account_no, 2)::int AS g,
         c.elec_type_code = '400' AND substr(c.account_no, 2)::int % 7 = 0 AS building,
         c.elec_type_code = '202' AS household
    FROM meters m JOIN customers c ON c.id = m.customer_id WHERE c.account_no LIKE 'D%'
),
-- one pass in account order: each account's nearest building before it in its department
nearest AS (
  SELECT id, g, household,
         max(CASE WHEN building THEN g END) OVER (PARTITION BY department_id ORDER BY g) AS building_g
    FROM account
),
behind AS (
  SELECT n.id, b.id AS main_id, row_number() OVER (PARTITION BY n.building_g ORDER BY n.g) AS k
    FROM nearest n JOIN account b ON b.g = n.building_g
   WHERE n.household AND n.g - n.building_g < 100
)
UPDATE meters s SET main_meter_id = behind.main_id FROM behind WHERE behind.id = s.id AND behind.k <= 2`;

/**
 * What residential billing knows of a household (DOMAIN.md §5.1): every account's connection day is
 * its meter's install day, and every 53rd household is low-income (低保户), so the tariff's free kWh
 * show once a tariff version sets them. Params: none.
 */
export const HOUSEHOLDS_SQL = `
UPDATE customers c
   SET connected_on = m.install_date,
       low_income = c.elec_type_code IN ('201', '202') AND substr(c.account_no, 2)::int % 53 = 0
  FROM meters m
 WHERE m.customer_id = c.id AND c.account_no LIKE 'D%'`;

/**
 * Monthly readings: a seasonal profile (summer air-conditioning, winter heating) times the
 * customer's own level and ±5 % noise; TOU registers split it (households peak/valley, others
 * peak/flat/valley, always summing to the total register); registers are running sums wrapped at
 * 10^digits. Anomalies: every 1009th customer uses nothing; every 1019th jumps ×4 in the last
 * month; every 1013th is estimated (type 03) in the last two months.
 * Params: seed, first period (YYYY-MM), months.
 */
export const READINGS_SQL = `
WITH params AS (SELECT ?::text AS seed, to_date(?, 'YYYY-MM') AS first_day, ?::int AS months),
meter AS (
  SELECT m.id, substr(c.account_no, 2)::int AS g, m.multiplier, m.register_digits, m.tou_capable,
         c.elec_type_code IN ('201', '202') AS residential, c.elec_type_code,
         CASE c.elec_type_code WHEN '100' THEN c.capacity_kva * 300 WHEN '400' THEN c.capacity_kva * 120
              WHEN '300' THEN c.capacity_kva * 80 WHEN '000' THEN 500 ELSE 150 + (substr(c.account_no, 2)::int % 250) END AS level,
         CASE WHEN m.register_digits = 5 THEN 99940 ELSE substr(c.account_no, 2)::int % 50000 END AS start_units
    FROM meters m JOIN customers c ON c.id = m.customer_id WHERE c.account_no LIKE 'D%'
),
month_use AS (
  SELECT m.*, k, p.months, (p.first_day + make_interval(months => k))::date AS day,
         md5(p.seed || ':r:' || m.g || ':' || k) AS h,
         CASE WHEN k = 0 OR m.g % 1009 = 0 THEN 0
              ELSE round(m.level * (1 + (CASE WHEN m.residential THEN 1 ELSE 0.2 END)
                         * (ARRAY[0.25, 0.15, -0.05, -0.15, -0.1, 0.1, 0.45, 0.5, 0.15, -0.1, -0.05, 0.15])
                           [extract(month FROM p.first_day + make_interval(months => k))::int])
                         * (CASE WHEN m.g % 1019 = 0 AND k = p.months - 1 THEN 4 ELSE 1 END)
                         * (0.95 + 0.1 * ${u(`md5(p.seed || ':n:' || m.g || ':' || k)`, 0)}) / m.multiplier, 2) END AS units
    FROM params p, meter m, generate_series(0, p.months - 1) k
),
parts AS (
  SELECT *, round(units * (0.25 + 0.3 * ${u('h', 2)}), 2) AS kvarh_u,
         CASE WHEN residential THEN 0 ELSE round((units - peak_u) * 0.6, 2) END AS flat_u
    FROM (SELECT *, round(units * (0.55 + 0.15 * ${u('h', 1)}), 2) AS peak_u FROM month_use) x
),
running AS (
  SELECT *, sum(units) OVER w AS used, sum(peak_u) OVER w AS used_peak, sum(flat_u) OVER w AS used_flat,
         sum(kvarh_u) OVER w AS used_kvarh
    FROM parts WINDOW w AS (PARTITION BY id ORDER BY k)
)
INSERT INTO readings (id, meter_id, period, total, peak, flat, valley, reactive_kvarh, max_demand_kw, reading_type, read_at, recorded_by)
SELECT ${uuidOf(`md5(id::text || ':' || k)`)}, id, to_char(day, 'YYYY-MM'),
       mod(start_units + used, power(10, register_digits)::numeric),
       CASE WHEN tou_capable THEN round(start_units * 0.6, 2) + used_peak END,
       CASE WHEN tou_capable AND NOT residential THEN round(start_units * 0.3, 2) + used_flat END,
       CASE WHEN tou_capable THEN start_units + used - round(start_units * 0.6, 2) - used_peak
                                  - CASE WHEN residential THEN 0 ELSE round(start_units * 0.3, 2) + used_flat END END,
       CASE WHEN elec_type_code IN ('100', '300', '400') THEN start_units * 0.4 + used_kvarh END,
       CASE WHEN elec_type_code = '100' THEN round(level / multiplier / 400 * (1 + ${u('h', 3)}), 2) END,
       CASE WHEN g % 1013 = 0 AND k >= months - 2 THEN '03' ELSE '01' END,
       (day + 27 + time '01:00') AT TIME ZONE 'UTC', 'demo'
  FROM running`;

/**
 * How each demo customer pays its issued bills before the last period: 85 % pay every bill, 7 %
 * pay all but half of the newest, 8 % stop paying from a month of their own (arrears, oldest
 * bills paid first as the ledger would allocate them). Params: seed, first period, months, last period.
 */
const DECIDED = `
SELECT b.id, b.customer_id, b.total, b.due_date, d.h,
       CASE WHEN ${u('d.h', 0)} < 0.85 THEN b.total
            WHEN ${u('d.h', 0)} < 0.92 THEN CASE WHEN b.period = d.newest THEN round(b.total / 2, 2) ELSE b.total END
            WHEN b.period < to_char(to_date(?, 'YYYY-MM') + make_interval(months => floor(${u('d.h', 1)} * ?::int)::int), 'YYYY-MM')
              THEN b.total
            ELSE 0 END AS amount
  FROM bills b
  JOIN (SELECT b2.customer_id, max(b2.period) AS newest, md5(?::text || ':pay:' || b2.customer_id) AS h
          FROM bills b2 JOIN customers c ON c.id = b2.customer_id AND c.account_no LIKE 'D%'
         WHERE b2.status = 'issued' AND b2.period < ? GROUP BY b2.customer_id) d ON d.customer_id = b.customer_id
 WHERE b.status = 'issued' AND b.period < ?`;

/** Params: first period, months, seed, last period, last period. */
export const PAYMENTS_SQL = `
INSERT INTO payments (id, customer_id, kind, channel, amount, paid_at, idempotency_key, created_by)
SELECT ${uuidOf(`md5(x.id::text || ':pay')`)}, x.customer_id, 'payment',
       (ARRAY['counter', 'bank', 'app', 'web', 'direct_debit'])[1 + floor(${u('x.h', 2)} * 5)::int], x.amount,
       (x.due_date - (1 + floor(${u('x.h', 3)} * 10))::int + time '02:00') AT TIME ZONE 'UTC', 'demo:' || x.id, 'demo'
  FROM (${DECIDED}) x
 WHERE x.amount > 0`;

export const ALLOCATIONS_SQL = `
INSERT INTO payment_allocations (payment_id, bill_id, amount)
SELECT id, substr(idempotency_key, 6)::uuid, amount FROM payments WHERE idempotency_key LIKE 'demo:%'`;

export const SETTLE_SQL = `
UPDATE bills b SET paid_amount = a.amount, status = CASE WHEN a.amount >= b.total THEN 'settled' ELSE 'partly_paid' END
  FROM payment_allocations a JOIN payments p ON p.id = a.payment_id AND p.idempotency_key LIKE 'demo:%'
 WHERE a.bill_id = b.id`;
