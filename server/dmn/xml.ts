import { SaxesParser } from 'saxes';

/** One element of a namespace-aware XML document, with where it starts (for error messages). */
export interface XmlElement {
  /** Local name, without prefix. */
  name: string;
  /** Namespace URI ('' when none). */
  ns: string;
  /** Attributes in Clark notation: `local` without namespace, `{uri}local` with one. */
  attributes: ReadonlyMap<string, string>;
  children: XmlElement[];
  /** The element's own character data (text and CDATA), untrimmed. */
  text: string;
  line: number;
  column: number;
}

/**
 * Reads a document the caller has already checked (well-formed, no DOCTYPE: `checkXmlSafety`)
 * into a tree of elements. Iterative, so deep nesting cannot exhaust the stack.
 */
export function readXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  parser.on('opentag', (tag) => {
    const attributes = new Map<string, string>();
    for (const attribute of Object.values(tag.attributes)) {
      if (attribute.prefix === 'xmlns' || attribute.name === 'xmlns') continue;
      attributes.set(attribute.uri ? `{${attribute.uri}}${attribute.local}` : attribute.local, attribute.value);
    }
    const element: XmlElement = {
      name: tag.local,
      ns: tag.uri,
      attributes,
      children: [],
      text: '',
      line: parser.line,
      column: parser.column,
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root ??= element;
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const addText = (text: string) => {
    const current = stack[stack.length - 1];
    if (current) current.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.write(xml).close();
  if (!root) throw new Error('the document has no root element');
  return root;
}

export function childrenNamed(element: XmlElement, name: string, ns = element.ns): XmlElement[] {
  return element.children.filter((child) => child.name === name && child.ns === ns);
}

export function childNamed(element: XmlElement, name: string, ns = element.ns): XmlElement | undefined {
  return element.children.find((child) => child.name === name && child.ns === ns);
}

/** An attribute without namespace, with surrounding white space removed; undefined when absent or blank. */
export function attribute(element: XmlElement, name: string): string | undefined {
  const value = element.attributes.get(name)?.trim();
  return value ? value : undefined;
}
