import type { AppRoute } from '../../../app/router';
import { registerMessages } from '../../../lib/i18n';
import { DiffPage } from './DiffPage';
import { ImportCheckPage } from './ImportCheckPage';
import messages from './messages';
import { VersionsPage } from './VersionsPage';
import { VersionViewerPage } from './VersionViewerPage';

export { VersionList } from './VersionList';
export { SimulationToggle } from './SimulationToggle';
export { BpmnFileButtons } from './BpmnFileButtons';
export { TestInstanceForm } from './TestInstanceForm';
export { default as versionMessages } from './messages';

registerMessages(messages);

/**
 * Routes of the designer's versions, diff and import check. Each has a shape (segment count
 * or first segment) no designer route has, so the order of routes in the app does not matter.
 */
export const versionRoutes: AppRoute[] = [
  { path: '/designer/:key/versions', view: VersionsPage },
  { path: '/designer/:key/versions/:version', view: VersionViewerPage },
  { path: '/designer/:key/diff/:a/:b', view: DiffPage },
  { path: '/designer-import', view: ImportCheckPage },
];
