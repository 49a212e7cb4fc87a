import { runnabilityRule } from './support.js';

/**
 * Deadlines and timers the runtime can read (processes/README.md "Deadlines"): a user task's
 * camunda:dueDate and followUpDate, the process's own `dueDate` property with the steps
 * `dueDatePausedBy` names, and timer durations and dates (wd:<N>, sla:<step> included).
 */
const deadlineValid = runnabilityRule('deadline-valid');

export default deadlineValid;
