// Which routes the running server offers, from its OpenAPI document (fetched once per
// page load): a section whose module is not in this build (the assistant, for one)
// is not shown, and optional calls (a room's @ai switch) are not made.
let paths: Promise<Set<string>> | null = null;

export function serverPaths(): Promise<Set<string>> {
  paths ??= fetch("/api/openapi.json", { headers: { Accept: "application/json" } })
    .then((res) => (res.ok ? res.json() : { paths: {} }))
    .then((doc: { paths?: Record<string, unknown> }) => new Set(Object.keys(doc.paths ?? {})))
    .catch(() => {
      paths = null; // unreachable now: ask again next time
      return new Set<string>();
    });
  return paths;
}

export async function serverHas(path: string): Promise<boolean> {
  return (await serverPaths()).has(path);
}
