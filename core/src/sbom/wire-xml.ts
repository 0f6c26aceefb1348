// CycloneDX XML, read with the saxes streaming parser into the same wire shape as JSON: a 50,000-component
// file is parsed in chunks as it is read, without building a document tree. The spec version is the one in
// the root element's namespace (`http://cyclonedx.org/schema/bom/1.x`).

import { SaxesParser, type SaxesTagNS } from 'saxes';
import { SbomError } from './errors.js';
import type { WireComponent, WireSbom } from './wire-json.js';

const NAMESPACE = /^http:\/\/cyclonedx\.org\/schema\/bom\/(\d+\.\d+)$/;
const COMPONENT_TEXT = new Set(['name', 'group', 'version', 'purl']);

type TextTarget = 'name' | 'group' | 'version' | 'purl' | 'license' | 'expression';

interface Open {
  component: WireComponent;
  /** Length of the element stack when this component was opened. */
  depth: number;
}

/** Feed it the document in chunks with `write`, then `close` for the components. */
export class CycloneDxXmlReader {
  readonly #file: string;
  readonly #parser = new SaxesParser({ xmlns: true, position: true });
  readonly #stack: string[] = [];
  readonly #open: Open[] = [];
  readonly #components: WireComponent[] = [];
  #namespace = '';
  #specVersion = '';
  #text: { target: TextTarget; value: string } | undefined;

  constructor(file: string) {
    this.#file = file;
    this.#parser.on('opentag', (tag) => this.#onOpen(tag));
    this.#parser.on('closetag', () => this.#onClose());
    this.#parser.on('text', (text) => this.#onText(text));
    this.#parser.on('cdata', (text) => this.#onText(text));
    this.#parser.on('error', (error) => {
      // saxes prefixes "line:column: "; say it in words.
      const match = /^(\d+):(\d+): (.*)$/s.exec(error.message);
      const where = match ? `line ${match[1]}: ${match[3]}` : error.message;
      throw new SbomError('not-parseable', this.#file, `is not well-formed XML (${where}).`);
    });
  }

  write(chunk: string): void {
    this.#parser.write(chunk);
  }

  close(): WireSbom {
    this.#parser.close();
    if (!this.#specVersion)
      throw new SbomError('not-parseable', this.#file, 'is XML without a root element.');
    return { specVersion: this.#specVersion, components: this.#components };
  }

  #onOpen(tag: SaxesTagNS): void {
    const stack = this.#stack;
    if (stack.length === 0) this.#checkRoot(tag);
    const parent = stack.at(-1);
    // Elements of other namespaces (extensions) keep their place in the stack but are never read.
    stack.push(tag.uri === this.#namespace ? tag.local : `{${tag.uri}}${tag.local}`);
    const depth = stack.length;
    const top = this.#open.at(-1);
    if (
      tag.local === 'component' &&
      parent === 'components' &&
      (depth === 3 || (top && depth === top.depth + 2))
    ) {
      const attr = (name: string) => tag.attributes[name]?.value || undefined;
      const component: WireComponent = {
        name: '',
        licenses: [],
        bomRef: attr('bom-ref'),
        type: attr('type'),
      };
      this.#components.push(component);
      this.#open.push({ component, depth });
      return;
    }
    if (!top) return;
    const name = stack[depth - 1] as string;
    if (depth === top.depth + 1 && COMPONENT_TEXT.has(name))
      this.#text = { target: name as TextTarget, value: '' };
    else if (depth === top.depth + 2 && stack[top.depth] === 'licenses' && name === 'expression') {
      this.#text = { target: 'expression', value: '' };
    } else if (
      depth === top.depth + 3 &&
      stack[top.depth] === 'licenses' &&
      stack[top.depth + 1] === 'license' &&
      (name === 'id' || name === 'name')
    ) {
      this.#text = { target: 'license', value: '' };
    }
  }

  #checkRoot(tag: SaxesTagNS): void {
    const file = this.#file;
    if (tag.local === 'RDF' || tag.uri.includes('spdx')) {
      throw new SbomError(
        'not-cyclonedx',
        file,
        'is an SPDX document, not CycloneDX. Produce a CycloneDX SBOM instead (for example `syft -o cyclonedx-xml`).',
      );
    }
    const match = NAMESPACE.exec(tag.uri);
    if (tag.local !== 'bom' || !match) {
      const ns = tag.uri ? ` in namespace ${tag.uri}` : '';
      throw new SbomError(
        'not-cyclonedx',
        file,
        `is XML but not a CycloneDX SBOM (root <${tag.name}>${ns}).`,
      );
    }
    this.#namespace = tag.uri;
    this.#specVersion = match[1] as string;
  }

  #onText(text: string): void {
    if (this.#text) this.#text.value += text;
  }

  #onClose(): void {
    const top = this.#open.at(-1);
    const text = this.#text;
    if (text && top) {
      const value = text.value.trim();
      if (value) {
        const component = top.component;
        if (text.target === 'license' || text.target === 'expression') {
          if (!component.licenses.includes(value)) component.licenses.push(value);
        } else component[text.target] = value;
      }
      this.#text = undefined;
    }
    if (top && this.#stack.length === top.depth) this.#open.pop();
    this.#stack.pop();
  }
}

/** The whole document at once (for text already in memory). */
export function parseCycloneDxXml(file: string, text: string): WireSbom {
  const reader = new CycloneDxXmlReader(file);
  reader.write(text);
  return reader.close();
}
