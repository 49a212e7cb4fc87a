import { runnabilityRule } from './support.js';

/** Scripts never run on the platform (bpmn-engine's vm is no sandbox): script tasks are refused. */
const noScriptTask = runnabilityRule('no-script-task');

export default noScriptTask;
