// letterlint's editor (a Streamlit custom component, v2): the letter is typed into a
// textarea; a layer behind it mirrors the text and carries the highlights; the findings
// are cards beside it. Typing sends the text to Python after a short pause; Python lints
// it and sends back the pieces of the text with their findings, and the cards. Until they
// arrive, the last highlights are shifted to follow the edit, so nothing jumps.
// Everything the letter or a finding says is set as text, never as markup.
// The pause that counts as "stopped typing". 250 ms left too little of the 300 ms budget
// (keystroke to new highlights) for the round trip, ~80-120 ms on a busy 2-core machine.
const DEBOUNCE_MS = 120;

// The common prefix and suffix of two texts (the suffix never overlaps the prefix).
function unchangedEnds(a, b) {
  const n = Math.min(a.length, b.length);
  let p = 0;
  while (p < n && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let q = 0;
  while (q < n - p && a.charCodeAt(a.length - 1 - q) === b.charCodeAt(b.length - 1 - q)) q++;
  return [p, q];
}

// Pieces ([text, classes, title, ids]) of `base` carried over to `value`: the parts
// outside the edited stretch keep their marks; the edited stretch is shown unmarked.
function follow(pieces, base, value) {
  if (base === value) return pieces;
  const [p, q] = unchangedEnds(base, value);
  const out = [];
  const clip = (from, to) => {
    let at = 0;
    for (const piece of pieces) {
      const a = Math.max(at, from), b = Math.min(at + piece[0].length, to);
      if (a < b) out.push([piece[0].slice(a - at, b - at), piece[1], piece[2], piece[3]]);
      at += piece[0].length;
    }
  };
  clip(0, p);
  if (value.length - q > p) out.push([value.slice(p, value.length - q), "", "", []]);
  clip(base.length - q, base.length);
  return out;
}

function paint(ui, pieces) {
  const nodes = [];
  ui.spans = [];
  let at = 0;
  for (const [text, classes, title, ids] of pieces) {
    if (ids.length) {
      const mark = document.createElement("mark");
      mark.className = classes;
      mark.dataset.ids = ids.join(" ");
      mark.textContent = text;  // the letter is always text, never markup
      nodes.push(mark);
      ui.spans.push([at, at + text.length, title, ids]);
    } else {
      nodes.push(document.createTextNode(text));
    }
    at += text.length;
  }
  nodes.push(document.createTextNode("\u200b"));  // keeps a trailing empty line as tall as the textarea's
  ui.layer.replaceChildren(...nodes);
  ui.layer.parentElement.scrollTop = ui.input.scrollTop;
}

function spanAt(ui, offset) {
  return ui.spans.find(([a, b]) => a <= offset && offset < b)
      || ui.spans.find(([a, b]) => a < offset && offset <= b);
}

function showStatus(ui) {
  const focused = ui.root.getRootNode().activeElement === ui.input;
  const span = focused && spanAt(ui, ui.input.selectionStart);  // what the cursor is on, while editing
  if (ui.root.dataset.state === "pending") {
    ui.status.textContent = "Checking…";
  } else if (span) {
    ui.status.replaceChildren(Object.assign(document.createElement("b"), {textContent: span[2]}),
                              document.createTextNode(" · click to see its card"));
  } else {
    const n = ui.spans.length;
    ui.status.textContent = n ? `${n} highlighted passage${n === 1 ? "" : "s"}: click one to see what to change.` : "";
  }
}

// Open a finding's card beside the letter: scroll it into view, mark it, show why.
function openCard(ui, id) {
  const card = ui.cards.querySelector(`.ll-card[data-id="${id}"]`);
  if (!card) return;
  ui.openId = id;
  for (const other of ui.cards.querySelectorAll(".ll-card.ll-open")) other.classList.remove("ll-open");
  card.classList.add("ll-open");
  const why = card.querySelector("details");
  if (why) why.open = true;
  ui.cards.scrollTo({top: card.offsetTop - ui.cards.offsetTop - 8, behavior: "smooth"});
}

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function cardNode(ui, c, why) {
  const card = el("div", {className: `ll-card ll-${c.severity}`});
  card.dataset.id = c.id;
  card.append(el("div", {className: "ll-card-title"},
                 el("span", {className: `ll-chip ll-${c.severity}`, textContent: c.chip}), c.title));
  card.append(el("div", {className: "ll-card-body", textContent: c.message}));
  if (c.fix) card.append(el("div", {className: "ll-card-fix", textContent: c.fix}));
  if (why) {
    const [rationale, sources] = why;
    const list = sources.length ? el("ul", {}, ...sources.map((src) => el("li", {textContent: src}))) : null;
    card.append(el("details", {}, el("summary", {textContent: "Why"}), rationale, list));
  }
  card.append(el("div", {className: "ll-card-meta", textContent: c.meta}));
  const act = (label, what, primary) => {
    const button = el("button", {type: "button", textContent: label, className: primary ? "ll-primary" : ""});
    button.addEventListener("click", () => {
      if (ui.timer) ui.flush();  // send what was typed first: the action applies to it
      ui.act({do: what, id: c.id});
    });
    return button;
  };
  card.append(el("div", {className: "ll-actions"},
                 c.accept ? act(c.accept, "accept", c.safe) : null,
                 act("Ignore here", "ignore", false),
                 act("Ignore this rule in this letter", "ignore-rule", false)));
  return card;
}

function paintCards(ui, data) {
  const key = JSON.stringify([data.groups, data.why, data.empty, data.ignored, data.error]);
  if (key === ui.cardsKey) return;  // unchanged: keep the scroll position and what is open
  ui.cardsKey = key;
  const top = ui.cards.scrollTop;
  const nodes = [];
  if (data.ignored) {
    const again = el("button", {type: "button", textContent: "Show them again"});
    again.addEventListener("click", () => ui.act({do: "unignore", id: ""}));
    nodes.push(el("div", {className: "ll-ignored"}, data.ignored + " ", again));
  }
  if (data.error) nodes.push(el("div", {className: "ll-empty", textContent: data.error}));
  else if (data.empty) nodes.push(el("div", {className: "ll-empty", textContent: data.empty}));
  for (const group of data.groups || []) {
    nodes.push(el("div", {className: "ll-group"}, group.label + " ", el("small", {textContent: group.tally})));
    for (const c of group.cards) nodes.push(cardNode(ui, c, (data.why || {})[c.code]));
  }
  ui.cards.replaceChildren(...nodes);
  ui.cards.scrollTop = top;
  if (ui.openId) {
    const card = ui.cards.querySelector(`.ll-card[data-id="${ui.openId}"]`);
    if (card) card.classList.add("ll-open");
  }
}

function paintLegend(ui, legend) {
  const key = JSON.stringify(legend);
  if (key === ui.legendKey) return;
  ui.legendKey = key;
  const row = (kind, lead) => el("div", {className: "ll-legend-row"}, lead,
    ...legend.filter((item) => item[2] === kind).map(([label, classes]) =>
      el("span", {}, el("span", {className: `${classes} ll-key-${kind}`, textContent: label}))));
  ui.legend.replaceChildren(row("fill", null), row("line", el("span", {className: "ll-key-lead", textContent: "Underline:"})));
}

function setup(root) {
  const ui = {
    root, spans: [], base: {text: "", pieces: []}, rev: null, timer: null, lastInput: null, send: null,
    frame: root.querySelector(".ll-frame"), input: root.querySelector(".ll-input"),
    layer: root.querySelector(".ll-layer"), status: root.querySelector(".ll-status"),
    cards: root.querySelector(".ll-cards"), legend: root.querySelector(".ll-legend"), openId: null,
  };
  const flush = ui.flush = () => {
    clearTimeout(ui.timer);
    ui.timer = null;
    if (ui.sent !== ui.input.value) {
      ui.sent = ui.input.value;
      ui.sentAt = performance.now();
      ui.send(ui.input.value);
    } else if (ui.base.text === ui.input.value) {  // typed and undone: the last lint still holds
      ui.lastInput = null;
      root.dataset.state = "fresh";
      paint(ui, ui.base.pieces);
      showStatus(ui);
    }
  };
  ui.input.addEventListener("input", () => {
    ui.lastInput = performance.now();
    root.dataset.state = "pending";
    paint(ui, follow(ui.base.pieces, ui.base.text, ui.input.value));
    showStatus(ui);
    clearTimeout(ui.timer);
    ui.timer = setTimeout(flush, DEBOUNCE_MS);
  });
  ui.input.addEventListener("blur", () => { if (ui.timer) flush(); });
  ui.input.addEventListener("scroll", () => { ui.layer.parentElement.scrollTop = ui.input.scrollTop; });
  ui.input.addEventListener("click", () => {
    const span = ui.input.selectionStart === ui.input.selectionEnd && spanAt(ui, ui.input.selectionStart);
    if (span) openCard(ui, span[3][0]);
    showStatus(ui);
  });
  ui.input.addEventListener("keyup", () => showStatus(ui));
  root._letterlint = ui;
  return ui;
}

export default function (component) {
  const {data, parentElement, setStateValue, setTriggerValue} = component;
  const root = parentElement.querySelector(".ll-editor");
  const ui = root._letterlint || setup(root);
  ui.send = (text) => setStateValue("text", text);
  ui.act = (action) => setTriggerValue("action", action);
  if (!data) return;
  // Python numbers every change it makes to the letter; a render that arrives after a newer
  // one (an earlier run's, overtaken by the run of "Open template") would put back the old
  // text while the rest of the page shows the new letter: it is dropped.
  if (ui.rev !== null && data.rev < ui.rev) return;
  root.style.setProperty("--ll-height", `${data.height || 450}px`);  // the letter and the cards beside it
  ui.input.placeholder = data.placeholder || "";
  ui.base = {text: data.text, pieces: data.pieces};
  if (data.rev !== ui.rev) {  // Python changed the letter (opened, fixed, undone): show its text
    ui.rev = data.rev;
    if (ui.input.value !== data.text) {
      const caret = Math.min(ui.input.selectionStart, data.text.length);
      ui.input.value = data.text;
      ui.input.setSelectionRange(caret, caret);
    }
    ui.sent = data.text;
    clearTimeout(ui.timer);
    ui.timer = null;
  }
  const fresh = ui.input.value === data.text;
  const answered = fresh && ui.lastInput !== null;  // the lint of what the user typed
  if (answered) {  // the time from the last keystroke to these highlights
    (window.__letterlintLatencies ||= []).push(performance.now() - ui.lastInput);
    (window.__letterlintRoundTrips ||= []).push(performance.now() - ui.sentAt);  // sent → shown

    ui.lastInput = null;
  }
  root.dataset.state = fresh ? "fresh" : "pending";
  root.dataset.findings = String(data.pieces.filter((p) => p[3].length).length);
  paint(ui, fresh ? data.pieces : follow(data.pieces, data.text, ui.input.value));
  showStatus(ui);
  paintLegend(ui, data.legend || []);
  paintCards(ui, data);
  // Only the editor reran to get here; once the highlights are on screen, the rest of
  // the page (the score, the preview) is brought up to date.
  if (answered) requestAnimationFrame(() => setTimeout(() => setTriggerValue("shown", true), 0));
}
