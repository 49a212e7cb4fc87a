import { runnabilityRule } from './support.js';

/**
 * Every `${…}` the runtime evaluates parses in the platform's safe expression language and reads
 * no Camunda Java API; conditions are one expression, priorities numbers or expressions.
 */
const expressionsValid = runnabilityRule('expressions-valid');

export default expressionsValid;
