// The route table: every screen, who may see it, and its page title.
import type { RouteDef } from "../router/resolve";
import type { Screen } from "./context";
import { forgotPasswordScreen } from "../screens/account/forgotPassword";
import { resetPasswordScreen } from "../screens/account/resetPassword";
import { signInScreen } from "../screens/account/signIn";
import { signUpScreen } from "../screens/account/signUp";
import { auditScreen } from "../screens/admin/audit";
import { usersScreen } from "../screens/admin/users";
import { homeScreen } from "../screens/home";
import { chartScreen } from "../screens/markets/chart";
import { marketsScreen } from "../screens/markets/markets";
import { chatScreen } from "../screens/chat/chat";
import { alertsScreen } from "../screens/alerts/alerts";
import { assistantScreen } from "../screens/assistant/assistant";
import { inboxScreen } from "../screens/notifications/inbox";
import { notificationPrefsScreen } from "../screens/settings/notificationPrefs";
import { profileScreen } from "../screens/settings/profile";
import { securityScreen } from "../screens/settings/security";
import { sessionsScreen } from "../screens/settings/sessions";

export interface AppRoute extends RouteDef {
  screen: Screen;
}

export const routes: readonly AppRoute[] = [
  { path: "/", title: "Home", access: "user", screen: homeScreen },
  { path: "/markets", title: "Markets", access: "user", screen: marketsScreen },
  { path: "/chart", title: "Chart", access: "user", screen: chartScreen },
  { path: "/chat", title: "Chat", access: "user", screen: chatScreen },
  { path: "/assistant", title: "Assistant", access: "user", screen: assistantScreen },
  { path: "/alerts", title: "Alerts", access: "user", screen: alertsScreen },
  { path: "/notifications", title: "Inbox", access: "user", screen: inboxScreen },
  { path: "/sign-in", title: "Sign in", access: "guest", screen: signInScreen },
  { path: "/sign-up", title: "Create an account", access: "guest", screen: signUpScreen },
  { path: "/forgot-password", title: "Forgot password", access: "guest", screen: forgotPasswordScreen },
  { path: "/reset-password", title: "Reset password", access: "any", screen: resetPasswordScreen },
  { path: "/settings", title: "Settings", access: "user", screen: profileScreen },
  { path: "/settings/profile", title: "Profile", access: "user", screen: profileScreen },
  { path: "/settings/security", title: "Security", access: "user", screen: securityScreen },
  { path: "/settings/sessions", title: "Sessions", access: "user", screen: sessionsScreen },
  { path: "/settings/notifications", title: "Notifications", access: "user", screen: notificationPrefsScreen },
  { path: "/admin", title: "Users", access: "admin", screen: usersScreen },
  { path: "/admin/users", title: "Users", access: "admin", screen: usersScreen },
  { path: "/admin/audit", title: "Audit log", access: "admin", screen: auditScreen },
];
