import { runnabilityRule } from './support.js';

/**
 * Elements carry what the runtime needs to run them: message events and receive tasks a message,
 * call activities the process to call, multi-instance a collection or a cardinality.
 */
const elementComplete = runnabilityRule('element-complete');

export default elementComplete;
