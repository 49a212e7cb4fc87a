/**
 * .bpmn and .dmn files in and out of the browser: download what the modeler holds (or a deployed
 * version's XML), and read an uploaded file honouring the encoding its XML prolog declares —
 * files from other tools (e.g. the BPMN MIWG reference models) are often ISO-8859-1.
 */

/** Uploads larger than this are refused before parsing (the server's JSON body limit is 2 MB). */
export const MAX_BPMN_BYTES = 2 * 1024 * 1024;

export interface BpmnFile {
  name: string;
  xml: string;
}

/** Which documents a file control takes: BPMN processes, or DMN decisions. */
export type XmlFileKind = 'bpmn' | 'dmn';

export class BpmnFileError extends Error {
  constructor(
    readonly reason: 'not-bpmn' | 'not-dmn' | 'too-large',
    readonly fileName: string,
  ) {
    super(`${fileName}: ${reason}`);
    this.name = 'BpmnFileError';
  }
}

/** The encoding named in `<?xml … encoding="…"?>`, else UTF-8 (a BOM wins, as in XML itself). */
export function declaredEncoding(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) return 'utf-16';
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const match = /^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  return match?.[1]?.toLowerCase() ?? 'utf-8';
}

export function decodeBpmn(bytes: Uint8Array): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(declaredEncoding(bytes));
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  // Once decoded, the text is Unicode: the prolog must no longer claim another encoding, or the
  // XML reader warns ("unsupported document encoding") and the export would mislabel itself.
  return withUtf8Prolog(decoder.decode(bytes));
}

export function withUtf8Prolog(xml: string): string {
  return xml.replace(/^(\uFEFF?<\?xml[^>]*encoding\s*=\s*["'])[^"']+(["'])/, '$1UTF-8$2');
}

/** Any DMN version's namespace (1.1 to 1.5), as the server's isDmnDocument reads it. */
const DMN_NAMESPACE = /https?:\/\/www\.omg\.org\/spec\/DMN\//;

/**
 * Reads an uploaded file; refuses anything that is not a document of the kind asked for (a BPMN
 * 2.0 process, or a DMN decision document) before the modeler sees it.
 */
export async function readBpmnFile(file: File, kind: XmlFileKind = 'bpmn'): Promise<BpmnFile> {
  if (file.size > MAX_BPMN_BYTES) throw new BpmnFileError('too-large', file.name);
  const xml = decodeBpmn(new Uint8Array(await file.arrayBuffer()));
  const isBpmn = xml.includes('http://www.omg.org/spec/BPMN/20100524/MODEL');
  if (kind === 'bpmn' && !isBpmn) throw new BpmnFileError('not-bpmn', file.name);
  if (kind === 'dmn' && (isBpmn || !DMN_NAMESPACE.test(xml))) throw new BpmnFileError('not-dmn', file.name);
  return { name: file.name, xml };
}

/** A safe file name for a process key and version: `approval.v3.bpmn` (`.dmn` for a decision). */
export function bpmnFileName(key: string, version?: number | null, kind: XmlFileKind = 'bpmn'): string {
  const base = key.replace(/[^\w.-]+/g, '_') || 'diagram';
  return version ? `${base}.v${version}.${kind}` : `${base}.${kind}`;
}

/** Offers XML as a file download. The XML is re-encoded as UTF-8, so the prolog must say so. */
export function downloadXml(xml: string, fileName: string): void {
  const utf8 = withUtf8Prolog(xml);
  const url = URL.createObjectURL(new Blob([utf8], { type: 'application/xml;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoke after the click has been handled: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Anything that can export its diagram (bpmn-js Modeler or Viewer). */
export interface XmlSource {
  saveXML(options?: { format?: boolean }): Promise<{ xml?: string }>;
}

/** Exports the diagram as it stands and downloads it. */
export async function downloadDiagram(source: XmlSource, fileName: string): Promise<void> {
  const { xml } = await source.saveXML({ format: true });
  if (xml) downloadXml(xml, fileName);
}
