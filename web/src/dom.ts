// Tiny DOM helpers: `h()` builds an element from a tag, props and children, so pages stay plain
// TypeScript without a framework (the app is a few views over JSON; a VDOM would buy little here).

export type Child = Node | string | number | null | undefined | false;
export type Props = Record<string, string | number | boolean | EventListener | null | undefined>;

/** `h("button", { class: "x", onclick: f }, "label")`: `on*` props become listeners, false/null drop the attribute. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "value" && "value" in el) (el as HTMLInputElement).value = String(v);
    else if (k === "checked" && el instanceof HTMLInputElement) el.checked = v === true;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element with attributes. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  append(el, children);
  return el;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

/** Replace every child of `parent`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A short command shown as code the user can copy. */
export function cmd(text: string): HTMLElement {
  return h("code", { class: "cmd" }, text);
}

/** The empty state of a page: a title and what to run to fill it. */
export function emptyState(title: string, ...lines: Child[]): HTMLElement {
  return h("div", { class: "empty" }, h("h2", {}, title), ...lines.map((l) => h("p", {}, l)));
}
