import { h } from '@bpmn-io/properties-panel/preact';
import { SelectEntry } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import type { DesignerContext } from './context';

/**
 * The condition type of a sequence flow or conditional event without "Script": the platform
 * refuses script conditions at deploy (no sandbox for them, ARCHITECTURE.md "Scripts are off"),
 * so the designer does not offer them. A file that arrives with one still shows it, marked as
 * refused, so the designer sees why the lint complains and can switch it to an expression.
 */
interface ModdleElement {
  $type: string;
  $parent?: ModdleElement;
  get(name: string): unknown;
  eventDefinitions?: ModdleElement[];
}
interface Element {
  id: string;
  businessObject: ModdleElement;
}
interface CommandStack {
  execute(command: string, context: Record<string, unknown>): void;
}
interface BpmnFactory {
  create(type: string, attributes: Record<string, unknown>): ModdleElement;
}

const isFlow = (element: Element) => element.businessObject.$type === 'bpmn:SequenceFlow';
const conditionalEvent = (element: Element) =>
  element.businessObject.eventDefinitions?.find((d) => d.$type === 'bpmn:ConditionalEventDefinition');

function currentCondition(element: Element): ModdleElement | undefined {
  const bo = element.businessObject;
  if (isFlow(element)) return bo.get('conditionExpression') as ModdleElement | undefined;
  return conditionalEvent(element)?.get('condition') as ModdleElement | undefined;
}

function conditionType(element: Element): '' | 'expression' | 'script' {
  const condition = currentCondition(element);
  if (!condition) return '';
  return condition.get('language') === undefined ? 'expression' : 'script';
}

export function ConditionTypeEntry(props: { element: Element; id: string }) {
  const { element, id } = props;
  const commandStack = useService<CommandStack>('commandStack');
  const bpmnFactory = useService<BpmnFactory>('bpmnFactory');
  const context = useService<DesignerContext>('designerContext');
  const t = (key: string) => context.t(key);
  const update = (condition: ModdleElement | undefined) => {
    if (isFlow(element)) {
      commandStack.execute('element.updateProperties', { element, properties: { conditionExpression: condition } });
    } else {
      commandStack.execute('element.updateModdleProperties', {
        element,
        moddleElement: conditionalEvent(element),
        properties: { condition },
      });
    }
  };
  return h(SelectEntry, {
    element,
    id,
    label: t('designer.props.condition.type'),
    getValue: () => conditionType(element),
    setValue: (value: string) => {
      if (value !== 'expression') return update(undefined);
      const expression = bpmnFactory.create('bpmn:FormalExpression', { body: '' });
      expression.$parent = isFlow(element) ? element.businessObject : conditionalEvent(element);
      update(expression);
    },
    getOptions: () => [
      { value: '', label: t('designer.props.condition.none') },
      { value: 'expression', label: t('designer.props.condition.expression') },
      ...(conditionType(element) === 'script'
        ? [{ value: 'script', label: t('designer.props.condition.scriptRefused') }]
        : []),
    ],
  });
}
