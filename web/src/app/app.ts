// Puts the pieces together: resolves the hash to a screen, renders it inside the
// layout, re-renders when the route or the signed-in state changes, and runs the
// real-time link while someone is signed in.
import type { ApiClient } from "../api/client";
import type { Session, SessionState } from "../auth/session";
import type { RealtimeLink } from "../realtime/link";
import type { NotificationCenter } from "../notifications/center";
import { hrefFor, parseHash, resolve } from "../router/resolve";
import { h } from "../ui/dom";
import { layout } from "../ui/layout";
import { errorBox, loading } from "../ui/status";
import { forbiddenScreen, notFoundScreen } from "../screens/notFound";
import { routes } from "./routes";
import type { AppContext } from "./context";

export class App {
  private leave = new AbortController();
  private renderedStatus: SessionState["status"] | null = null;
  private shownScreens = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly api: ApiClient,
    private readonly session: Session,
    private readonly link: RealtimeLink,
    private readonly notifications: NotificationCenter,
  ) {}

  start(): void {
    window.addEventListener("hashchange", () => this.render());
    this.session.state.subscribe((state) => {
      if (state.status === "signed-in") {
        this.link.start();
        this.notifications.start();
      } else {
        this.notifications.stop();
        this.link.stop();
      }
      // A profile edit changes `me` but not the status: the screen stays as it is.
      if (state.status !== this.renderedStatus || state.status === "loading") this.render();
      else this.updateName();
    });
    this.render();
    void this.session.restore();
  }

  navigate(path: string): void {
    const target = `#${path}`;
    if (window.location.hash === target) this.render();
    else window.location.hash = path;
  }

  private updateName(): void {
    const me = this.session.me;
    const who = this.root.querySelector(".who");
    if (me && who) who.textContent = me.display_name || me.username;
  }

  private render(): void {
    this.leave.abort();
    this.leave = new AbortController();
    const signal = this.leave.signal;
    const state = this.session.state.value;
    this.renderedStatus = state.status;
    const location = parseHash(window.location.hash);

    if (state.status === "loading") {
      this.root.replaceChildren(h("div", { class: "boot" }, state.message ? errorBox(state.message) : loading("Opening your desk…")));
      return;
    }
    const me = this.session.me;
    const resolution = resolve(routes, window.location.hash, me?.role ?? null);
    if (resolution.kind === "redirect") {
      window.location.replace(hrefFor(resolution.to));
      return;
    }
    const ctx: AppContext = { api: this.api, session: this.session, link: this.link, notifications: this.notifications, location, signal, navigate: (p) => this.navigate(p) };
    let content: HTMLElement;
    let title: string;
    if (resolution.kind === "screen") {
      content = resolution.route.screen(ctx);
      title = resolution.route.title;
    } else if (resolution.kind === "forbidden") {
      content = forbiddenScreen(ctx);
      title = "Not allowed";
    } else {
      content = notFoundScreen(ctx);
      title = "Not found";
    }
    document.title = `${title} · tradechat`;
    const onSignOut = () => void this.session.signOut();
    this.root.replaceChildren(layout({ me, path: location.path, link: this.link, notifications: this.notifications, signal, onSignOut }, content));
    // After a route change, move focus to the new page's heading so screen readers
    // announce it; on the first page, focus stays at the start (the skip link is next).
    this.shownScreens += 1;
    const heading = this.root.querySelector<HTMLElement>("main h1");
    if (this.shownScreens > 1 && heading && document.activeElement === document.body) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }
}
