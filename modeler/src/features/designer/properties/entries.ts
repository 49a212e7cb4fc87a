import { h } from '@bpmn-io/properties-panel/preact';
import { CheckboxEntry, SelectEntry, TextFieldEntry } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import type { DesignerContext } from './context';

/**
 * The platform's properties entries. They render inside the properties panel, which brings its
 * own copy of Preact: hence `h` from '@bpmn-io/properties-panel/preact' and no JSX here.
 */
interface Element {
  id: string;
  businessObject: BusinessObject;
}
interface BusinessObject {
  get(name: string): unknown;
  [key: string]: unknown;
}
interface Modeling {
  updateModdleProperties(element: Element, target: BusinessObject, properties: Record<string, unknown>): void;
}
type Props = { element: Element; id: string };

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const list = (value: unknown): string[] =>
  text(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function useSetter(element: Element) {
  const modeling = useService<Modeling>('modeling');
  return (properties: Record<string, unknown>) =>
    modeling.updateModdleProperties(element, element.businessObject, properties);
}

/** One checkbox per role: ticking it adds the role code to camunda:candidateGroups. */
export function CandidateGroupEntry(props: Props & { role: { code: string; name: string; nameEn: string | null } }) {
  const { element, id, role } = props;
  const context = useService<DesignerContext>('designerContext');
  const set = useSetter(element);
  return h(CheckboxEntry, {
    element,
    id,
    label: context.locale === 'en' ? (role.nameEn ?? role.name) : role.name,
    getValue: () => list(element.businessObject.get('camunda:candidateGroups')).includes(role.code),
    setValue: (checked: boolean) => {
      const current = list(element.businessObject.get('camunda:candidateGroups')).filter((c) => c !== role.code);
      const next = checked ? [...current, role.code] : current;
      set({ 'camunda:candidateGroups': next.length ? next.join(',') : undefined });
    },
  });
}

function userOptions(context: DesignerContext, emptyLabel: string) {
  return [
    { value: '', label: emptyLabel },
    ...context.catalog.users.map((u) => ({ value: u.username, label: `${u.displayName} (${u.username})` })),
  ];
}

/** The assignee, picked from the platform's users. */
export function AssigneeEntry({ element, id }: Props) {
  const context = useService<DesignerContext>('designerContext');
  const set = useSetter(element);
  return h(SelectEntry, {
    element,
    id,
    label: context.t('designer.props.assignee'),
    getValue: () => text(element.businessObject.get('camunda:assignee')),
    setValue: (value: string) => set({ 'camunda:assignee': value || undefined }),
    getOptions: () => {
      const current = text(element.businessObject.get('camunda:assignee'));
      const options = userOptions(context, context.t('designer.props.nobody'));
      // An expression (${initiator}) or a name not in the list stays selectable as it is.
      return current && !options.some((o) => o.value === current)
        ? [...options, { value: current, label: current }]
        : options;
    },
  });
}

/** Candidate users: pick one to add it; the text field beside lists them all (editable). */
export function CandidateUserPickerEntry({ element, id }: Props) {
  const context = useService<DesignerContext>('designerContext');
  const set = useSetter(element);
  return h(SelectEntry, {
    element,
    id,
    label: context.t('designer.props.addCandidateUser'),
    getValue: () => '',
    setValue: (value: string) => {
      if (!value) return;
      const current = list(element.businessObject.get('camunda:candidateUsers'));
      if (!current.includes(value)) set({ 'camunda:candidateUsers': [...current, value].join(',') });
    },
    getOptions: () => userOptions(context, context.t('designer.props.choose')),
  });
}

export function CandidateUsersEntry({ element, id }: Props) {
  const context = useService<DesignerContext>('designerContext');
  const debounce = useService<(fn: unknown) => unknown>('debounceInput');
  const set = useSetter(element);
  return h(TextFieldEntry, {
    element,
    id,
    debounce,
    label: context.t('designer.props.candidateUsers'),
    getValue: () => text(element.businessObject.get('camunda:candidateUsers')),
    setValue: (value: string) => set({ 'camunda:candidateUsers': value || undefined }),
  });
}

/** The task's form: one of the draft's forms or a deployed one (camunda:formKey). */
export function FormKeyEntry({ element, id }: Props) {
  const context = useService<DesignerContext>('designerContext');
  const set = useSetter(element);
  return h(SelectEntry, {
    element,
    id,
    label: context.t('designer.props.form'),
    getValue: () => text(element.businessObject.get('camunda:formKey')),
    setValue: (value: string) => set({ 'camunda:formKey': value || undefined }),
    getOptions: () => {
      const ids = new Set([...context.forms.map((f) => f.id), ...context.catalog.forms]);
      const current = text(element.businessObject.get('camunda:formKey'));
      if (current) ids.add(current);
      return [
        { value: '', label: context.t('designer.props.noForm') },
        ...[...ids].sort().map((formId) => ({
          value: formId,
          label: context.forms.some((f) => f.id === formId)
            ? formId
            : `${formId} ${context.t('designer.props.deployedForm')}`,
        })),
      ];
    },
  });
}

/** Opens the form editor on the task's form, or on a new form linked to the task. */
export function EditFormEntry({ element, id }: Props) {
  const context = useService<DesignerContext>('designerContext');
  const formKey = text(element.businessObject.get('camunda:formKey'));
  const own = context.forms.some((f) => f.id === formKey);
  return h(
    'div',
    { class: 'bio-properties-panel-entry platform-form-actions', 'data-entry-id': id },
    h(
      'button',
      {
        type: 'button',
        class: 'bio-properties-panel-add-entry platform-button',
        onClick: () => context.editForm(own ? formKey : null, element.id),
      },
      own ? context.t('designer.props.editForm') : context.t('designer.props.newForm'),
    ),
  );
}

export const SLA_STEPS = [
  'scheme-reply',
  'design-review',
  'mid-term-inspection',
  'completion-inspection',
  'installation-energisation',
  'total',
];

export type DeadlineKind = 'none' | 'duration' | 'date' | 'workdays' | 'sla' | 'expression';

/** How a camunda:dueDate reads: an ISO duration or date, wd:<N>, sla:<step> or an expression. */
export function deadlineKind(value: string): DeadlineKind {
  const v = value.trim();
  if (!v) return 'none';
  if (v.startsWith('wd:')) return 'workdays';
  if (v.startsWith('sla:')) return 'sla';
  if (v.includes('${')) return 'expression';
  if (/^-?P/i.test(v)) return 'duration';
  return 'date';
}

const DEFAULTS: Record<DeadlineKind, () => string | undefined> = {
  none: () => undefined,
  duration: () => 'P3D',
  date: () => `${new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10)}T17:00:00`,
  workdays: () => 'wd:3',
  sla: () => 'sla:scheme-reply',
  expression: () => '${dueDate}',
};

/** Where a deadline is kept: an attribute of the element, or the process's `dueDate` property. */
interface DeadlineStore {
  read(): string;
  write(value: string | undefined): void;
}

function useDeadlineStore(element: Element, attribute: string): DeadlineStore {
  const set = useSetter(element);
  const properties = useProcessProperties(element);
  if (attribute.startsWith('property:')) {
    const name = attribute.slice('property:'.length);
    return { read: () => properties.read(name), write: (value) => properties.write(name, value) };
  }
  return { read: () => text(element.businessObject.get(attribute)), write: (value) => set({ [attribute]: value }) };
}

/**
 * The process's camunda:properties (extensionElements → camunda:Properties → camunda:Property),
 * read by name and written through modeling, so every change is undoable.
 */
function useProcessProperties(element: Element) {
  const modeling = useService<Modeling>('modeling');
  const factory = useService<{ create(type: string, attrs?: Record<string, unknown>): BusinessObject }>('bpmnFactory');
  const bo = element.businessObject;
  const container = (): BusinessObject | undefined =>
    ((bo.get('extensionElements') as BusinessObject | undefined)?.get('values') as BusinessObject[] | undefined)?.find(
      (v) => v.$type === 'camunda:Properties',
    );
  const entries = (): BusinessObject[] => (container()?.get('values') as BusinessObject[] | undefined) ?? [];
  return {
    read: (name: string) =>
      text(
        entries()
          .find((p) => p.get('name') === name)
          ?.get('value'),
      ),
    write(name: string, value: string | undefined) {
      const existing = entries().find((p) => p.get('name') === name);
      if (existing && value !== undefined) {
        modeling.updateModdleProperties(element, existing, { value });
        return;
      }
      if (existing) {
        const props = container()!;
        modeling.updateModdleProperties(element, props, { values: entries().filter((p) => p !== existing) });
        return;
      }
      if (value === undefined) return;
      let extensions = bo.get('extensionElements') as BusinessObject | undefined;
      if (!extensions) {
        extensions = factory.create('bpmn:ExtensionElements', { values: [] });
        modeling.updateModdleProperties(element, bo, { extensionElements: extensions });
      }
      let props = container();
      if (!props) {
        props = factory.create('camunda:Properties', { values: [] });
        const values = (extensions.get('values') as BusinessObject[] | undefined) ?? [];
        modeling.updateModdleProperties(element, extensions, { values: [...values, props] });
      }
      const property = factory.create('camunda:Property', { name, value });
      modeling.updateModdleProperties(element, props, { values: [...entries(), property] });
    },
  };
}

/** The kind of a deadline (camunda:dueDate or followUpDate, or the process's dueDate property). */
export function DeadlineKindEntry(props: Props & { attribute: string; labelKey: string }) {
  const { element, id, attribute, labelKey } = props;
  const context = useService<DesignerContext>('designerContext');
  const store = useDeadlineStore(element, attribute);
  return h(SelectEntry, {
    element,
    id,
    label: context.t(labelKey),
    getValue: () => deadlineKind(store.read()),
    setValue: (kind: DeadlineKind) => store.write(DEFAULTS[kind]()),
    getOptions: () =>
      (['none', 'duration', 'date', 'workdays', 'sla', 'expression'] as DeadlineKind[]).map((kind) => ({
        value: kind,
        label: context.t(`designer.props.deadline.${kind}`),
      })),
  });
}

/** The value of a deadline, in the words of its kind (N working days, an SLA step, a duration…). */
export function DeadlineValueEntry(props: Props & { attribute: string }) {
  const { element, id, attribute } = props;
  const context = useService<DesignerContext>('designerContext');
  const debounce = useService<(fn: unknown) => unknown>('debounceInput');
  const store = useDeadlineStore(element, attribute);
  const kind = deadlineKind(store.read());
  if (kind === 'none') return null;
  if (kind === 'sla') {
    return h(SelectEntry, {
      element,
      id,
      label: context.t('designer.props.deadline.slaStep'),
      getValue: () => store.read().slice(4),
      setValue: (step: string) => store.write(`sla:${step}`),
      getOptions: () => SLA_STEPS.map((step) => ({ value: step, label: context.t(`designer.props.sla.${step}`) })),
    });
  }
  const workdays = kind === 'workdays';
  return h(TextFieldEntry, {
    element,
    id,
    debounce,
    label: context.t(`designer.props.deadline.${kind}Value`),
    description: context.t(`designer.props.deadline.${kind}Hint`),
    getValue: () => {
      const value = store.read();
      return workdays ? value.slice(3) : value;
    },
    setValue: (value: string) => store.write(value ? (workdays ? `wd:${value.trim()}` : value.trim()) : undefined),
    validate: (value: string) =>
      workdays && value && !/^\d{1,3}$/.test(value.trim()) ? context.t('designer.props.deadline.wdInvalid') : null,
  });
}

/** The steps whose time does not count towards the process deadline (the customer's clock). */
export function DeadlinePausedByEntry({ element, id }: Props) {
  const context = useService<DesignerContext>('designerContext');
  const debounce = useService<(fn: unknown) => unknown>('debounceInput');
  const registry = useService<{ get(id: string): unknown }>('elementRegistry');
  const properties = useProcessProperties(element);
  if (!properties.read('dueDate')) return null;
  return h(TextFieldEntry, {
    element,
    id,
    debounce,
    label: context.t('designer.props.processDue.pausedBy'),
    description: context.t('designer.props.processDue.pausedByHint'),
    getValue: () => properties.read('dueDatePausedBy'),
    setValue: (value: string) => {
      const ids = list(value);
      properties.write('dueDatePausedBy', ids.length ? ids.join(',') : undefined);
    },
    validate: (value: string) => {
      const unknown = list(value).filter((step) => !registry.get(step));
      return unknown.length ? context.t('designer.props.processDue.unknown', { ids: unknown.join(', ') }) : null;
    },
  });
}

/** A service's description in the reader's language (the English one where it has no Chinese one). */
function describeService(service: { description: string; descriptionZh: string | null }, locale: string): string {
  return locale === 'zh' ? (service.descriptionZh ?? service.description) : service.description;
}

/** The service a service task calls, picked from the server's registry (delegateExpression ${name}). */
export function ServiceEntry({ element, id }: Props) {
  const context = useService<DesignerContext>('designerContext');
  const set = useSetter(element);
  const current =
    /^\$\{\s*([\w.-]+)\s*\}$/.exec(text(element.businessObject.get('camunda:delegateExpression')))?.[1] ?? '';
  const service = context.catalog.services.find((s) => s.name === current);
  return h(SelectEntry, {
    element,
    id,
    label: context.t('designer.props.service'),
    description: service
      ? context.t('designer.props.serviceIo', {
          description: describeService(service, context.locale),
          inputs: service.inputs.join(', ') || '—',
          outputs: service.outputs.join(', ') || '—',
        })
      : undefined,
    getValue: () => current,
    setValue: (name: string) =>
      set({
        'camunda:delegateExpression': name ? `\${${name}}` : undefined,
        'camunda:class': undefined,
        'camunda:expression': undefined,
        'camunda:type': undefined,
        'camunda:topic': undefined,
      }),
    getOptions: () => [
      { value: '', label: context.t('designer.props.choose') },
      ...context.catalog.services.map((s) => ({
        value: s.name,
        label: `${s.name} — ${describeService(s, context.locale)}`,
      })),
    ],
  });
}

/** The process a call activity calls, picked from the deployed ones (calledElement). */
export function CalledProcessEntry({ element, id }: Props) {
  const context = useService<DesignerContext>('designerContext');
  const set = useSetter(element);
  return h(SelectEntry, {
    element,
    id,
    label: context.t('designer.props.calledProcess'),
    getValue: () => text(element.businessObject.get('calledElement')),
    setValue: (key: string) => set({ calledElement: key || undefined }),
    getOptions: () => {
      const current = text(element.businessObject.get('calledElement'));
      const options = [
        { value: '', label: context.t('designer.props.choose') },
        ...context.catalog.processes.map((p) => ({
          value: p.key,
          label: `${p.name ?? p.key} (${p.key} v${p.version})`,
        })),
      ];
      return current && !options.some((o) => o.value === current)
        ? [...options, { value: current, label: current }]
        : options;
    },
  });
}
