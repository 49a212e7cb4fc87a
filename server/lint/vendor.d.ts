// bpmnlint ships its rules as CommonJS without type declarations.
declare module 'bpmnlint/rules/*' {
  const factory: (config?: unknown) => { check: unknown };
  export default factory;
}
declare module 'bpmnlint' {
  export class Linter {
    constructor(options: { config?: unknown; resolver: unknown });
    lint(root: unknown, config?: unknown): Promise<Record<string, LintReport[]>>;
  }
  export interface LintReport {
    id?: string;
    message: string;
    category: 'error' | 'warn' | 'info' | 'rule-error';
    path?: string[];
    [key: string]: unknown;
  }
}
