// dmn-js ships no type declarations; this is the part of its Modeler the decision designer uses.
declare module 'dmn-js/lib/Modeler' {
  /** A view dmn-js can open: the DRD (`drd`) or one decision's table or expression. */
  export interface DmnView {
    type: 'drd' | 'decisionTable' | 'literalExpression' | 'boxedExpression';
    element: { id: string; name?: string; $type: string };
  }

  /** The editor behind one view (a diagram-js or table-js injector). */
  export interface DmnViewer {
    get<T>(name: string): T;
    on(event: string, callback: (event: unknown) => void): void;
    off(event: string, callback: (event: unknown) => void): void;
  }

  export default class DmnModeler {
    constructor(options: Record<string, unknown>);
    importXML(xml: string): Promise<{ warnings: unknown[] }>;
    saveXML(options?: { format?: boolean }): Promise<{ xml?: string }>;
    getViews(): DmnView[];
    getView(element: unknown): DmnView | undefined;
    getActiveView(): DmnView | undefined;
    getActiveViewer(): DmnViewer | undefined;
    open(view: DmnView): Promise<unknown>;
    on(event: string, callback: (event: { viewer: DmnViewer } & Record<string, unknown>) => void): void;
    off(event: string, callback: (event: never) => void): void;
    destroy(): void;
  }
}
