// Entry point: theme first (no flash), then the API client, session, real-time
// link and the app.
import "./style.css";
import { ApiClient } from "./api/client";
import { App } from "./app/app";
import { Session } from "./auth/session";
import { TokenStore, memoryStorage, type KeyValueStorage } from "./auth/tokenStore";
import { RealtimeLink } from "./realtime/link";
import { NotificationCenter } from "./notifications/center";
import { applyTheme, storedTheme } from "./ui/theme";

function tabStorage(): KeyValueStorage {
  try {
    const probe = "tradechat.probe";
    sessionStorage.setItem(probe, "1");
    sessionStorage.removeItem(probe);
    return sessionStorage;
  } catch {
    return memoryStorage();
  }
}

applyTheme(storedTheme());
const api = new ApiClient(new TokenStore(tabStorage()));
const session = new Session(api);
const link = new RealtimeLink(api, () => session.ended("This session was signed out from another device or by an administrator. Please sign in again."));
const root = document.getElementById("app");
if (root) new App(root, api, session, link, new NotificationCenter(api, link)).start();
