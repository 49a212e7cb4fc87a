import { FormEditor } from '@bpmn-io/form-js';
import '@bpmn-io/form-js/dist/assets/form-js.css';
import '@bpmn-io/form-js/dist/assets/form-js-editor.css';

/**
 * The form-js editor, in its own module so that the page loads it (and its styles) only when a
 * designer opens a form.
 */
export interface MountedFormEditor {
  save(): Record<string, unknown>;
  destroy(): void;
}

export async function mountFormEditor(
  container: HTMLElement,
  schema: Record<string, unknown>,
): Promise<MountedFormEditor> {
  const editor = new FormEditor({ container });
  await editor.importSchema(schema);
  return {
    save: () => editor.saveSchema() as Record<string, unknown>,
    destroy: () => editor.destroy(),
  };
}
