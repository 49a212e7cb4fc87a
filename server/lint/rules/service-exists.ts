import { runnabilityRule } from './support.js';

/**
 * Every service (and send) task names a service the way server/services/service-reference.ts reads
 * it, and the platform's registry holds that service.
 */
const serviceExists = runnabilityRule('service-exists');

export default serviceExists;
