import { useRef, useState } from 'preact/hooks';
import { useT } from '../../../lib/i18n';
import { BpmnFileError, MAX_BPMN_BYTES, readBpmnFile, type BpmnFile, type XmlFileKind } from '../io';
import './versions.css';

interface Props {
  /** Called for "Download .bpmn"; omit to hide the button. */
  onDownload?: (() => void | Promise<void>) | undefined;
  /** Called with a decoded BPMN file; omit to hide the upload control. */
  onUpload?: ((file: BpmnFile) => void | Promise<void>) | undefined;
  /** BPMN processes (the default) or DMN decisions: the labels, the accepted files, the check. */
  kind?: XmlFileKind | undefined;
  /** Shown but not usable, e.g. while the editor loads: the toolbar keeps its size, so nothing below it moves. */
  disabled?: boolean | undefined;
}

/** Download and upload of .bpmn (or .dmn) files, as a labelled button and a labelled file input. */
export function BpmnFileButtons({ onDownload, onUpload, kind = 'bpmn', disabled = false }: Props) {
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);

  async function picked(files: FileList | null) {
    const file = files?.[0];
    if (!file || !onUpload) return;
    setError(null);
    try {
      await onUpload(await readBpmnFile(file, kind));
    } catch (err) {
      if (err instanceof BpmnFileError) {
        setError(
          err.reason === 'too-large'
            ? t('designer.io.tooLarge', { name: err.fileName, limit: MAX_BPMN_BYTES / 1024 / 1024 })
            : t(err.reason === 'not-dmn' ? 'designer.io.notDmn' : 'designer.io.notBpmn', { name: err.fileName }),
        );
      } else setError(err instanceof Error ? err.message : String(err));
    } finally {
      if (input.current) input.current.value = '';
    }
  }

  return (
    <div class="versions-toolbar">
      {onDownload && (
        <button type="button" disabled={disabled} onClick={() => void onDownload()}>
          {t(kind === 'dmn' ? 'designer.io.downloadDmn' : 'designer.io.download')}
        </button>
      )}
      {onUpload && (
        // A button-like label rather than the browser's own file control: that one says "Choose File /
        // No file chosen" in the browser's language, not the app's, and is wide enough to wrap the toolbar.
        <label class={disabled ? 'file-button disabled' : 'file-button'}>
          {t(kind === 'dmn' ? 'designer.io.uploadDmn' : 'designer.io.upload')}
          <input
            ref={input}
            class="visually-hidden"
            type="file"
            disabled={disabled}
            accept={`.${kind},.xml,application/xml,text/xml`}
            aria-label={t(kind === 'dmn' ? 'designer.io.uploadDmnLabel' : 'designer.io.uploadLabel')}
            onChange={(e) => void picked(e.currentTarget.files)}
          />
        </label>
      )}
      {error && (
        <p role="alert" class="form-error">
          {error}
        </p>
      )}
    </div>
  );
}
