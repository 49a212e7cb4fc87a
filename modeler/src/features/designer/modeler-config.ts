import Modeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import CamundaPlatformBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import type { ModuleDeclaration } from 'didi';
import { importFidelityModule } from './import-fidelity';
import { translateModule } from './translate';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';

/**
 * The one Modeler configuration of the designer: Camunda 7 moddle (so camunda:* attributes and
 * extension elements of files drawn in Camunda Modeler 7 survive import and save), Camunda
 * behaviours and the properties panel. The designer page, the import check (corpus test) and
 * the round-trip test all build their modeler here, so what they test is what designers use.
 * Feature modules (lint, token simulation) come in through `additionalModules`.
 */
export const camundaModdleExtensions = { camunda: camundaModdle };

export const designerCoreModules: ModuleDeclaration[] = [
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
  CamundaPlatformBehaviorsModule,
  importFidelityModule,
  translateModule,
];

export interface DesignerModelerOptions {
  container: HTMLElement;
  /** Where the properties panel renders; without it the panel is not mounted. */
  propertiesParent?: HTMLElement | undefined;
  additionalModules?: ModuleDeclaration[] | undefined;
  /** Extra bpmn-js options (e.g. linting: { bpmnlint, active }). */
  options?: Record<string, unknown> | undefined;
}

export function createDesignerModeler({
  container,
  propertiesParent,
  additionalModules = [],
  options = {},
}: DesignerModelerOptions): Modeler {
  return new Modeler({
    container,
    // diagram-js binds the keyboard to the canvas itself now (bindTo is refused with a console error).
    moddleExtensions: camundaModdleExtensions,
    additionalModules: [...designerCoreModules, ...additionalModules],
    ...(propertiesParent ? { propertiesPanel: { parent: propertiesParent } } : {}),
    ...options,
  });
}
