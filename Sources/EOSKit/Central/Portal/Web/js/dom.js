// Building and updating the page without innerHTML: every value from the API becomes a text node, so nothing the
// fleet reports can inject markup.

const SVG = "http://www.w3.org/2000/svg";

/** An element: h("a", {href: "#/"}, "Fleet"). Attributes starting with "on" are listeners; false/null are skipped. */
export function h(tag, attributes = {}, ...children) {
  const svg = tag.startsWith("svg:");
  const element = svg ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
      listening.add(element);
    } else if (name === "class" && Array.isArray(value)) {
      element.setAttribute("class", value.filter(Boolean).join(" "));
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const listening = new WeakSet();  // elements h() gave listeners: replaced, never morphed, so no stale closure runs

/** Shows `children` in `region` in place of what it showed: a new page. */
export function show(region, children) {
  region.replaceChildren();
  append(region, [children]);
}

/**
 * Updates what `region` shows to `children`, changing only what differs: text, attributes, added or removed nodes.
 * What did not change stays the same node, so focus, selection, scroll positions and a screen reader's place
 * survive a refresh. An element with listeners is replaced whole (its handlers close over the data it was drawn
 * from), and keeps focus if it had it.
 */
export function patch(region, children) {
  const next = document.createElement(region.tagName);
  append(next, [children]);
  morphChildren(region, next);
}

function morph(current, next) {
  const same = current.nodeType === next.nodeType && current.nodeName === next.nodeName &&
    !listening.has(current) && !listening.has(next);
  if (!same) {
    const focused = current === document.activeElement || current.contains?.(document.activeElement);
    current.replaceWith(next);
    if (focused && next.focus) next.focus({preventScroll: true});
    return;
  }
  if (current.nodeType === Node.TEXT_NODE) {
    if (current.nodeValue !== next.nodeValue) current.nodeValue = next.nodeValue;
    return;
  }
  if (current.nodeType !== Node.ELEMENT_NODE) return;
  for (const {name} of [...current.attributes]) {
    if (!next.hasAttribute(name) && name !== "tabindex") current.removeAttribute(name);
  }
  for (const {name, value} of [...next.attributes]) {
    if (current.getAttribute(name) !== value) current.setAttribute(name, value);
  }
  morphChildren(current, next);
}

function morphChildren(current, next) {
  const wanted = [...next.childNodes];
  const existing = [...current.childNodes];
  wanted.forEach((node, index) => {
    if (index < existing.length) morph(existing[index], node);
    else current.append(node);
  });
  for (const extra of existing.slice(wanted.length)) extra.remove();
}

/** A table with a caption and column headers; `rows` are arrays of cells (strings or nodes). */
export function table(caption, headers, rows, {empty = "Nothing to show.", id} = {}) {
  if (rows.length === 0) return h("p", {class: "empty", id}, empty);
  return h("div", {class: "table-scroll", id},
    h("table", {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, headers.map((header) => h("th", {scope: "col"}, header)))),
      h("tbody", {}, rows.map((row) => h("tr", {}, row.map((cell, index) =>
        index === 0 ? h("th", {scope: "row"}, cell) : h("td", {}, cell)))))));
}

/** A definition list from [term, description] pairs, skipping pairs without a description. */
export function facts(pairs) {
  return h("dl", {class: "facts"}, pairs.filter(([, value]) => value !== null && value !== undefined && value !== "")
    .map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
}

/** Labels as small chips. */
export function labelChips(labels) {
  if (!labels || labels.length === 0) return h("span", {class: "muted"}, "none");
  return h("ul", {class: "chips", "aria-label": "labels"}, labels.map(({key, value}) => h("li", {}, `${key}=${value}`)));
}
