// coursekit quiz question: an accessible form rendered from public question data.
// The answer key never reaches this code: Python checks answers and sends back feedback.
let counter = 0;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "html") node.innerHTML = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

// One renderer per question type: (ctx) => fills ctx.body. ctx holds the question, the current
// value, whether the form is locked, setValue, a unique id prefix and the polite hint box.
function renderChoice({ q, value, locked, setValue, uid, body }) {
  const multi = q.type === "multiple_select";
  const opts = q.type === "true_false" ? [{ id: "true", text: "True" }, { id: "false", text: "False" }] : q.options;
  const chosen = multi ? new Set(value || []) : (value === null || value === undefined ? null : String(value));
  if (multi) body.append(el("p", { class: "ck-instruction", text: "Tick every option that applies." }));
  for (const o of opts) {
    const id = `${uid}-${o.id}`;
    const input = el("input", {
      type: multi ? "checkbox" : "radio", name: `${uid}-choice`, id, value: o.id,
      checked: multi ? chosen.has(o.id) : chosen === o.id, disabled: locked,
      onchange: () => {
        if (multi) {
          const picked = [...body.querySelectorAll("input:checked")].map((i) => i.value);
          setValue(picked);
        } else setValue(q.type === "true_false" ? o.id === "true" : o.id);
      },
    });
    body.append(el("div", { class: "ck-option" }, input, el("label", { for: id, html: o.text_html || o.text })));
  }
}

function renderNumeric({ q, value, locked, setValue, uid, body }) {
  const id = `${uid}-num`;
  body.append(el("label", { for: id, text: `Your answer${q.unit ? ` (in ${q.unit})` : ""}` }));
  body.append(el("input", {
    type: "text", inputmode: "decimal", id, class: "ck-number", value: value ?? "", disabled: locked,
    oninput: (e) => setValue(e.target.value),
  }));
  if (q.unit) body.append(el("span", { class: "ck-unit", "aria-hidden": "true", text: ` ${q.unit}` }));
}

function renderOrdering({ q, value, locked, setValue, body, root, hintBox }) {
  const order = Array.isArray(value) && value.length ? value : q.items.map((i) => i.id);
  if (!Array.isArray(value) || !value.length) queueMicrotask(() => setValue(order));
  body.append(el("p", { class: "ck-instruction", text: "Use the Up and Down buttons to put the items in order (first at the top)." }));
  const list = el("ol", { class: "ck-order" });
  const text = Object.fromEntries(q.items.map((i) => [i.id, i.text]));
  order.forEach((itemId, n) => {
    const move = (d) => {
      const next = [...order];
      [next[n], next[n + d]] = [next[n + d], next[n]];
      setValue(next);
      hintBox.textContent = `${text[itemId]} moved to position ${n + d + 1}.`;
      requestAnimationFrame(() => {
        const btn = root.querySelector(`[data-move="${itemId}:${d}"]`) || root.querySelector(`[data-move^="${itemId}:"]`);
        if (btn) btn.focus();
      });
    };
    list.append(el("li", { class: "ck-order-item" },
      el("span", { class: "ck-order-text", text: text[itemId] }),
      el("button", { type: "button", class: "ck-move", "data-move": `${itemId}:-1`, "aria-label": `Move ${text[itemId]} up`, disabled: locked || n === 0, onclick: () => move(-1), text: "▲ Up" }),
      el("button", { type: "button", class: "ck-move", "data-move": `${itemId}:1`, "aria-label": `Move ${text[itemId]} down`, disabled: locked || n === order.length - 1, onclick: () => move(1), text: "▼ Down" })));
  });
  body.append(list);
}
renderOrdering.rebuildOnValue = true;

function renderCategorise({ q, value, locked, setValue, uid, body }) {
  const current = value && typeof value === "object" ? { ...value } : {};
  body.append(el("p", { class: "ck-instruction", text: "Choose a category for each item." }));
  const table = el("div", { class: "ck-cat" });
  for (const item of q.items) {
    const id = `${uid}-cat-${item.id}`;
    const select = el("select", {
      id, disabled: locked,
      onchange: (e) => { current[item.id] = e.target.value; setValue({ ...current }); },
    }, el("option", { value: "", text: "choose…" }));
    for (const c of q.categories) select.append(el("option", { value: c.id, text: c.text, selected: current[item.id] === c.id }));
    table.append(el("div", { class: "ck-cat-row" }, el("label", { for: id, html: item.text_html || item.text }), select));
  }
  body.append(table);
}

function renderText({ q, value, locked, setValue, uid, body }) {
  const id = `${uid}-text`;
  const lo = q.min_words || 0, hi = q.max_words || 0;
  const span = lo && hi ? `${lo}–${hi} words` : lo ? `at least ${lo} words` : hi ? `at most ${hi} words` : "";
  body.append(el("label", { for: id, text: span ? `Your answer (${span})` : "Your answer" }));
  const words = (t) => (t || "").split(/\s+/).filter(Boolean).length;
  // not a live region: announcing every keystroke would drown a screen reader; the box is described
  // by it (aria-describedby), and a refused Submit is announced in the feedback
  const count = el("div", { class: "ck-count", id: `${uid}-count` });
  // A live count: under the floor a notice of how many words are missing; over the ceiling, why the
  // answer cannot be submitted and how to fix it (the text stays in the box).
  const showCount = (t) => {
    const n = words(t);
    let text = `${n} word${n === 1 ? "" : "s"}` + (span ? ` (${span})` : "");
    count.classList.remove("ck-count-over", "ck-count-under");
    if (hi && n > hi) {
      text += `: ${n - hi} over the limit. Cut ${n - hi} word${n - hi === 1 ? "" : "s"} before you submit; an answer over ${hi} words is not accepted. Your text stays here.`;
      count.classList.add("ck-count-over");
    } else if (lo && n < lo && n > 0) {
      text += `: ${lo - n} more needed before you can submit.`;
      count.classList.add("ck-count-under");
    }
    count.textContent = text;
  };
  body.append(el("textarea", { id, rows: Math.max(4, Math.min(20, Math.ceil((q.min_words || 0) / 10))), class: "ck-text", disabled: locked, "aria-describedby": `${uid}-count`, oninput: (e) => { showCount(e.target.value); setValue(e.target.value); } }, document.createTextNode(value ?? "")));
  showCount(value);
  body.append(count);
}

// A code exercise is answered in a code cell with coursekit.exercises.check(); the form only
// says so (its last result, once checked, is the feedback below).
function renderCode({ q, body }) {
  body.append(el("p", { class: "ck-instruction",
    text: `Answer this exercise in code: run check("…/${q.id}", your_object) in its cell of the notebook. The checker prints what to look at.` }));
}

// The renderer table: a question type the kit registers in Python needs an entry here.
export const RENDERERS = {
  single_choice: renderChoice,
  multiple_select: renderChoice,
  true_false: renderChoice,
  numeric: renderNumeric,
  ordering: renderOrdering,
  categorise: renderCategorise,
  text: renderText,
  code_check: renderCode,
};

// How sure the learner is (optional, 50-100%): a native radio group (Tab in, arrow keys to
// choose), announced through its own polite live region, saved with the answer.
export const CONFIDENCE_LEVELS = [50, 60, 70, 80, 90, 100];

function renderConfidence({ model, uid, locked }) {
  const current = model.get("confidence");
  const pct = current === null || current === undefined || current === "" ? null : Math.round(Number(current) * (Number(current) <= 1 ? 100 : 1));
  // JupyterLab binds the arrow keys to cell navigation: keep them for the radio group.
  const fs = el("fieldset", {
    class: "ck-confidence", "data-lm-suppress-shortcuts": "true",
    onkeydown: (e) => { if (e.key.startsWith("Arrow")) e.stopPropagation(); },
  });
  fs.append(el("legend", { text: "How sure are you? (optional)" }));
  const said = el("span", { class: "ck-confidence-said", "aria-live": "polite", "aria-atomic": "true" });
  const words = { 50: "50% (a guess)", 100: "100% (certain)" };
  for (const level of CONFIDENCE_LEVELS) {
    const id = `${uid}-conf-${level}`;
    const input = el("input", {
      type: "radio", name: `${uid}-confidence`, id, value: String(level), checked: pct === level, disabled: locked,
      onchange: () => {
        model.set("confidence", level / 100);
        model.save_changes();
        said.textContent = `You are ${level}% sure.`;
      },
    });
    fs.append(el("span", { class: "ck-conf-option" }, input, el("label", { for: id, text: words[level] || `${level}%` })));
  }
  fs.append(said);
  return fs;
}

function renderUnknown({ q, body }) {
  body.append(el("p", { class: "ck-instruction", role: "alert",
    text: `This question is of a type (${q.type}) that this version of the quiz cannot show. Update coursekit, then reopen the notebook.` }));
}

function render({ model, el: host }) {
  const uid = `ck-q-${++counter}-${Math.random().toString(36).slice(2, 7)}`;
  host.classList.add("coursekit-quiz");
  if (model.get("final")) host.classList.add("ck-check"); // a claim of the discernment check, not a quiz question
  const root = el("div", { class: "ck-question" });
  host.append(root);
  // A live region that persists across updates, so screen readers announce feedback.
  const live = el("div", { class: "ck-feedback", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  const hintBox = el("div", { class: "ck-hint", "aria-live": "polite" });
  const notice = el("div", { class: "ck-notice", role: "alert" });

  function setValue(v) {
    model.set("value", v);
    model.save_changes();
  }

  function build() {
    const q = model.get("question");
    const locked = model.get("locked");
    root.replaceChildren();
    const form = el("form", { class: "ck-form", novalidate: true, onsubmit: (e) => { e.preventDefault(); submit(); } });
    const fs = el("fieldset", { class: "ck-fieldset", "aria-describedby": `${uid}-fb` });
    const legend = el("legend", { class: "ck-prompt", id: `${uid}-legend` });
    legend.append(el("span", { class: "ck-points", text: q.points ? `${q.points} pt${q.points === 1 ? "" : "s"} · ` : "" }));
    legend.append(el("span", { html: q.prompt_html }));
    fs.append(legend);
    const value = model.get("value");
    const body = el("div", { class: "ck-body" });
    const renderer = RENDERERS[q.type] || renderUnknown;
    renderer({ q, value, locked, setValue, uid, body, root, hintBox });
    fs.append(body);
    form.append(fs);
    if (q.confidence) form.append(renderConfidence({ model, uid, locked }));
    const bar = el("div", { class: "ck-buttons" });
    bar.append(el("button", { type: "submit", class: "ck-submit", disabled: locked, text: "Submit" }));
    if (!model.get("final")) bar.append(el("button", { type: "button", class: "ck-retry", disabled: !locked, onclick: () => model.send({ event: "retry" }), text: "Try again" }));
    if (q.has_hint) bar.append(el("button", { type: "button", class: "ck-hint-btn", onclick: () => model.send({ event: "hint" }), text: "Hint" }));
    form.append(bar);
    root.append(form, hintBox, live, notice);
    live.id = `${uid}-fb`;
  }

  function submit() {
    model.send({ event: "submit" });
  }

  function showFeedback() {
    live.innerHTML = model.get("feedback_html") || "";
  }
  function showHint() {
    const h = model.get("hint_html");
    if (h) hintBox.innerHTML = h;
  }

  build();
  showFeedback();
  showHint();
  notice.textContent = model.get("notice") || "";
  model.on("change:question", build);
  model.on("change:locked", () => { const f = document.activeElement; build(); if (f && f.classList && f.classList.contains("ck-submit")) root.querySelector(".ck-retry")?.focus(); });
  model.on("change:value", () => { if ((RENDERERS[model.get("question").type] || {}).rebuildOnValue) build(); });
  model.on("change:feedback_html", showFeedback);
  model.on("change:hint_html", showHint);
  model.on("change:notice", () => { notice.textContent = model.get("notice") || ""; });
}

export default { render };
