// The properties panel's building blocks (no type declarations shipped), as far as the
// platform's properties provider uses them.
declare module '@bpmn-io/properties-panel' {
  type Component = import('@bpmn-io/properties-panel/preact').FunctionComponent<Record<string, unknown>>;
  export const SelectEntry: Component;
  export const TextFieldEntry: Component;
  export const CheckboxEntry: Component;
  export const Group: Component;
  export function isSelectEntryEdited(node: unknown): boolean;
  export function isTextFieldEntryEdited(node: unknown): boolean;
  export function isCheckboxEntryEdited(node: unknown): boolean;
}

declare module 'bpmn-js-properties-panel' {
  export function useService<T = unknown>(name: string): T;
}

// bpmn-moddle 9, the version the server reads BPMN with (the lint parses the saved XML with it).
declare module 'bpmn-moddle' {
  export default class BpmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string): Promise<{ rootElement: unknown; warnings: unknown[] }>;
  }
}
