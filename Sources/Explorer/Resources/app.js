// Suanli · what-if explorer: the page of `suanli serve` (API: docs/explorer.md).
// Plain script, no build step; Chart.js 3.9.1 comes from /vendor/chart.js.
"use strict";

(function () {
  // ---------- API helpers ----------
  const TOKEN = new URLSearchParams(location.search).get("token");

  /** A same-origin URL for an API path, with ?token= when the page was opened with one. */
  function api(path) {
    const rel = path.replace(/^\//, "");
    if (!TOKEN) return rel;
    return rel + (rel.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(TOKEN);
  }
  const seg = encodeURIComponent;

  /** fetch + JSON, never throws: {ok, status, data, error}. */
  async function call(method, path, body) {
    const init = { method, headers: { Accept: "application/json" }, cache: "no-store" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let resp;
    try {
      resp = await fetch(api(path), init);
    } catch (e) {
      return { ok: false, status: 0, data: null, error: "the server did not answer (" + e.message + ")" };
    }
    let data = null;
    try { data = await resp.json(); } catch (e) { data = null; }
    const error = resp.ok ? null : ((data && data.error) || ("HTTP " + resp.status));
    return { ok: resp.ok, status: resp.status, data, error };
  }

  // ---------- DOM helpers ----------
  const $ = (id) => document.getElementById(id);
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "style") Object.assign(e.style, v); // CSSOM, not a style attribute: fine under a CSP
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }
  const body = document.body;
  function setState(s) { body.dataset.state = s; }

  function showError(title, lines) {
    const box = $("errors");
    box.replaceChildren(el("strong", { text: title }));
    if (lines && lines.length) box.append(el("pre", { text: lines.join("\n") }));
    box.hidden = false;
  }
  function clearError() { const box = $("errors"); box.hidden = true; box.replaceChildren(); }

  // ---------- number and month formatting ----------
  function decimalsOf(step) {
    if (!(step > 0)) return 2;
    for (let d = 0; d <= 6; d++) {
      const x = step * Math.pow(10, d);
      if (Math.abs(x - Math.round(x)) < 1e-9 * Math.max(1, x)) return d;
    }
    return Math.min(6, Math.max(0, Math.ceil(-Math.log10(step)) + 1));
  }
  function short(v) {
    if (v === null || v === undefined || !isFinite(v)) return "—";
    return Number(v).toLocaleString("en", { maximumSignificantDigits: 6 });
  }
  function fixed(v, d) { return Number(v).toLocaleString("en", { minimumFractionDigits: d, maximumFractionDigits: d }); }
  function fix3(x) { return typeof x === "number" && isFinite(x) ? x.toFixed(3) : "—"; }
  function signed3(x) { return typeof x === "number" && isFinite(x) ? (x > 0 ? "+" : "") + x.toFixed(3) : "—"; }
  function raw(x) { return typeof x === "number" ? String(x) : ""; }

  // Months as "YYYY-MM" or an ordinal (year × 12 + month − 1).
  function monthOrdinal(m) {
    if (typeof m === "number") return Math.round(m);
    const r = /^(\d{4})-(\d{2})$/.exec(String(m || ""));
    return r ? Number(r[1]) * 12 + Number(r[2]) - 1 : null;
  }
  function monthText(o) {
    const y = Math.floor(o / 12), mo = o - y * 12 + 1;
    return String(y).padStart(4, "0") + "-" + String(mo).padStart(2, "0");
  }
  const compact = new Intl.NumberFormat("en", { notation: "compact", maximumSignificantDigits: 3 });

  // ---------- page state ----------
  let scenario = null;          // GET /api/scenarios/{name}
  let leverState = new Map();   // key -> {lever, value, base, input, out}
  let lastResult = null;        // result of the last done run
  let lastRun = null;           // the last done Run
  let gen = 0;                  // bumped by every change that supersedes the current run
  let current = null;           // {id, es, gen, t0}
  let pendingDeletes = [];
  let debounce = null;

  // ---------- scenarios ----------
  async function loadScenarios() {
    const sel = $("scenario");
    const r = await call("GET", "/api/scenarios");
    if (!r.ok || !r.data || !Array.isArray(r.data.scenarios)) {
      sel.replaceChildren(el("option", { value: "", text: "No scenarios" }));
      showError("Could not list the scenarios: " + (r.error || "unexpected answer"),
        (r.data && r.data.diagnostics) || []);
      body.dataset.ready = "true";
      return;
    }
    const opts = [el("option", { value: "", text: r.data.scenarios.length ? "— pick a scenario —" : "No scenarios served" })];
    for (const s of r.data.scenarios) {
      opts.push(el("option", { value: s.name, title: s.description || "", text: s.name }));
    }
    sel.replaceChildren(...opts);
    sel.disabled = false;
    body.dataset.ready = "true";
  }

  async function pickScenario(name) {
    supersede();
    clearTimeout(debounce);
    scenario = null;
    leverState = new Map();
    $("levers").replaceChildren();
    $("scenario-description").textContent = "";
    $("scenario-meta").textContent = "";
    $("levers-note").textContent = "";
    $("reset").disabled = true;
    $("run").disabled = true;
    setState("idle");
    clearError();
    clearResults();
    if (!name) {
      $("levers").replaceChildren(el("p", { class: "meta", text: "Pick a scenario to see its levers." }));
      setProgress(0, 1, "Pick a scenario, then move a lever.");
      return;
    }
    const r = await call("GET", "/api/scenarios/" + seg(name));
    if ($("scenario").value !== name) return; // picked another meanwhile
    if (!r.ok) {
      showError("Could not open scenario " + name + ": " + r.error, (r.data && r.data.diagnostics) || []);
      return;
    }
    scenario = r.data;
    $("scenario-description").textContent = scenario.description || "";
    const meta = [];
    if (scenario.file) meta.push(scenario.file);
    if (scenario.start) meta.push("from " + scenario.start);
    if (scenario.horizon_months) meta.push(scenario.horizon_months + " months");
    if (scenario.currency) meta.push(scenario.currency);
    $("scenario-meta").textContent = meta.join(" · ");
    renderLevers(scenario.levers || []);
    $("reset").disabled = !(scenario.levers || []).length;
    $("run").disabled = false;
  }

  // ---------- levers ----------
  function renderLevers(levers) {
    const box = $("levers");
    if (!levers.length) {
      box.replaceChildren(el("p", { class: "meta", text: "This scenario has no levers." }));
      return;
    }
    if (levers.some((l) => l.declared === false)) {
      $("levers-note").textContent = "The scenario declares no levers: these are offered by the tool.";
    }
    const rows = levers.map((lever, i) => leverRow(lever, i));
    box.replaceChildren(...rows);
  }

  function leverRow(lever, i) {
    const id = "lever-" + i;
    const kind = lever.kind || "number";
    const st = { lever, kind, base: null, value: null, input: null, out: null, row: null };
    let input;
    if (kind === "switch") {
      st.base = lever.value === undefined ? null : lever.value;
      st.value = st.base;
      input = el("input", { type: "checkbox", id, class: "lever", "data-key": lever.key, "data-kind": kind });
      input.checked = st.base !== null && String(st.base) === String(lever.on);
      input.indeterminate = st.base !== null && !input.checked && String(st.base) !== String(lever.off);
    } else if (kind === "month") {
      const lo = monthOrdinal(lever.min), hi = monthOrdinal(lever.max);
      st.lo = lo;
      st.base = lever.value === null || lever.value === undefined ? null : monthOrdinal(lever.value);
      st.value = st.base;
      const step = lever.step > 0 ? Math.max(1, Math.round(lever.step)) : 1;
      input = el("input", { type: "range", id, class: "lever", "data-key": lever.key, "data-kind": kind,
        min: 0, max: Math.max(0, hi - lo), step });
      input.value = String((st.base === null ? lo : st.base) - lo);
    } else {
      st.base = typeof lever.value === "number" ? lever.value : null;
      st.value = st.base;
      st.decimals = decimalsOf(lever.step);
      input = el("input", { type: "range", id, class: "lever", "data-key": lever.key, "data-kind": "number",
        min: lever.min, max: lever.max, step: lever.step > 0 ? lever.step : "any" });
      input.value = String(st.base === null ? lever.min : st.base);
    }
    st.input = input;
    st.out = el("output", { for: id, class: "lever-value" });
    st.baseNote = el("span", { class: "lever-base" });
    const label = el("label", { for: id, class: "lever-label", title: lever.key, text: lever.label || lever.key });
    let bounds = null;
    if (kind === "number") bounds = el("div", { class: "bounds" }, el("span", { text: short(lever.min) }), el("span", { text: short(lever.max) }));
    if (kind === "month") bounds = el("div", { class: "bounds" }, el("span", { text: monthText(st.lo) }), el("span", { text: monthText(monthOrdinal(lever.max)) }));
    const valueLine = el("div", { class: "lever-line" }, st.out, st.baseNote);
    st.row = kind === "switch"
      ? el("div", { class: "lever-row switch" }, el("div", { class: "switch-line" }, input, label), valueLine)
      : el("div", { class: "lever-row" }, label, input, bounds, valueLine);
    st.row.append(el("div", { class: "lever-key", text: lever.key }));
    input.addEventListener("input", (ev) => onLeverInput(st, ev));
    leverState.set(lever.key, st);
    showLever(st);
    return st.row;
  }

  function readLever(st) {
    const v = st.input;
    if (st.kind === "switch") return v.checked ? st.lever.on : st.lever.off;
    if (st.kind === "month") return st.lo + Number(v.value);
    return Number(v.value);
  }
  function leverText(st, v) {
    if (v === null || v === undefined) return "—";
    if (st.kind === "month") return monthText(v);
    if (st.kind === "switch") {
      const word = String(v) === String(st.lever.on) ? "on" : String(v) === String(st.lever.off) ? "off" : "";
      return (word ? word + " · " : "") + short(v);
    }
    return (v === st.base ? short(v) : fixed(v, st.decimals)) + (st.lever.unit ? " " + st.lever.unit : "");
  }
  function changed(st) { return st.value !== null && st.value !== undefined && String(st.value) !== String(st.base); }
  function showLever(st) {
    st.out.textContent = leverText(st, st.value);
    const moved = changed(st);
    st.row.classList.toggle("moved", moved);
    st.baseNote.textContent = moved ? "scenario: " + (st.base === null ? "no single value" : leverText(st, st.base))
      : (st.base === null ? "no single value in the scenario" : "");
  }

  function onLeverInput(st, ev) {
    const t0 = performance.now();
    st.input.indeterminate = false;
    st.value = readLever(st);
    showLever(st);
    schedule(t0);
  }

  function schedule(t0) {
    supersede();
    setState("pending");
    clearTimeout(debounce);
    debounce = setTimeout(() => { startRun(t0).catch(unexpected); }, 200);
  }

  function resetLevers() {
    const t0 = performance.now();
    for (const st of leverState.values()) {
      st.value = st.base;
      if (st.kind === "switch") {
        st.input.checked = st.base !== null && String(st.base) === String(st.lever.on);
      } else if (st.kind === "month") {
        st.input.value = String((st.base === null ? st.lo : st.base) - st.lo);
      } else {
        st.input.value = String(st.base === null ? st.lever.min : st.base);
      }
      showLever(st);
    }
    schedule(t0);
  }

  /** The lever values that differ from the scenario's own, as the API takes them. */
  function leverValues() {
    const out = {};
    for (const [key, st] of leverState) {
      if (!changed(st)) continue;
      out[key] = st.kind === "month" ? monthText(st.value) : st.value;
    }
    return out;
  }

  function intField(id, dflt) {
    const v = $(id).value.trim();
    if (v === "") return dflt;
    const n = Number(v);
    return Number.isFinite(n) ? n : dflt;
  }

  // ---------- runs ----------
  /** Cancel the run in flight or on screen: close its stream and DELETE it (errors ignored). */
  function supersede() {
    gen++;
    if (!current) return;
    const c = current;
    current = null;
    if (c.es) c.es.close();
    if (c.id) pendingDeletes.push(deleteRun(c.id));
  }
  function deleteRun(id) {
    return fetch(api("/api/runs/" + seg(id)), { method: "DELETE", cache: "no-store" }).catch(() => null);
  }
  const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

  async function startRun(t0) {
    const g = gen;
    if (!scenario) return;
    const deletes = pendingDeletes;
    pendingDeletes = [];
    await Promise.all(deletes);
    if (g !== gen) return;
    clearError();
    setState("running");
    $("results").classList.add("stale");
    const req = {
      scenario: scenario.name,
      levers: leverValues(),
      replications: intField("replications", 200),
      seed: intField("seed", 1),
    };
    const nLevers = Object.keys(req.levers).length;
    setProgress(0, 1, "Starting " + scenario.name + (nLevers ? " with " + nLevers + " lever" + (nLevers > 1 ? "s" : "") + " moved" : " (variant = base)") + "…");
    current = { id: null, es: null, gen: g, t0 };
    let r;
    for (let attempt = 0; ; attempt++) {
      r = await call("POST", "/api/runs", req);
      if (g !== gen) { if (r.ok && r.data && r.data.id) deleteRun(r.data.id); return; }
      if (r.status !== 429 || attempt >= 20) break;
      setProgress(0, 1, "Waiting for a free run slot…");
      await sleep(500);
      if (g !== gen) return;
    }
    if (!r.ok || !r.data || !r.data.id) {
      current = null;
      setState("failed");
      $("results").classList.remove("stale");
      setProgress(0, 1, "Not run.");
      const title = r.status === 400 ? "The run was refused: " + r.error
        : r.status === 401 ? "The server wants its token: open the address it printed (with ?token=…)."
        : "Could not start the run: " + (r.error || "unexpected answer");
      showError(title, (r.data && r.data.diagnostics) || []);
      return;
    }
    current.id = r.data.id;
    setProgress(r.data.done || 0, r.data.total || 1);
    listen(current, 0);
  }

  function listen(c, retries) {
    const es = new EventSource(api("/api/runs/" + seg(c.id) + "/events"));
    c.es = es;
    const mine = () => current === c && c.gen === gen;
    es.addEventListener("progress", (e) => {
      if (!mine()) return;
      const d = parse(e.data);
      if (d) setProgress(d.done, d.total);
    });
    es.addEventListener("done", (e) => {
      es.close();
      if (!mine()) return;
      const run = parse(e.data);
      if (run && run.result) {
        try { finish(c, run); } catch (err) { unexpected(err); }
      } else {
        fallback(c, retries).catch(unexpected);
      }
    });
    es.addEventListener("failed", (e) => {
      es.close();
      if (!mine()) return;
      const d = parse(e.data) || {};
      failRun("The run failed: " + (d.error || "no reason given"));
    });
    es.addEventListener("cancelled", () => {
      es.close();
      if (!mine()) return;
      failRun("The run was cancelled by the server.", "cancelled");
    });
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED || mine()) {
        es.close();
        if (mine()) fallback(c, retries).catch(unexpected);
      }
    };
  }

  /** The stream broke: ask for the run, and listen again if it is still running. */
  async function fallback(c, retries) {
    const r = await call("GET", "/api/runs/" + seg(c.id));
    if (current !== c || c.gen !== gen) return;
    if (r.ok && r.data) {
      if (r.data.state === "done" && r.data.result) {
        try { return finish(c, r.data); } catch (err) { return unexpected(err); }
      }
      if (r.data.state === "failed") return failRun("The run failed: " + (r.data.error || "no reason given"));
      if (r.data.state === "running" && retries < 5) {
        await sleep(1000);
        if (current === c && c.gen === gen) listen(c, retries + 1);
        return;
      }
    }
    failRun("Lost the run's progress stream" + (r.error ? ": " + r.error : "."));
  }

  function failRun(message, state) {
    setState(state || "failed");
    $("results").classList.remove("stale");
    setProgress(0, 1, message);
    showError(message, []);
  }

  /** A bug or an answer of an unexpected shape: say so on the page rather than throw. */
  function unexpected(e) {
    setState("failed");
    $("results").classList.remove("stale");
    showError("Unexpected: " + (e && e.message ? e.message : String(e)), []);
  }

  function parse(s) { try { return JSON.parse(s); } catch (e) { return null; } }

  function setProgress(done, total, text) {
    const p = $("progress");
    p.max = total > 0 ? total : 1;
    p.value = Math.min(done || 0, p.max);
    $("progress-text").textContent = text !== undefined ? text
      : "Running: " + (done || 0) + " of " + total + " jobs (base and variant × replications)";
  }

  function finish(c, run) {
    lastRun = run;
    lastResult = run.result;
    renderResult(run);
    const ms = Math.round(performance.now() - c.t0);
    body.dataset.runId = run.id;
    body.dataset.updateMs = String(ms);
    setState("done");
    $("results").classList.remove("stale");
    const secs = typeof run.seconds === "number" ? run.seconds.toFixed(1) + " s" : "";
    const n = (run.overrides || []).length;
    setProgress(1, 1, "Done: " + run.replications + " replications, seed " + run.seed +
      (n ? ", " + run.overrides.join(", ") : ", variant = base") + (secs ? " · " + secs : "") + " · run " + run.id);
    loadFiles(c, run.id).catch(unexpected);
  }

  async function loadFiles(c, id) {
    const box = $("downloads");
    box.replaceChildren(el("span", { class: "meta", text: "Listing files…" }));
    const r = await call("GET", "/api/runs/" + seg(id) + "/files");
    if (lastRun === null || lastRun.id !== id) return;
    if (!r.ok || !r.data || !Array.isArray(r.data.files)) {
      box.replaceChildren(el("span", { class: "meta", text: "No files: " + (r.error || "unexpected answer") }));
      return;
    }
    box.replaceChildren(...r.data.files.map((f) =>
      el("a", { href: api("/api/runs/" + seg(id) + "/files/" + seg(f)), download: f, class: "file", text: f })));
  }

  // ---------- rendering ----------
  function clearResults() {
    lastResult = null;
    lastRun = null;
    delete body.dataset.runId;
    delete body.dataset.updateMs;
    $("results").classList.remove("stale");
    setProgress(0, 1, "Move a lever to run the scenario against itself with your values.");
    $("survival").tBodies[0].replaceChildren(el("tr", { class: "empty" }, el("td", { colspan: 7, text: "No run yet." })));
    $("downloads").replaceChildren(el("span", { class: "meta", text: "No run yet." }));
    $("tier").replaceChildren();
    $("firm").replaceChildren();
    if (charts) {
      for (const ch of Object.values(charts)) {
        ch.data.labels = [];
        for (const ds of ch.data.datasets) ds.data = [];
        ch.update("none");
      }
    }
  }

  function renderResult(run) {
    const res = run.result || {};
    renderSurvival(res.survival || []);
    fillSelect($("tier"), (res.prices && res.prices.tiers) || []);
    fillSelect($("firm"), (res.cash && res.cash.firms) || []);
    if (charts) {
      updatePrices();
      updateExits();
      updateCash();
    }
  }

  function fillSelect(sel, names) {
    const keep = sel.value;
    const same = sel.options.length === names.length && names.every((n, i) => sel.options[i].value === n);
    if (!same) sel.replaceChildren(...names.map((n) => el("option", { value: n, text: n })));
    if (names.includes(keep)) sel.value = keep;
  }

  function renderSurvival(rows) {
    const tbody = $("survival").tBodies[0];
    if (!rows.length) {
      tbody.replaceChildren(el("tr", { class: "empty" }, el("td", { colspan: 7, text: "No survival rows." })));
      return;
    }
    let span = 0;
    for (const r of rows) for (const x of [r.low, r.high, r.diff]) if (typeof x === "number" && isFinite(x)) span = Math.max(span, Math.abs(x));
    span = span > 0 ? span : 1;
    const pos = (x) => 50 + 50 * x / span;
    tbody.replaceChildren(...rows.map((r) => {
      const tr = el("tr", {
        "data-entity": r.entity, "data-kind": r.entity_kind,
        "data-base": raw(r.base), "data-variant": raw(r.variant), "data-diff": raw(r.diff),
        "data-low": raw(r.low), "data-high": raw(r.high), "data-settled": r.sign_settled ? "true" : "false",
      });
      const dir = typeof r.diff === "number" ? (r.diff > 0 ? "up" : r.diff < 0 ? "down" : "flat") : "flat";
      const plot = el("div", { class: "ci" }, el("span", { class: "zero" }));
      if (typeof r.low === "number" && typeof r.high === "number") {
        plot.append(el("span", { class: "bar " + (r.sign_settled ? dir : "flat"),
          style: { left: pos(r.low).toFixed(2) + "%", width: Math.max(0.5, pos(r.high) - pos(r.low)).toFixed(2) + "%" } }));
      }
      if (typeof r.diff === "number") plot.append(el("span", { class: "dot", style: { left: pos(r.diff).toFixed(2) + "%" } }));
      tr.append(
        el("td", { class: "entity" }, r.entity, r.entity_kind && r.entity_kind !== "firm" ? el("span", { class: "kind", text: r.entity_kind }) : null),
        el("td", { class: "num base", text: fix3(r.base) }),
        el("td", { class: "num variant", text: fix3(r.variant) }),
        el("td", { class: "num diff " + (r.sign_settled ? dir : "flat"), text: signed3(r.diff) }),
        el("td", { class: "num interval", text: typeof r.low === "number" || typeof r.high === "number" ? "[" + fix3(r.low) + ", " + fix3(r.high) + "]" : "—" }),
        el("td", { class: "settled", title: r.sign_settled ? "the 95% interval excludes 0" : "", text: r.sign_settled ? "●" : "" }),
        el("td", { class: "plot" }, plot),
      );
      return tr;
    }));
  }

  // ---------- charts ----------
  const BASE = "#4b5d78", VARIANT = "#d2601a";
  const BASE_BAND = "rgba(75, 93, 120, 0.18)", VARIANT_BAND = "rgba(210, 96, 26, 0.18)";
  let charts = null;

  const whiteBackground = {
    id: "suanliWhite",
    beforeDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.globalCompositeOperation = "destination-over";
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
  };

  function band(label, color, fillColor, hidden) {
    // p5 (invisible edge), p95 (filled down to p5), p50 (the line)
    return [
      { label: label + " p5", data: [], borderWidth: 0, pointRadius: 0, fill: false, borderColor: "transparent", backgroundColor: fillColor, _edge: true },
      { label: label + " p95", data: [], borderWidth: 0, pointRadius: 0, fill: "-1", borderColor: "transparent", backgroundColor: fillColor, _edge: true },
      { label: label + " p50", data: [], borderWidth: 2, pointRadius: 0, fill: false, borderColor: color, backgroundColor: color },
    ];
  }

  function lineOptions(yTitle, extra) {
    const opts = {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      spanGaps: false,
      plugins: {
        legend: { labels: { filter: (item, data) => !data.datasets[item.datasetIndex]._edge, boxHeight: 2 } },
        tooltip: { callbacks: { label: (ctx) => ctx.dataset.label + ": " + (ctx.dataset._percent ? (100 * ctx.parsed.y).toFixed(0) + "%" : short(ctx.parsed.y)) } },
      },
      scales: {
        x: { ticks: { autoSkip: true, maxRotation: 0 }, grid: { display: false } },
        y: { title: { display: true, text: yTitle } },
      },
    };
    return Object.assign(opts, extra || {});
  }

  function makeCharts() {
    if (typeof window.Chart !== "function") {
      showError("Chart.js did not load (/vendor/chart.js): the charts are off; the table still works.", []);
      return null;
    }
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = "#3a4250";
    const prices = new Chart($("chart-prices"), {
      type: "line",
      data: { labels: [], datasets: [...band("base", BASE, BASE_BAND), ...band("variant", VARIANT, VARIANT_BAND)] },
      options: lineOptions("price index"),
      plugins: [whiteBackground],
    });
    const exits = new Chart($("chart-exits"), {
      type: "bar",
      data: { labels: [], datasets: [
        { label: "base", data: [], backgroundColor: BASE },
        { label: "variant", data: [], backgroundColor: VARIANT },
      ] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: { tooltip: { callbacks: { label: (ctx) => ctx.dataset.label + ": " + short(ctx.parsed.y) } } },
        scales: {
          x: { grid: { display: false } },
          y: { beginAtZero: true, title: { display: true, text: "exits per replication" } },
        },
      },
      plugins: [whiteBackground],
    });
    const cashSets = [...band("base", BASE, BASE_BAND), ...band("variant", VARIANT, VARIANT_BAND),
      { label: "base active share", data: [], yAxisID: "y1", borderColor: BASE, backgroundColor: BASE, borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0, fill: false, _percent: true },
      { label: "variant active share", data: [], yAxisID: "y1", borderColor: VARIANT, backgroundColor: VARIANT, borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0, fill: false, _percent: true }];
    const cashOpts = lineOptions("month-end cash");
    cashOpts.scales.y.ticks = { callback: (v) => compact.format(v) };
    cashOpts.scales.y1 = { position: "right", min: 0, max: 1, grid: { drawOnChartArea: false },
      ticks: { callback: (v) => Math.round(100 * v) + "%" }, title: { display: true, text: "active share" } };
    const cash = new Chart($("chart-cash"), { type: "line", data: { labels: [], datasets: cashSets }, options: cashOpts, plugins: [whiteBackground] });
    return { prices, exits, cash };
  }

  function fanData(f) {
    const a = (x) => (Array.isArray(x) ? x : []);
    return f ? [a(f.p5), a(f.p95), a(f.p50)] : [[], [], []];
  }
  function setBands(chart, offset, fan) {
    const [p5, p95, p50] = fanData(fan);
    chart.data.datasets[offset].data = p5;
    chart.data.datasets[offset + 1].data = p95;
    chart.data.datasets[offset + 2].data = p50;
  }

  function updatePrices() {
    if (!charts || !lastResult) return;
    const res = lastResult, p = res.prices || {};
    const tier = $("tier").value;
    const ch = charts.prices;
    ch.data.labels = res.months || [];
    setBands(ch, 0, p.base && p.base[tier]);
    setBands(ch, 3, p.variant && p.variant[tier]);
    ch.update("none");
  }

  function updateExits() {
    if (!charts || !lastResult) return;
    const ex = lastResult.exits || {};
    const reasons = ex.reasons || [], drivers = ex.drivers || [];
    const pick = (side, part, k) => {
      const v = ex[side] && ex[side][part] ? ex[side][part][k] : undefined;
      return typeof v === "number" ? v : (v === null ? null : 0);
    };
    const ch = charts.exits;
    ch.data.labels = [...reasons.map((r) => ["reason", r]), ...drivers.map((d) => ["driver", d])];
    ch.data.datasets[0].data = [...reasons.map((r) => pick("base", "by_reason", r)), ...drivers.map((d) => pick("base", "by_driver", d))];
    ch.data.datasets[1].data = [...reasons.map((r) => pick("variant", "by_reason", r)), ...drivers.map((d) => pick("variant", "by_driver", d))];
    ch.update("none");
  }

  function updateCash() {
    if (!charts || !lastResult) return;
    const res = lastResult, c = res.cash || {};
    const firm = $("firm").value;
    const ch = charts.cash;
    const b = c.base && c.base[firm], v = c.variant && c.variant[firm];
    ch.data.labels = res.months || [];
    setBands(ch, 0, b);
    setBands(ch, 3, v);
    ch.data.datasets[6].data = b && Array.isArray(b.active) ? b.active : [];
    ch.data.datasets[7].data = v && Array.isArray(v.active) ? v.active : [];
    const cur = scenario && scenario.currency ? " (" + scenario.currency + ")" : "";
    ch.options.scales.y.title.text = "month-end cash" + cur;
    ch.update("none");
  }

  function pngName(what) {
    const parts = ["suanli", scenario ? scenario.name : null, lastRun ? lastRun.id : null, what];
    if (what === "prices") parts.push($("tier").value || null);
    if (what === "cash") parts.push($("firm").value || null);
    return parts.filter(Boolean).join("-").replace(/[^A-Za-z0-9._-]+/g, "_") + ".png";
  }
  function wirePng(linkId, chartName, what) {
    const a = $(linkId);
    a.addEventListener("click", (ev) => {
      if (!charts || !charts[chartName]) { ev.preventDefault(); return; }
      a.href = charts[chartName].toBase64Image("image/png", 1);
      a.download = pngName(what);
    });
  }

  // ---------- start ----------
  function init() {
    charts = makeCharts();
    $("scenario").addEventListener("change", (e) => { pickScenario(e.target.value).catch(unexpected); });
    $("tier").addEventListener("change", updatePrices);
    $("firm").addEventListener("change", updateCash);
    $("reset").addEventListener("click", resetLevers);
    $("run").addEventListener("click", () => { if (scenario) schedule(performance.now()); });
    wirePng("png-prices", "prices", "prices");
    wirePng("png-exits", "exits", "exits");
    wirePng("png-cash", "cash", "cash");
    window.addEventListener("pagehide", () => {
      if (current && current.id) fetch(api("/api/runs/" + seg(current.id)), { method: "DELETE", keepalive: true }).catch(() => null);
    });
    loadScenarios().catch((e) => { body.dataset.ready = "true"; unexpected(e); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
