// The developer panel: lists procedures from /panel/procedures.json and calls them via /trpc,
// with the bearer token and the organization (X-Organization-Id) given in the header fields.

const state = { procedures: [], selected: null };
const byId = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

// A starting input built from the JSON Schema: required properties with placeholder values.
function sample(schema) {
  if (!schema || typeof schema !== "object") return undefined;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.anyOf) return sample(schema.anyOf[0]);
  switch (schema.type) {
    case "object": {
      const out = {};
      for (const key of schema.required || []) out[key] = sample(schema.properties[key]);
      return out;
    }
    case "array":
      return [];
    case "string":
      return "";
    case "integer":
    case "number":
      return 0;
    case "boolean":
      return false;
    default:
      return undefined;
  }
}

function renderList() {
  const filter = byId("filter").value.toLowerCase();
  const list = byId("procedures");
  list.replaceChildren();
  for (const proc of state.procedures) {
    if (filter && !proc.path.toLowerCase().includes(filter)) continue;
    const button = el(
      "button",
      { type: "button", "data-path": proc.path, onclick: () => select(proc) },
      el("span", { class: `kind ${proc.type}` }, proc.type),
      proc.path,
    );
    if (state.selected === proc) button.setAttribute("aria-current", "true");
    list.append(el("li", {}, button));
  }
}

// The headers every call sends: the token and organization fields, remembered for this tab.
function requestHeaders() {
  const headers = { accept: "application/json" };
  const token = byId("token").value.trim();
  const organization = byId("organization").value.trim();
  sessionStorage.setItem("assay.panel.token", token);
  sessionStorage.setItem("assay.panel.organization", organization);
  if (token) headers.authorization = `Bearer ${token}`;
  if (organization) headers["x-organization-id"] = organization;
  return headers;
}

// Fills the organization field's suggestions with the caller's organizations (orgs.list).
async function loadOrganizations() {
  const { authorization } = requestHeaders();
  const input = encodeURIComponent(JSON.stringify({ pageSize: 100 }));
  const response = await fetch(`/trpc/orgs.list?input=${input}`, {
    headers: authorization ? { accept: "application/json", authorization } : { accept: "application/json" },
  });
  const list = byId("organizations");
  list.replaceChildren();
  if (!response.ok) {
    byId("organization").title = `orgs.list answered ${response.status}: sign in first (bearer token)`;
    return;
  }
  const page = (await response.json()).result.data;
  for (const org of page.data) list.append(el("option", { value: org.id }, `${org.name} (${org.role ?? "member"})`));
  if (page.data.length === 1 && !byId("organization").value) byId("organization").value = page.data[0].id;
}

async function call(proc, inputText, out) {
  let input;
  try {
    input = inputText.trim() === "" ? undefined : JSON.parse(inputText);
  } catch (error) {
    out.replaceChildren(el("p", { class: "status-error" }, `Input is not valid JSON: ${error.message}`));
    return;
  }
  const headers = requestHeaders();
  let url = `/trpc/${proc.path}`;
  const init = { headers, method: "GET" };
  if (proc.type === "mutation") {
    init.method = "POST";
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(input === undefined ? null : input);
  } else if (input !== undefined) {
    url += `?input=${encodeURIComponent(JSON.stringify(input))}`;
  }
  const started = performance.now();
  const response = await fetch(url, init);
  const text = await response.text();
  let body = text;
  try {
    body = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    /* not JSON: show as is */
  }
  const ms = Math.round(performance.now() - started);
  const organization = headers["x-organization-id"] ? ` · organization ${headers["x-organization-id"]}` : "";
  out.replaceChildren(
    el(
      "p",
      { class: response.ok ? "status-ok" : "status-error", "data-testid": "status" },
      `${response.status} ${response.statusText} · ${ms} ms · request ${response.headers.get("x-request-id") || "-"}${organization}`,
    ),
    el("pre", { "data-testid": "response" }, body),
  );
}

function select(proc) {
  state.selected = proc;
  renderList();
  const input = el(
    "textarea",
    { id: "input", spellcheck: "false" },
    proc.inputSchema ? JSON.stringify(sample(proc.inputSchema) ?? null, null, 2) : "",
  );
  const out = el("div", { id: "result" });
  const rest = proc.rest ? `${proc.rest.method} ${proc.rest.path}` : "tRPC only";
  byId("detail").replaceChildren(
    el("h2", {}, proc.path),
    el("p", {}, el("span", { class: `kind ${proc.type}` }, proc.type), ` ${proc.description || ""} · REST: ${rest}`),
    el(
      "div",
      { class: "columns" },
      el(
        "div",
        {},
        el("h3", {}, "Input schema"),
        el(
          "pre",
          { "data-testid": "input-schema" },
          proc.inputSchema ? JSON.stringify(proc.inputSchema, null, 2) : "No input",
        ),
      ),
      el(
        "div",
        {},
        el("h3", {}, "Output schema"),
        el("pre", { "data-testid": "output-schema" }, JSON.stringify(proc.outputSchema, null, 2)),
      ),
    ),
    el("h3", {}, "Input"),
    input,
    el("button", { type: "button", class: "run", onclick: () => call(proc, input.value, out) }, `Run ${proc.type}`),
    out,
  );
}

async function start() {
  byId("token").value = sessionStorage.getItem("assay.panel.token") || "";
  byId("organization").value = sessionStorage.getItem("assay.panel.organization") || "";
  byId("organization").addEventListener("change", requestHeaders);
  byId("load-organizations").addEventListener("click", loadOrganizations);
  byId("filter").addEventListener("input", renderList);
  const response = await fetch("/panel/procedures.json");
  state.procedures = (await response.json()).procedures;
  renderList();
}

start();
