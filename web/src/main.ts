// The web client's shell: until the product screens land, it shows what the
// server says about itself (version, running modules, dependency health).
import "./style.css";

interface Version {
  version: string;
  commit: string;
}
interface Readiness {
  status: string;
  modules?: string[];
  checks?: Record<string, string>;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

async function getJson<T>(path: string): Promise<{ ok: boolean; body: T }> {
  const res = await fetch(path, { headers: { Accept: "application/json" } });
  return { ok: res.ok, body: (await res.json()) as T };
}

async function render(root: HTMLElement): Promise<void> {
  root.replaceChildren(el("h1", "tradechat"));
  try {
    const [version, ready] = await Promise.all([getJson<Version>("/api/v1/version"), getJson<Readiness>("/readyz")]);
    root.append(el("p", `Server ${version.body.version} (${version.body.commit})`, "muted"));
    const status = el("p", ready.ok ? "All dependencies answer." : "Some dependencies do not answer.", ready.ok ? "ok" : "bad");
    status.setAttribute("role", "status");
    root.append(status);
    const list = el("ul");
    for (const m of ready.body.modules ?? []) list.append(el("li", `module ${m}`));
    for (const [name, state] of Object.entries(ready.body.checks ?? {})) list.append(el("li", `${name}: ${state}`));
    root.append(list);
    const api = el("a", "API reference (OpenAPI)");
    api.href = "/api/openapi.json";
    root.append(el("p", undefined), api);
  } catch (err) {
    const msg = el("p", `The server cannot be reached: ${String(err)}. Retrying…`, "bad");
    msg.setAttribute("role", "alert");
    root.append(msg);
    setTimeout(() => void render(root), 3000);
  }
}

const root = document.getElementById("app");
if (root) void render(root);
