import { is, report, type RuleFactory } from './support.js';

/** Scripts never run on the platform (bpmn-engine's vm is no sandbox): script tasks are refused. */
const noScriptTask: RuleFactory = () => ({
  check(node, reporter) {
    if (is(node, 'bpmn:ScriptTask')) report(reporter, node, 'script-task.forbidden');
  },
});

export default noScriptTask;
