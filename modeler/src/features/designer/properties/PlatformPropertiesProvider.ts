import { Group, isCheckboxEntryEdited, isSelectEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { APPLICANT_GROUP } from '../../../../../server/access/applicant-task';
import { ConditionTypeEntry } from './condition';
import type { DesignerContext } from './context';
import {
  AssigneeEntry,
  CalledProcessEntry,
  CandidateGroupEntry,
  CandidateUserPickerEntry,
  CandidateUsersEntry,
  DeadlineKindEntry,
  DeadlinePausedByEntry,
  DeadlineValueEntry,
  EditFormEntry,
  FormKeyEntry,
  ServiceEntry,
} from './entries';

interface Element {
  id: string;
  businessObject: { $instanceOf(type: string): boolean };
}
interface Entry {
  id: string;
  component: unknown;
  isEdited?: (node: unknown) => boolean;
  [key: string]: unknown;
}
interface GroupSpec {
  id: string;
  label: string;
  /** Absent on list groups, which hold `items`. */
  entries?: Entry[];
  component: unknown;
  shouldOpen?: boolean;
}
interface PropertiesPanel {
  registerProvider(
    priority: number,
    provider: { getGroups(element: Element): (groups: GroupSpec[]) => GroupSpec[] },
  ): void;
}

/**
 * The platform's group of the properties panel (issue 7): for a user task its candidates picked
 * from the platform's roles and users, its form and deadline; for a service task the service
 * from the server's registry; for a call activity the called process from the deployed ones.
 * It comes first and open, above the Camunda groups, which stay for everything else (priority,
 * follow-up date, conditions, timers, messages).
 */
export class PlatformPropertiesProvider {
  static $inject = ['propertiesPanel', 'designerContext'];

  constructor(
    propertiesPanel: PropertiesPanel,
    private readonly context: DesignerContext,
  ) {
    propertiesPanel.registerProvider(400, this);
  }

  getGroups(element: Element) {
    return (groups: GroupSpec[]) => {
      const group = this.group(element);
      if (group) groups.splice(Math.min(1, groups.length), 0, group);
      // The Camunda condition type offers scripts, which the platform refuses: ours offers none.
      // List groups (inputs, extension properties…) hold items, not entries.
      for (const entry of groups.flatMap((g) => g.entries ?? [])) {
        if (entry.id === 'conditionType') entry.component = ConditionTypeEntry;
      }
      return groups;
    };
  }

  private group(element: Element): GroupSpec | null {
    const bo = element.businessObject;
    const t = (key: string) => this.context.t(key);
    if (bo.$instanceOf('bpmn:UserTask')) {
      return {
        id: 'platform-user-task',
        label: t('designer.props.userTaskGroup'),
        component: Group,
        shouldOpen: true,
        entries: [
          // The customer who applied in the hall: the task is theirs, shown in the hall and in no staff worklist.
          {
            id: `platform-candidate-group-${APPLICANT_GROUP}`,
            component: CandidateGroupEntry,
            role: { code: APPLICANT_GROUP, name: t('designer.props.applicant'), nameEn: t('designer.props.applicant') },
            isEdited: isCheckboxEntryEdited,
          },
          ...this.context.catalog.roles.map((role) => ({
            id: `platform-candidate-group-${role.code}`,
            component: CandidateGroupEntry,
            role,
            isEdited: isCheckboxEntryEdited,
          })),
          { id: 'platform-assignee', component: AssigneeEntry, isEdited: isSelectEntryEdited },
          { id: 'platform-add-candidate-user', component: CandidateUserPickerEntry },
          { id: 'platform-candidate-users', component: CandidateUsersEntry, isEdited: isTextFieldEntryEdited },
          { id: 'platform-form', component: FormKeyEntry, isEdited: isSelectEntryEdited },
          { id: 'platform-form-edit', component: EditFormEntry },
          {
            id: 'platform-due-kind',
            component: DeadlineKindEntry,
            attribute: 'camunda:dueDate',
            labelKey: 'designer.props.dueDate',
            isEdited: isSelectEntryEdited,
          },
          { id: 'platform-due-value', component: DeadlineValueEntry, attribute: 'camunda:dueDate' },
        ],
      };
    }
    if (bo.$instanceOf('bpmn:ServiceTask') || bo.$instanceOf('bpmn:SendTask')) {
      return {
        id: 'platform-service',
        label: t('designer.props.serviceGroup'),
        component: Group,
        shouldOpen: true,
        entries: [{ id: 'platform-service-name', component: ServiceEntry, isEdited: isSelectEntryEdited }],
      };
    }
    if (bo.$instanceOf('bpmn:Process')) {
      // The whole instance's deadline (processes/README.md "Deadlines"): the dueDate property,
      // paused by the customer's steps.
      return {
        id: 'platform-process',
        label: t('designer.props.processGroup'),
        component: Group,
        shouldOpen: true,
        entries: [
          {
            id: 'platform-process-due-kind',
            component: DeadlineKindEntry,
            attribute: 'property:dueDate',
            labelKey: 'designer.props.processDue',
            isEdited: isSelectEntryEdited,
          },
          { id: 'platform-process-due-value', component: DeadlineValueEntry, attribute: 'property:dueDate' },
          { id: 'platform-process-due-paused', component: DeadlinePausedByEntry, isEdited: isTextFieldEntryEdited },
        ],
      };
    }
    if (bo.$instanceOf('bpmn:CallActivity')) {
      return {
        id: 'platform-call',
        label: t('designer.props.callGroup'),
        component: Group,
        shouldOpen: true,
        entries: [{ id: 'platform-called-process', component: CalledProcessEntry, isEdited: isSelectEntryEdited }],
      };
    }
    return null;
  }
}

/** The didi module; the page provides `designerContext` as a value module beside it. */
export const platformPropertiesModule = {
  __init__: ['platformPropertiesProvider'],
  platformPropertiesProvider: ['type', PlatformPropertiesProvider],
};

export function designerContextModule(context: DesignerContext) {
  return { designerContext: ['value', context] };
}
