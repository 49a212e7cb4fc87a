import { runnabilityRule } from './support.js';

/** A file deploys exactly one executable process (isExecutable="true"). */
const executableProcess = runnabilityRule('executable-process');

export default executableProcess;
