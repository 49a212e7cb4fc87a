import DmnModeler from 'dmn-js/lib/Modeler';
import type { Locale } from '../../../lib/i18n';
import { dmnTranslateModule } from './dmn-translate';
import 'dmn-js/dist/assets/diagram-js.css';
import 'dmn-js/dist/assets/dmn-js-shared.css';
import 'dmn-js/dist/assets/dmn-js-drd.css';
import 'dmn-js/dist/assets/dmn-js-decision-table.css';
import 'dmn-js/dist/assets/dmn-js-decision-table-controls.css';
import 'dmn-js/dist/assets/dmn-js-literal-expression.css';
import 'dmn-js/dist/assets/dmn-js-boxed-expression.css';
import 'dmn-js/dist/assets/dmn-js-boxed-expression-controls.css';
import 'dmn-js/dist/assets/dmn-font/css/dmn-embedded.css';

export type { DmnView, DmnViewer } from 'dmn-js/lib/Modeler';
export type { DmnModeler };

/**
 * The one dmn-js configuration of the designer: every view (DRD, decision table, literal and
 * boxed expression) in the page's language. dmn-js builds each view with its own injector and
 * hands a view only its own `additionalModules` (its `common` options lose them), so the
 * translation goes to each view by name.
 */
export function createDecisionModeler(container: HTMLElement, locale: Locale): DmnModeler {
  const views = { additionalModules: [dmnTranslateModule(locale)] };
  return new DmnModeler({
    container,
    drd: views,
    decisionTable: views,
    literalExpression: views,
    boxedExpression: views,
  });
}
