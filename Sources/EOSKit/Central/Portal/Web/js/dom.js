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

/**
 * Replaces what `region` shows with `children`, keeping the keyboard where it was: the element that had focus is
 * found again in the new content by its id, or its href, and focused.
 */
export function patch(region, children) {
  const active = document.activeElement;
  const key = active && region.contains(active) && active !== region ? focusKey(active) : null;
  region.replaceChildren();
  append(region, [children]);
  if (key) {
    const again = [...region.querySelectorAll("a, button, input, select, textarea, summary, [tabindex], h1")]
      .find((element) => focusKey(element) === key);
    if (again?.tagName === "H1") again.setAttribute("tabindex", "-1");
    again?.focus({preventScroll: true});
  }
}

function focusKey(element) {
  if (element.id) return `#${element.id}`;
  const href = element.getAttribute("href");
  return `${element.tagName}:${href ?? ""}:${element.textContent}`;
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
