import type { Knex } from 'knex';
import * as engineRuntime from './20261123_01_engine_runtime.js';
import * as identity from './20261123_02_identity.js';
import * as marketingMasterData from './20261123_03_marketing_master_data.js';
import * as billingRuns from './20261123_04_billing_runs.js';
import * as tariffs from './20261123_05_tariffs.js';
import * as customerSearch from './20261123_06_customer_search.js';
import * as worklist from './20261123_07_worklist.js';
import * as monitoring from './20261123_08_monitoring.js';
import * as forms from './20261123_09_forms.js';
import * as notifications from './20261123_10_notifications.js';
import * as designer from './20261123_11_designer.js';
import * as realtime from './20261123_13_realtime.js';
import * as collectionAndRisk from './20261123_12_collection_and_risk.js';
import * as dishonestList from './20261203_14_dishonest_list.js';
import * as taskDelegation from './20261203_15_task_delegation.js';
import * as loginThrottleDelays from './20261204_16_login_throttle_delays.js';
import * as capacityChanges from './20261205_01_capacity_changes.js';
import * as adjustmentPostings from './20261205_02_adjustment_postings.js';
import * as decisions from './20261205_03_decisions.js';
import * as externalTasks from './20261205_04_external_tasks.js';
import * as externalNames from './20261205_05_external_names.js';
import * as instanceOperations from './20261206_11_instance_operations.js';
import * as signalSubscriptions from './20261206_21_signal_subscriptions.js';
import * as instanceSearchOrder from './20261206_12_instance_search_order.js';
import * as householdBilling from './20261206_31_household_billing.js';
import * as subMetersAndReactiveEnergy from './20261206_32_sub_meters_and_reactive_energy.js';
import * as instanceComments from './20261207_31_instance_comments.js';
import * as customerOwners from './20261207_41_customer_owners.js';
import * as customerHall from './20261207_61_customer_hall.js';
import * as lateFeeReliefs from './20261207_5_late_fee_reliefs.js';
import * as changePostings from './20261207_7_change_postings.js';
import * as riskWarningProvinces from './20261207_8_risk_warning_provinces.js';
import * as bankSimulator from './20261207_9_bank_simulator.js';
import * as hallProfile from './20261208_41_hall_profile.js';
import * as reportRead from './20261208_61_report_read.js';
import * as hallIndexes from './20261208_51_hall_indexes.js';
import * as paymentsPaidAt from './20261208_8_payments_paid_at.js';
import * as supervision from './20261209_74_supervision.js';
import * as grid from './20261209_75_grid.js';
import * as hallApplications from './20261209_72_hall_applications.js';
import * as reportSchedules from './20261209_73_report_schedules.js';
import * as meterMoves from './20261210_78_meter_moves.js';
import * as riskWarningEscalations from './20261210_78_risk_warning_escalations.js';
import * as billSums from './20261210_77_bill_sums.js';
import * as unsettledBillsCover from './20261210_77_unsettled_bills_cover.js';
import * as flaggedBillsStats from './20261210_77_flagged_bills_stats.js';
import * as escalationReviewTask from './20261211_80_escalation_review_task.js';
import * as billCustomerScope from './20261212_81_bill_customer_scope.js';
import * as instanceHotUpdates from './20261213_82_instance_hot_updates.js';

/**
 * Every migration, in order. Listed explicitly (not scanned from disk) so the same code runs
 * under tsx, vitest and a bundler, and a missing file is a compile error.
 */
const migrations: Record<string, { up(knex: Knex): Promise<void>; down(knex: Knex): Promise<void> }> = {
  '20261123_01_engine_runtime': engineRuntime,
  '20261123_02_identity': identity,
  '20261123_03_marketing_master_data': marketingMasterData,
  '20261123_04_billing_runs': billingRuns,
  '20261123_05_tariffs': tariffs,
  '20261123_06_customer_search': customerSearch,
  '20261123_07_worklist': worklist,
  '20261123_08_monitoring': monitoring,
  '20261123_09_forms': forms,
  '20261123_10_notifications': notifications,
  '20261123_11_designer': designer,
  '20261123_13_realtime': realtime,
  '20261123_12_collection_and_risk': collectionAndRisk,
  '20261203_14_dishonest_list': dishonestList,
  '20261203_15_task_delegation': taskDelegation,
  '20261204_16_login_throttle_delays': loginThrottleDelays,
  '20261205_01_capacity_changes': capacityChanges,
  '20261205_02_adjustment_postings': adjustmentPostings,
  '20261205_03_decisions': decisions,
  '20261205_04_external_tasks': externalTasks,
  '20261205_05_external_names': externalNames,
  '20261206_11_instance_operations': instanceOperations,
  '20261206_21_signal_subscriptions': signalSubscriptions,
  '20261206_12_instance_search_order': instanceSearchOrder,
  '20261206_31_household_billing': householdBilling,
  '20261206_32_sub_meters_and_reactive_energy': subMetersAndReactiveEnergy,
  '20261207_31_instance_comments': instanceComments,
  '20261207_41_customer_owners': customerOwners,
  '20261207_61_customer_hall': customerHall,
  '20261207_5_late_fee_reliefs': lateFeeReliefs,
  '20261207_7_change_postings': changePostings,
  '20261207_8_risk_warning_provinces': riskWarningProvinces,
  '20261207_9_bank_simulator': bankSimulator,
  '20261208_41_hall_profile': hallProfile,
  '20261208_61_report_read': reportRead,
  '20261208_51_hall_indexes': hallIndexes,
  '20261208_8_payments_paid_at': paymentsPaidAt,
  '20261209_74_supervision': supervision,
  '20261209_75_grid': grid,
  '20261209_72_hall_applications': hallApplications,
  '20261209_73_report_schedules': reportSchedules,
  '20261210_78_meter_moves': meterMoves,
  '20261210_78_risk_warning_escalations': riskWarningEscalations,
  '20261210_77_bill_sums': billSums,
  '20261210_77_unsettled_bills_cover': unsettledBillsCover,
  '20261210_77_flagged_bills_stats': flaggedBillsStats,
  '20261211_80_escalation_review_task': escalationReviewTask,
  '20261212_81_bill_customer_scope': billCustomerScope,
  '20261213_82_instance_hot_updates': instanceHotUpdates,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = migrations[name];
    if (!migration) throw new Error(`unknown migration ${name}`);
    return migration;
  },
};
