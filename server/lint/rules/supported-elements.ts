import { runnabilityRule } from './support.js';

/**
 * Only what the runtime implements: the element and event types it knows, multi-instance rather
 * than standard loops, and nothing that runs Java or scripts (listeners, script conditions or
 * parameters).
 */
const supportedElements = runnabilityRule('supported-elements');

export default supportedElements;
