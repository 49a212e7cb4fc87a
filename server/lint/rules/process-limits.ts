import { runnabilityRule } from './support.js';

/**
 * A process stays within the platform's limits (server/config, ARCHITECTURE.md "Limits are part
 * of the design"): no timer cycle shorter than the minimum interval, no more elements than the
 * maximum, no literal multi-instance cardinality above the largest allowed. The document's size is
 * checked before it is read (server/lint/runner.ts), with this rule's name and message.
 */
const processLimits = runnabilityRule('process-limits');

export default processLimits;
