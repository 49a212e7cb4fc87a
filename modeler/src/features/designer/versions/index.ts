/**
 * What the designer page uses from the versions feature. The app's routes for versions, diff
 * and import check come from ./routes (lazy, so importing them pulls in no bpmn-js).
 */
export { VersionList, type VersionSource } from './VersionList';
export { SimulationToggle } from './SimulationToggle';
export { BpmnFileButtons } from './BpmnFileButtons';
export { TestInstanceForm } from './TestInstanceForm';
export { versionMessages, versionRoutes } from './routes';
