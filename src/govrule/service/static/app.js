// govrule playground: plain JavaScript, no external files; everything comes from this service's JSON API.
"use strict";

const QUERY_NAMES = {
  "sign": "谁签发 (签发)",
  "approve": "谁审批 (审批)",
  "agenda": "议题能否上会 (议题)",
  "deadline": "时限 (办理期限)",
  "meeting": "会议组成 (会议)",
  "quorum": "是否达到法定人数",
  "acting-head": "主要负责人外出时谁主持工作",
  "leave": "请假报告 (向谁请假)",
  "approve-meeting": "召开会议由谁审批",
  "stand-in": "不在岗时由谁代行 (AB角)",
  "quotas": "工作量要求 (如每年调研天数)",
};

const state = { ruleset: null, detail: null, token: sessionStorage.getItem("govrule-token") || "" };
const $ = (sel) => document.querySelector(sel);

function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body) {
  const headers = { "accept": "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (state.token) headers["authorization"] = `Bearer ${state.token}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json() : await response.text();
  if (response.status === 401) $("#token-box").hidden = false;
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// ------------------------------------------------------------------ labels

function roleLabel(id) {
  const roles = (state.detail && state.detail.vocabulary.roles) || [];
  const hit = roles.find((r) => r.id === id);
  return hit ? hit.label : id;
}
function roles(ids, joiner = "或") {
  return (ids || []).map(roleLabel).join(joiner) || "—";
}
function wordLabel(list, id) {
  const hit = (list || []).find((w) => w.id === id);
  return hit ? hit.label : id;
}
function factLabel(name) {
  const v = state.detail.vocabulary;
  const field = [...v.document, ...v.agenda_item].find((f) => f.name === name);
  return field ? `${field.label}（${name}）` : name;
}
function cite(rule) {
  if (!rule) return "";
  const doc = rule.document ? `《${esc(rule.document)}》` : "";
  return `<span class="cite">${doc}${esc(rule.citation)}</span>`;
}
function clause(rule) {
  if (!rule) return "";
  const note = rule.note ? `<p class="muted">注：${esc(rule.note)}</p>` : "";
  return `<p>依据 ${cite(rule)}</p><blockquote>${esc(rule.text)}</blockquote>${note}`;
}

// ------------------------------------------------------------------ rulesets

async function loadRulesets() {
  const data = await api("GET", "v1/rulesets");
  const select = $("#ruleset");
  select.innerHTML = data.rulesets
    .map((r) => `<option value="${esc(r.id)}">${esc(r.title)}（${esc(r.id)}）</option>`)
    .join("");
  const wanted = new URLSearchParams(location.search).get("ruleset");
  if (wanted && data.rulesets.some((r) => r.id === wanted)) select.value = wanted;
  await selectRuleset(select.value);
}

async function selectRuleset(id) {
  state.ruleset = id;
  state.detail = await api("GET", `v1/rulesets/${encodeURIComponent(id)}`);
  const meta = state.detail.meta;
  $("#ruleset-meta").textContent = `${meta.number || "文号未载明"} · 修订 ${state.detail.revision}`;
  const query = $("#query");
  const previous = query.value;
  query.innerHTML = state.detail.queries
    .map((q) => `<option value="${esc(q)}">${esc(QUERY_NAMES[q] || q)}</option>`)
    .join("");
  if (state.detail.queries.includes(previous)) query.value = previous;
  renderForm();
  document.body.dataset.ruleset = id;
  if (!$("#tab-browse").hidden) renderBrowser();
}

// ------------------------------------------------------------------ the form

function fieldHtml(field, prefix = "") {
  const name = prefix + field.name;
  const label = `<span>${esc(field.label)}</span>`;
  if (field.kind === "choice") {
    const options = field.options.map((o) => `<option value="${esc(o.id)}">${esc(o.label)}</option>`).join("");
    return `<label class="field">${label}<select name="${esc(name)}"><option value="">（未填）</option>${options}</select></label>`;
  }
  if (field.kind === "bool") {
    return `<label class="field">${label}<select name="${esc(name)}" data-kind="bool">` +
      `<option value="">（未填）</option><option value="true">是</option><option value="false">否</option></select></label>`;
  }
  if (field.kind === "date") {
    return `<label class="field">${label}<input type="date" name="${esc(name)}"></label>`;
  }
  if (field.kind === "number") {
    return `<label class="field">${label}<input type="number" min="0" name="${esc(name)}" data-kind="number"></label>`;
  }
  if (field.kind === "multi") {
    const boxes = field.options
      .map((o) => `<label><input type="checkbox" name="${esc(name)}" value="${esc(o.id)}" data-kind="multi"> ${esc(o.label)}</label>`)
      .join(" ");
    return `<div class="field">${label}${boxes}</div>`;
  }
  if (field.kind === "words") {
    return `<label class="field">${label}<input name="${esc(name)}" data-kind="words" placeholder="以顿号或逗号分隔"></label>`;
  }
  return `<label class="field">${label}<input name="${esc(name)}"></label>`;
}

function queryFields(query) {
  const v = state.detail.vocabulary;
  const meeting = { name: "meeting", label: "会议", kind: "choice", options: v.meetings };
  switch (query) {
    case "sign":
    case "approve":
      return { top: [...v.document, { name: "absent", label: "不在岗的领导", kind: "multi", options: v.roles }] };
    case "approve-meeting":
      return { top: [...(v.meeting_request || []), { name: "absent", label: "不在岗的领导", kind: "multi", options: v.roles }] };
    case "stand-in":
      return { top: [{ name: "role", label: "不在岗的角色", kind: "choice", options: v.roles }] };
    case "quotas":
      return { top: [{ name: "role", label: "角色（不填则全部）", kind: "choice", options: v.roles }] };
    case "agenda":
      return { top: [meeting, { name: "meeting_date", label: "会议日期", kind: "date" }], item: v.agenda_item };
    case "deadline":
      return { top: [{ name: "event", label: "事项", kind: "choice", options: v.events },
                     { name: "start", label: "起算日期（或会议日期）", kind: "date" }] };
    case "meeting":
      return { top: [meeting] };
    case "quorum":
      return { top: [meeting, { name: "present", label: "实到人数", kind: "number" },
                     { name: "total", label: "应到人数", kind: "number" }] };
    case "leave":
      return { top: [{ name: "role", label: "请假人", kind: "choice", options: v.roles }] };
    default:
      return { top: [] };
  }
}

function renderForm() {
  const spec = queryFields($("#query").value);
  let html = spec.top.map((f) => fieldHtml(f)).join("");
  if (spec.item) html += `<fieldset><legend>议题情况</legend>${spec.item.map((f) => fieldHtml(f, "item.")).join("")}</fieldset>`;
  if (!spec.top.length && !spec.item) html = `<p class="muted">此问题无需填写。</p>`;
  $("#fields").innerHTML = html;
}

function collect() {
  const body = {};
  const put = (name, value) => {
    if (name.startsWith("item.")) {
      body.item = body.item || {};
      body.item[name.slice(5)] = value;
    } else {
      body[name] = value;
    }
  };
  const multi = {};
  for (const el of $("#fields").querySelectorAll("select, input")) {
    const kind = el.dataset.kind;
    if (kind === "multi") {
      if (el.checked) (multi[el.name] = multi[el.name] || []).push(el.value);
      continue;
    }
    const value = el.value.trim();
    if (value === "") continue;
    if (kind === "bool") put(el.name, value === "true");
    else if (kind === "number") put(el.name, Number(value));
    else if (kind === "words") put(el.name, value.split(/[,，、;；\s]+/).filter(Boolean));
    else put(el.name, value);
  }
  for (const [name, values] of Object.entries(multi)) put(name, values);
  if ($("#query").value === "agenda" && !body.item) body.item = {};
  return body;
}

// ------------------------------------------------------------------ answers

function actionLabel(action) {
  return wordLabel(state.detail.vocabulary.actions, action);
}

function renderAnswer(record) {
  if (Array.isArray(record.answer)) {
    const items = record.answer.map((q) => `<div class="card ok" data-answer="${esc(q.type)}">` +
      `<h3>${esc(roles(q.roles, "、"))}：${esc(q.subject)} ${esc(q.bound)} ${esc(q.amount)}${esc(wordLabel(state.detail.vocabulary.units, q.unit))}` +
      `（每${esc(q.per)}）</h3>${clause(q.rule)}</div>`);
    return items.join("") || `<div class="card warn" data-answer="none"><p>规则未设定此类要求。</p></div>`;
  }
  const a = record.answer;
  const parts = [];
  switch (a.type) {
    case "SigningDecision":
      if (a.forbidden) {
        parts.push(`<h3>不得办理</h3>`);
      } else {
        const verb = record.query === "who_must_approve" ? "审批" : "签发";
        parts.push(`<h3>${verb}：${esc(roles(a.signers))}</h3>`);
        if (a.cosigners && a.cosigners.length) parts.push(`<p>会签：${esc(roles(a.cosigners, "、"))}</p>`);
        const steps = (a.steps || []).map((s) => `${roles(s.roles, s.mode === "any" ? "或" : "、")}${actionLabel(s.action)}`);
        parts.push(`<p>程序：${esc(steps.join(" → ") || "—")}</p>`);
      }
      break;
    case "AgendaCheck": {
      parts.push(`<h3>${a.eligible ? "可以提交会议" : "不能提交会议"}</h3>`);
      const list = (items, title) => items.length ? `<p>${title}</p><ul>` + items.map((f) =>
        `<li>${esc(f.message)} ${cite(f.rule)}` +
        (f.missing && f.missing.length ? `<br><span class="muted">需提供：${esc(f.missing.map(factLabel).join("、"))}</span>` : "") +
        `<blockquote>${esc(f.rule && f.rule.text)}</blockquote></li>`).join("") + "</ul>" : "";
      parts.push(list(a.failures, "不符合："));
      parts.push(list(a.requirements, "须遵守："));
      break;
    }
    case "Deadline":
      parts.push(`<h3>截止：${esc(a.due)}</h3><p>${esc(a.amount)}${esc(wordLabel(state.detail.vocabulary.units, a.unit))}` +
        `${a.back ? "（倒数）" : ""}${a.max_due ? `，最迟 ${esc(a.max_due)}` : ""}</p>`);
      break;
    case "MeetingInfo":
      parts.push(`<h3>${esc(a.label)}</h3><p>组成人员：${esc(roles(a.members, "、"))}</p>` +
        `<p>召集/主持：${esc(roles(a.convener))} / ${esc(roles(a.chair))}</p>` +
        `<p>列席：${esc(roles(a.observers, "、"))}</p>` + (a.quorum ? `<p>法定人数：${esc(a.quorum)}</p>` : ""));
      break;
    case "QuorumAnswer":
      parts.push(`<h3>${a.met ? "达到法定人数" : "未达到法定人数"}</h3><p>应到 ${esc(a.total)} 人，实到 ${esc(a.present)} 人（须 ${esc(a.quorum)}）</p>`);
      break;
    case "ActingHead":
      parts.push(`<h3>主持工作：${esc(roles(a.roles))}</h3>`);
      break;
    case "LeaveAnswer":
      parts.push(`<h3>向${esc(roles(a.roles))}请假或报告</h3>`);
      break;
    case "StandIn":
      parts.push(`<h3>${esc(roleLabel(a.role))}不在岗时，由${esc(roles(a.roles))}代行</h3>`);
      break;
    default:
      parts.push(`<h3>${esc(a.type)}</h3>`);
  }
  parts.push(clause(record.rule));
  parts.push(`<details><summary>JSON</summary><pre><code>${esc(JSON.stringify(record, null, 2))}</code></pre></details>`);
  const tone = a.type === "AgendaCheck" && !a.eligible ? "bad" : a.forbidden ? "bad" : a.met === false ? "warn" : "ok";
  return `<div class="card ${tone}" data-answer="${esc(a.type)}">${parts.join("")}</div>`;
}

function renderError(err) {
  const e = (err.body && err.body.error) || { kind: "Error", message: err.message };
  const titles = { 400: "输入有误", 401: "需要访问令牌", 404: "未定义的名称", 413: "请求过大", 422: "规则未作规定" };
  const meant = e.did_you_mean ? `<p>您是否想输入：<code>${esc(e.did_you_mean)}</code>？</p>` : "";
  const missing = e.missing && e.missing.length ? `<p>需提供：${esc(e.missing.map(factLabel).join("、"))}</p>` : "";
  return `<div class="card bad" data-error="${esc(e.kind)}"><h3>${esc(titles[err.status] || "出错")}（${esc(e.kind)}）</h3>` +
    `<p>${esc(e.message)}</p>${meant}${missing}${e.rule ? clause(e.rule) : ""}</div>`;
}

async function ask(event) {
  event.preventDefault();
  const query = $("#query").value;
  const out = $("#answer");
  out.innerHTML = `<p class="muted">查询中……</p>`;
  try {
    const record = await api("POST", `v1/rulesets/${encodeURIComponent(state.ruleset)}/${query}`, collect());
    out.innerHTML = renderAnswer(record);
  } catch (err) {
    out.innerHTML = renderError(err);
  }
}

// ------------------------------------------------------------------ the ruleset browser

function table(headers, rows) {
  if (!rows.length) return `<p class="muted">（无）</p>`;
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("") + "</tbody></table>";
}
const compact = (v) => v === undefined || v === null ? "" : `<code>${esc(typeof v === "string" ? v : JSON.stringify(v))}</code>`;

async function renderBrowser() {
  const out = $("#browser");
  out.innerHTML = `<p class="muted">加载中……</p>`;
  try {
    const data = await api("GET", `v1/rulesets/${encodeURIComponent(state.ruleset)}/tables`);
    const t = data.tables;
    const c = data.coverage;
    const html = [];
    html.push(`<div class="card"><h2>${esc(t.meta.title)}</h2><p>${esc(t.meta.number || "文号未载明")} · ${esc(t.meta.jurisdiction)} · 修订 ${esc(data.revision)}</p>` +
      `<p>条文覆盖：共 ${c.articles} 条，已编码 ${c.encoded || 0} 条，原则性 ${c.principle || 0} 条，未编码 ${c.not_encoded || 0} 条</p></div>`);
    for (const [i, tbl] of (t.signing || []).entries()) {
      html.push(`<h3>签发规则表 ${esc(tbl.id || i + 1)}（${esc(tbl.hit || "")}）</h3>`);
      html.push(table(["规则", "条款", "条件", "签发", "原文"], (tbl.rules || []).map((r) =>
        [compact(r.id), esc(r.cite), compact(r.when), esc(roles(r.sign || r.signers)), esc(r.text)])));
    }
    html.push(`<h3>议题规则</h3>` + table(["规则", "条款", "会议", "说明", "原文"], (t.agenda || []).map((r) =>
      [compact(r.id), esc(r.cite), esc((r.meetings || []).join("、")), esc(r.message), esc(r.text)])));
    html.push(`<h3>时限</h3>` + table(["事项", "期限", "条款", "原文"], (t.deadlines || []).map((d) =>
      [esc(wordLabel(state.detail.vocabulary.events, d.event)), esc(`${d.amount ?? ""}${wordLabel(state.detail.vocabulary.units, d.unit)}`), esc(d.cite), esc(d.text)])));
    html.push(`<h3>会议</h3>` + table(["会议", "组成人员", "主持", "条款"], Object.entries(t.meetings || {}).map(([id, m]) =>
      [esc(`${m.label}（${id}）`), esc(roles(m.members, "、")), esc(roles(m.chair)), esc(m.cite)])));
    html.push(`<h3>请假</h3>` + table(["角色", "向谁请假", "条款", "原文"], (t.leave || []).map((l) =>
      [esc(roleLabel(l.role)), esc(roles(l.approvers)), esc(l.cite), esc(l.text)])));
    html.push(`<h3>条文覆盖</h3>` + table(["条", "状态", "规则"], (t.coverage || []).map((e) =>
      [esc(e.article), esc({ encoded: "已编码", principle: "原则性", not_encoded: "未编码" }[e.status] || e.status), compact((e.rules || []).join(", "))])));
    out.innerHTML = html.join("");
  } catch (err) {
    out.innerHTML = renderError(err);
  }
}

// ------------------------------------------------------------------ the editor

function where(loc) {
  if (!loc || !loc.line) return "";
  return `第${loc.line}行${loc.column ? `第${loc.column}列` : ""}`;
}

function problemList(problems) {
  return "<ul>" + problems.map((p) => {
    const loc = p.location || {};
    return `<li class="finding" data-line="${esc(loc.line || "")}"><b>${esc(where(loc))}</b> ` +
      `<code>${esc(loc.file || "")}:${esc(loc.line || "")}:${esc(loc.column || "")}</code> ${esc(p.message)}` +
      (loc.path ? ` <span class="muted">（${esc(loc.path)}）</span>` : "") +
      (p.hint ? `<br><span class="muted">提示：${esc(p.hint)}</span>` : "") + "</li>";
  }).join("") + "</ul>";
}

function jumpTo(line) {
  const editor = $("#editor");
  const lines = editor.value.split("\n");
  const n = Math.max(1, Math.min(Number(line), lines.length));
  const start = lines.slice(0, n - 1).reduce((sum, l) => sum + l.length + 1, 0);
  editor.focus();
  editor.setSelectionRange(start, start + lines[n - 1].length);
}

async function runEditor(kind) {
  const out = $("#findings");
  out.innerHTML = `<p class="muted">处理中……</p>`;
  try {
    if (kind === "test") {
      const body = { fixture: $("#fixture").value };
      if ($("#editor").value.trim()) body.yaml = $("#editor").value;
      const r = await api("POST", "v1/test", body);
      if (r.errors.length) {
        const problems = r.errors.flatMap((e) => e.error.problems || [{ location: {}, message: e.error.message }]);
        out.innerHTML = `<div class="card bad" data-result="invalid"><h3>无法运行：${problems.length} 处问题</h3>${problemList(problems)}</div>`;
        return;
      }
      out.innerHTML = `<div class="card ${r.failed ? "bad" : "ok"}" data-result="cases"><h3>用例：通过 ${r.passed}，失败 ${r.failed}</h3><ul>` +
        r.cases.map((c) => `<li>${c.passed ? "✓" : "✗"} ${esc(where(c.location))} ${esc(c.name)}` +
          (c.differences.length ? `<br><span class="muted">${esc(c.differences.join("；"))}</span>` : "") + "</li>").join("") + "</ul></div>";
      return;
    }
    if (kind === "validate") {
      const r = await api("POST", "v1/validate", { yaml: $("#editor").value });
      const result = r.results[0];
      out.innerHTML = result.valid
        ? `<div class="card ok" data-result="valid"><h3>校验通过</h3></div>`
        : `<div class="card bad" data-result="invalid"><h3>校验未通过：${result.problems.length} 处问题</h3>${problemList(result.problems)}</div>`;
      return;
    }
    const target = (await api("POST", "v1/check", { yaml: $("#editor").value })).targets[0];
    if (target.error) {
      const problems = target.error.problems || [{ location: {}, message: target.error.message }];
      out.innerHTML = `<div class="card bad" data-result="invalid"><h3>校验未通过：${problems.length} 处问题</h3>${problemList(problems)}</div>`;
      return;
    }
    const names = { error: "错误", warning: "警告", info: "提示" };
    out.innerHTML = `<div class="card ${target.findings.some((f) => f.severity === "error") ? "bad" : "ok"}" data-result="findings">` +
      `<h3>一致性检查：${target.findings.length} 项发现</h3><ul>` + target.findings.map((f) =>
        `<li class="finding" data-line="${esc((f.location && f.location.line) || "")}"><b>${esc(names[f.severity] || f.severity)}</b> ` +
        `${esc(where(f.location))} ${esc(f.kind)}：${esc(f.message)} <span class="muted">${esc((f.citations || []).join("、"))}</span></li>`).join("") +
      "</ul></div>";
  } catch (err) {
    out.innerHTML = renderError(err);
  }
}

async function loadCurrent() {
  try {
    const headers = state.token ? { authorization: `Bearer ${state.token}` } : {};
    const response = await fetch(`v1/rulesets/${encodeURIComponent(state.ruleset)}/source`, { headers });
    if (!response.ok) throw new ApiError(response.status, await response.json());
    $("#editor").value = await response.text();
  } catch (err) {
    $("#findings").innerHTML = renderError(err);
  }
}

// ------------------------------------------------------------------ start

function showTab(name) {
  for (const b of document.querySelectorAll("nav button")) b.setAttribute("aria-selected", String(b.dataset.tab === name));
  for (const s of document.querySelectorAll(".tab")) s.hidden = s.id !== `tab-${name}`;
  if (name === "browse") renderBrowser();
}

function start() {
  for (const b of document.querySelectorAll("nav button")) b.addEventListener("click", () => showTab(b.dataset.tab));
  $("#ruleset").addEventListener("change", (e) => selectRuleset(e.target.value));
  $("#query").addEventListener("change", renderForm);
  $("#query-form").addEventListener("submit", ask);
  $("#validate").addEventListener("click", () => runEditor("validate"));
  $("#check").addEventListener("click", () => runEditor("check"));
  $("#run-cases").addEventListener("click", () => runEditor("test"));
  $("#load-current").addEventListener("click", loadCurrent);
  $("#findings").addEventListener("click", (e) => {
    const item = e.target.closest(".finding");
    if (item && item.dataset.line) jumpTo(item.dataset.line);
  });
  $("#token-save").addEventListener("click", () => {
    state.token = $("#token").value.trim();
    sessionStorage.setItem("govrule-token", state.token);
    $("#token-box").hidden = true;
    loadRulesets().catch((err) => { $("#answer").innerHTML = renderError(err); });
  });
  loadRulesets()
    .then(() => { document.body.dataset.ready = "true"; })
    .catch((err) => { $("#answer").innerHTML = renderError(err); });
}

start();
