import { is, isExpression, list, report, text, type PlatformLintData, type RuleFactory } from './support.js';
import { APPLICANT_GROUP } from '../../access/applicant-task.js';

/**
 * Every user task names who may work on it: candidate groups (roles), candidate users or an
 * assignee, each a name of the platform or mapped to one (external names, set by an
 * administrator). A warning, not a refusal: a task for nobody, or for names that map to nobody,
 * reaches team leaders and administrators as unassigned, to be reassigned. The applicant
 * (`applicant`, access/applicant-task.ts) is a name of the platform: the customer who applied.
 */
const userTaskCandidates: RuleFactory<Partial<PlatformLintData>> = (config = {}) => ({
  check(node, reporter) {
    if (!is(node, 'bpmn:UserTask')) return;
    const groups = list(node.candidateGroups);
    const users = [...list(node.candidateUsers), ...(text(node.assignee) ? [text(node.assignee) as string] : [])];
    if (groups.length === 0 && users.length === 0) {
      report(reporter, node, 'user-task.no-candidates', {}, ['candidateGroups']);
      return;
    }
    const roles = config.roles ? new Set(config.roles) : null;
    for (const group of groups) {
      if (roles && !isExpression(group) && group !== APPLICANT_GROUP && !roles.has(group)) {
        report(reporter, node, 'user-task.unknown-group', { value: group }, ['candidateGroups']);
      }
    }
    const known = config.users ? new Set(config.users) : null;
    for (const user of users) {
      if (known && !isExpression(user) && !known.has(user)) {
        report(reporter, node, 'user-task.unknown-user', { value: user }, ['candidateUsers']);
      }
    }
  },
});

export default userTaskCandidates;
