// The alert builder: symbol, name, conditions (or the expression typed by hand, which
// the builder follows when it can), when to evaluate, how often to notify, expiry and
// delivery channels. The expression is checked by the server as it is typed; a parse
// error is shown at its position (a caret under the offending token).
import type { AppContext } from "../../app/context";
import { ApiError, errorMessage } from "../../api/problem";
import { h, uid } from "../../ui/dom";
import { MessageSlot } from "../../ui/status";
import { builderExpression, conditionProblem, defaultCondition, errorSpot, formatDuration, parseBuilderExpression, parseDuration, type Condition, type Join } from "../../alerts/builder";
import type { Alert, AlertBody, Channel, EvaluateOn, Frequency } from "../../alerts/types";
import { TIMEFRAMES, type Timeframe } from "../../market/types";
import { conditionRow, type ConditionRow } from "./conditionRow";

export interface AlertFormOptions {
  symbol: string;
  onCreated(alert: Alert): void;
  /** Runs the backtest; rejects with the server's error, shown here. */
  onPreview(body: AlertBody): Promise<void>;
}

function field(label: string, control: HTMLElement, hint?: string): { node: HTMLElement; error: HTMLElement } {
  const id = control.id || uid("alert");
  control.id = id;
  const error = h("p", { class: "field-error", id: `${id}-error` });
  control.setAttribute("aria-describedby", `${hint ? `${id}-hint ` : ""}${id}-error`);
  return { node: h("div", { class: "field" }, h("label", { for: id }, label), control, hint ? h("p", { class: "field-hint", id: `${id}-hint` }, hint) : null, error), error };
}

function select(options: [string, string][], value: string): HTMLSelectElement {
  const s = h("select", {});
  for (const [v, label] of options) s.append(h("option", { value: v }, label));
  s.value = value;
  return s;
}

export function alertForm(ctx: AppContext, options: AlertFormOptions): HTMLElement {
  const messages = new MessageSlot();
  const symbol = h("input", { autocomplete: "off", spellcheck: "false", maxlength: 32, value: options.symbol, class: "symbol-input" });
  const symbolField = field("Symbol", symbol);
  const name = h("input", { autocomplete: "off", maxlength: 100, placeholder: "Optional: the notification's title" });
  const nameField = field("Name", name);

  // Conditions.
  let conditions: Condition[] = [defaultCondition("price_cross")];
  let join: Join = "and";
  let rows: ConditionRow[] = [];
  /** True while the expression text is what gets sent (typed, and beyond the builder). */
  let custom = false;
  const rowsBox = h("div", { class: "conditions" });
  const joinSelect = select(
    [
      ["and", "All conditions hold (and)"],
      ["or", "Any condition holds (or)"],
    ],
    "and",
  );
  const joinField = field("Combine", joinSelect);
  const add = h("button", { type: "button", class: "secondary small" }, "Add a condition");
  const customNote = h("p", { class: "status status-warn", hidden: true }, "This expression goes beyond the builder: it is sent as typed. Change a condition above to start again from the builder.");

  const expression = h("textarea", { rows: 2, maxlength: 1000, spellcheck: "false", class: "expression", autocomplete: "off" });
  const exprField = field("Expression", expression, "The rule as text: edit it directly, e.g. price crosses_above 200 and rsi(14, 1h) < 70.");
  const check = h("p", { class: "expr-check small", "aria-live": "polite" });
  exprField.node.append(check);

  const renderRows = () => {
    rows = conditions.map((c, i) =>
      conditionRow(
        i,
        c,
        () => fromBuilder(),
        conditions.length > 1
          ? () => {
              sync();
              conditions.splice(i, 1);
              renderRows();
              fromBuilder();
            }
          : null,
      ),
    );
    rowsBox.replaceChildren(...rows.map((r) => r.node));
    joinField.node.hidden = conditions.length < 2;
  };
  const sync = () => {
    conditions = rows.map((r) => r.value());
  };
  const fromBuilder = () => {
    sync();
    custom = false;
    customNote.hidden = true;
    expression.value = builderExpression(conditions, join);
    scheduleCheck();
  };
  add.addEventListener("click", () => {
    sync();
    conditions.push(defaultCondition("rsi", (timeframe.value as Timeframe) || "1h"));
    renderRows();
    fromBuilder();
    rows[rows.length - 1]?.focus();
  });
  joinSelect.addEventListener("change", () => {
    join = joinSelect.value as Join;
    fromBuilder();
  });
  expression.addEventListener("input", () => {
    const parsed = parseBuilderExpression(expression.value);
    if (parsed) {
      conditions = parsed.conditions;
      join = parsed.join;
      joinSelect.value = join;
      renderRows();
      custom = false;
    } else custom = expression.value.trim() !== "";
    customNote.hidden = !custom;
    scheduleCheck();
  });

  // Evaluation and frequency.
  const evaluateOn = select(
    [
      ["tick", "On every trade"],
      ["close", "When a bar closes"],
    ],
    "tick",
  );
  const evaluateField = field("Evaluate", evaluateOn);
  const timeframe = select(
    TIMEFRAMES.map((t) => [t, t]),
    "1h",
  );
  const timeframeField = field("Bar timeframe", timeframe, "The bar of “when a bar closes” and of “once per bar”.");
  const frequency = select(
    [
      ["once", "Once, then stop"],
      ["once_per_bar", "At most once per bar"],
      ["every_time", "Every time, with a cooldown"],
    ],
    "once",
  );
  const frequencyField = field("Notify", frequency);
  const cooldown = h("input", { autocomplete: "off", value: "1m", maxlength: 12, inputmode: "text" });
  const cooldownField = field("Cooldown", cooldown, "Least time between two notifications: 30s, 5m, 1h, up to 7d.");
  const expires = h("input", { type: "datetime-local" });
  const expiresField = field("Expires", expires, "Optional. After this time the alert never fires.");
  const syncFrequency = () => {
    cooldownField.node.hidden = frequency.value !== "every_time";
  };
  frequency.addEventListener("change", syncFrequency);
  syncFrequency();

  // Channels.
  const channelBox = (value: Channel, label: string, checked: boolean) => {
    const input = h("input", { type: "checkbox", value, checked });
    return { input, node: h("label", { class: "check" }, input, ` ${label}`) };
  };
  const inApp = channelBox("in_app", "In the app", true);
  const email = channelBox("email", "Email", false);
  const webhook = channelBox("webhook", "Webhook", false);
  const webhookUrl = h("input", { type: "url", autocomplete: "off", maxlength: 2048, placeholder: "https://example.com/hooks/tradechat" });
  const webhookField = field("Webhook URL", webhookUrl, "Signed with the alert's secret (shown once the alert is created).");
  const channelsError = h("p", { class: "field-error", id: uid("channels-error") });
  const syncWebhook = () => {
    webhookField.node.hidden = !webhook.input.checked;
  };
  webhook.input.addEventListener("change", syncWebhook);
  syncWebhook();

  // The server checks the expression while it is typed (a backtest of one bar parses it).
  let checkTimer: ReturnType<typeof setTimeout> | undefined;
  let checkRun = 0;
  const showExpressionError = (err: unknown, focus: boolean): boolean => {
    if (!(err instanceof ApiError) || err.status !== 422) return false;
    const p = err.problem;
    if (typeof p.position === "number") {
      const spot = errorSpot(expression.value, p.position);
      const reason = typeof p.reason === "string" ? p.reason : err.message;
      exprField.error.replaceChildren(
        h("span", { class: "expr-reason" }, `At character ${spot.index + 1}: ${reason}`),
        h("code", { class: "expr-spot", "data-position": String(spot.index) }, spot.before, h("mark", {}, spot.at || " "), spot.after),
      );
      expression.setAttribute("aria-invalid", "true");
      if (focus) {
        expression.focus();
        expression.setSelectionRange(spot.index, spot.index + spot.at.length);
      }
      check.textContent = "";
      return true;
    }
    if (p.field === "symbol") {
      symbolField.error.textContent = err.message;
      symbol.setAttribute("aria-invalid", "true");
      if (focus) symbol.focus();
      return true;
    }
    return false;
  };
  const clearExpressionError = () => {
    exprField.error.replaceChildren();
    expression.removeAttribute("aria-invalid");
  };
  const scheduleCheck = () => {
    clearTimeout(checkTimer);
    const run = ++checkRun;
    check.textContent = "";
    delete check.dataset.ok;
    clearExpressionError();
    if (!expression.value.trim() || !symbol.value.trim()) return;
    // A condition still being filled in is not worth the server's opinion yet.
    if (!custom && conditions.some((c) => conditionProblem(c) !== null)) return;
    checkTimer = setTimeout(() => {
      check.textContent = "Checking…";
      ctx.api
        .request("/api/v1/alerts/backtest", { method: "POST", body: { symbol: symbol.value.trim(), expression: expression.value, timeframe: "1d", limit: 1 }, signal: ctx.signal })
        .then(() => {
          if (run !== checkRun) return;
          clearExpressionError();
          check.textContent = "✓ The server accepts this expression.";
          check.dataset.ok = "true";
        })
        .catch((err: unknown) => {
          if (run !== checkRun || ctx.signal.aborted) return;
          check.dataset.ok = "false";
          if (!showExpressionError(err, false)) check.textContent = `Not checked: ${errorMessage(err)}`;
        });
    }, 500);
  };
  ctx.signal.addEventListener("abort", () => clearTimeout(checkTimer));
  symbol.addEventListener("input", () => {
    symbol.removeAttribute("aria-invalid");
    symbolField.error.textContent = "";
    scheduleCheck();
  });

  /** The request body, or null after marking what is wrong. */
  const body = (): AlertBody | null => {
    messages.clear();
    let firstBad: HTMLElement | null = null;
    const bad = (el: HTMLElement, errorNode: HTMLElement, text: string) => {
      errorNode.textContent = text;
      el.setAttribute("aria-invalid", "true");
      firstBad ??= el;
    };
    for (const [el, err] of [
      [symbol, symbolField.error],
      [cooldown, cooldownField.error],
      [webhookUrl, webhookField.error],
    ] as const) {
      err.textContent = "";
      el.removeAttribute("aria-invalid");
    }
    channelsError.textContent = "";
    if (!symbol.value.trim()) bad(symbol, symbolField.error, "Give a symbol, e.g. BTCUSD.");
    if (!custom) {
      const invalid = rows.filter((r) => !r.validate());
      if (invalid.length) firstBad ??= invalid[0].node.querySelector<HTMLElement>('[aria-invalid="true"]');
      sync();
      if (!invalid.length) expression.value = builderExpression(conditions, join);
    }
    if (!expression.value.trim()) {
      exprField.error.textContent = "Give a condition.";
      expression.setAttribute("aria-invalid", "true");
      firstBad ??= expression;
    }
    let cooldownMs: number | undefined;
    if (frequency.value === "every_time") {
      const ms = parseDuration(cooldown.value);
      if (ms === null || ms > 7 * 86_400_000) bad(cooldown, cooldownField.error, "Write it like 30s, 5m, 1h or 1d (at most 7d).");
      else cooldownMs = ms;
    }
    const channels = [inApp, email, webhook].filter((c) => c.input.checked).map((c) => c.input.value as Channel);
    if (channels.length === 0) {
      channelsError.textContent = "Choose at least one channel.";
      firstBad ??= inApp.input;
    }
    if (webhook.input.checked && !/^https?:\/\/\S+$/i.test(webhookUrl.value.trim())) bad(webhookUrl, webhookField.error, "An http:// or https:// address.");
    if (firstBad) {
      (firstBad as HTMLElement).focus();
      return null;
    }
    const out: AlertBody = {
      symbol: symbol.value.trim().toUpperCase(),
      name: name.value.trim(),
      expression: expression.value.trim(),
      evaluate_on: evaluateOn.value as EvaluateOn,
      timeframe: timeframe.value as Timeframe,
      frequency: frequency.value as Frequency,
      channels,
    };
    if (cooldownMs !== undefined) out.cooldown_ms = cooldownMs;
    if (expires.value) out.expires_at_ms = new Date(expires.value).getTime();
    if (webhook.input.checked) out.webhook_url = webhookUrl.value.trim();
    return out;
  };

  const create = h("button", { type: "submit", class: "primary" }, "Create alert");
  const preview = h("button", { type: "button", class: "secondary" }, "Preview on history");
  preview.addEventListener("click", () => {
    const b = body();
    if (!b || preview.disabled) return;
    preview.disabled = true;
    preview.textContent = "Replaying…";
    options
      .onPreview(b)
      .catch((err: unknown) => {
        if (!showExpressionError(err, true)) messages.error(errorMessage(err));
      })
      .finally(() => {
        preview.disabled = false;
        preview.textContent = "Preview on history";
      });
  });
  const node = h(
    "form",
    { class: "alert-form", "aria-label": "New alert", novalidate: true },
    h("div", { class: "form-row" }, symbolField.node, nameField.node),
    rowsBox,
    h("div", { class: "actions" }, add),
    joinField.node,
    exprField.node,
    customNote,
    h("div", { class: "form-row" }, evaluateField.node, timeframeField.node),
    h("div", { class: "form-row" }, frequencyField.node, cooldownField.node, expiresField.node),
    h("fieldset", { class: "channels", "aria-describedby": channelsError.id }, h("legend", {}, "Deliver by"), h("div", { class: "check-list" }, inApp.node, email.node, webhook.node), channelsError),
    webhookField.node,
    messages.node,
    h("div", { class: "actions" }, create, preview),
  );
  node.addEventListener("submit", (e) => {
    e.preventDefault();
    if (create.disabled) return;
    const b = body();
    if (!b) return;
    create.disabled = true;
    create.textContent = "Creating…";
    ctx.api
      .request<Alert>("/api/v1/alerts", { method: "POST", body: b })
      .then((alert) => {
        messages.success(`Alert created: ${alert.expression}${alert.webhook_secret ? ` — webhook secret ${alert.webhook_secret} (shown only now and on the alert's page)` : ""}`);
        clearExpressionError();
        options.onCreated(alert);
      })
      .catch((err: unknown) => {
        if (!showExpressionError(err, true)) messages.error(errorMessage(err));
      })
      .finally(() => {
        create.disabled = false;
        create.textContent = "Create alert";
      });
  });

  renderRows();
  fromBuilder();
  cooldown.value = formatDuration(60_000);
  return node;
}
