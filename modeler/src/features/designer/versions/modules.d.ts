// bpmn-io packages without their own type declarations, as far as this folder uses them.

declare module 'bpmn-js-differ' {
  import type { ModdleElement } from 'bpmn-js/lib/model/Types';

  export interface ChangedAttribute {
    oldValue: unknown;
    newValue: unknown;
  }
  export interface DiffResult {
    _added: Record<string, ModdleElement>;
    _removed: Record<string, ModdleElement>;
    _changed: Record<string, { model: ModdleElement; attrs: Record<string, ChangedAttribute> }>;
    _layoutChanged: Record<string, ModdleElement>;
  }
  export function diff(a: ModdleElement, b: ModdleElement): DiffResult;
}

declare module 'bpmn-js-token-simulation/lib/modeler' {
  const module: import('didi').ModuleDeclaration;
  export default module;
}

declare module 'camunda-bpmn-moddle/resources/camunda.json' {
  const descriptor: Record<string, unknown>;
  export default descriptor;
}

declare module 'bpmn-js-properties-panel' {
  type Module = import('didi').ModuleDeclaration;
  export const BpmnPropertiesPanelModule: Module;
  export const BpmnPropertiesProviderModule: Module;
  export const CamundaPlatformPropertiesProviderModule: Module;
}

declare module 'camunda-bpmn-js-behaviors/lib/camunda-platform' {
  const module: import('didi').ModuleDeclaration;
  export default module;
}
