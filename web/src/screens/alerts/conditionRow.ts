// One condition of the builder: its kind, direction and numbers, labelled for
// screen readers; which inputs show depends on the kind.
import { h, uid } from "../../ui/dom";
import { CONDITION_KINDS, WINDOWS, conditionProblem, defaultCondition, type Condition, type ConditionKind } from "../../alerts/builder";
import { TIMEFRAMES, isTimeframe } from "../../market/types";

export interface ConditionRow {
  node: HTMLElement;
  value(): Condition;
  set(c: Condition): void;
  /** Shows the row's problem (if any) and returns whether it is valid. */
  validate(): boolean;
  focus(): void;
}

function labelled(label: string, control: HTMLElement, cls = "field"): HTMLElement {
  const id = uid("cond");
  control.id = id;
  return h("div", { class: cls }, h("label", { for: id }, label), control);
}

const DIRECTIONS: Record<ConditionKind, [string, string]> = {
  price_cross: ["crosses above", "crosses below"],
  price_level: ["is above", "is below"],
  change: ["rises by at least (%)", "falls by at least (%)"],
  rsi: ["is above", "is below"],
  ma_cross: ["fast crosses above slow", "fast crosses below slow"],
  macd_cross: ["crosses above", "crosses below"],
  bollinger: ["touches the upper band", "touches the lower band"],
  volume_spike: ["at least × average", "at least × average"],
};

export function conditionRow(index: number, initial: Condition, onChange: () => void, onRemove: (() => void) | null): ConditionRow {
  let current = { ...initial };
  const kind = h("select", {});
  for (const k of CONDITION_KINDS) kind.append(h("option", { value: k.kind }, k.label));
  const direction = h("select", {});
  const value = h("input", { inputmode: "decimal", autocomplete: "off", maxlength: 24 });
  const timeframe = h("select", {});
  const period = h("input", { inputmode: "numeric", autocomplete: "off", maxlength: 4 });
  const period2 = h("input", { inputmode: "numeric", autocomplete: "off", maxlength: 4 });
  const average = h("select", {}, h("option", { value: "sma" }, "SMA"), h("option", { value: "ema" }, "EMA"));
  const error = h("p", { class: "field-error", id: uid("cond-error") });

  const valueLabel = h("span", {});
  const valueField = labelled("Value", value);
  valueField.querySelector("label")?.replaceChildren(valueLabel);
  const tfField = labelled("Timeframe", timeframe);
  const periodField = labelled("Period", period);
  const period2Field = labelled("Slow period", period2);
  const averageField = labelled("Average", average);

  const fillTimeframes = (k: ConditionKind, selected: string) => {
    const options = k === "change" ? WINDOWS : [...TIMEFRAMES];
    timeframe.replaceChildren(...options.map((o) => h("option", { value: o }, o)));
    timeframe.value = options.includes(selected) ? selected : options[k === "change" ? 2 : 3];
    tfField.querySelector("label")!.textContent = k === "change" ? "Window" : "Timeframe";
  };

  const show = () => {
    const k = current.kind;
    kind.value = k;
    const [up, down] = DIRECTIONS[k];
    direction.replaceChildren(h("option", { value: "above" }, up), h("option", { value: "below" }, down));
    direction.value = current.direction;
    direction.parentElement!.hidden = k === "volume_spike";
    value.value = current.value;
    valueLabel.textContent = k === "rsi" ? "Level" : k === "change" ? "Percent" : k === "volume_spike" ? "Times the average" : "Price";
    valueField.hidden = k === "ma_cross" || k === "macd_cross" || k === "bollinger";
    fillTimeframes(k, current.timeframe);
    tfField.hidden = k === "price_cross" || k === "price_level";
    period.value = current.period;
    periodField.hidden = !(k === "rsi" || k === "ma_cross" || k === "volume_spike");
    periodField.querySelector("label")!.textContent = k === "ma_cross" ? "Fast period" : k === "volume_spike" ? "Average of bars" : "Period";
    period2.value = current.period2;
    period2Field.hidden = k !== "ma_cross";
    average.value = current.average;
    averageField.hidden = k !== "ma_cross";
  };

  const read = () => {
    current = { ...current, direction: direction.value as Condition["direction"], value: value.value, timeframe: timeframe.value, period: period.value, period2: period2.value, average: average.value as Condition["average"] };
  };

  kind.addEventListener("change", () => {
    current = defaultCondition(kind.value as ConditionKind, isTimeframe(current.timeframe) ? current.timeframe : "1h");
    show();
    onChange();
  });
  for (const input of [direction, value, timeframe, period, period2, average]) {
    input.addEventListener(input instanceof HTMLSelectElement ? "change" : "input", () => {
      read();
      if (value.getAttribute("aria-invalid") === "true") row.validate();
      onChange();
    });
  }

  const remove = onRemove ? h("button", { type: "button", class: "ghost small danger-text", "aria-label": `Remove condition ${index + 1}` }, "Remove") : null;
  remove?.addEventListener("click", onRemove!);
  for (const control of [value, period, period2]) control.setAttribute("aria-describedby", error.id);
  const node = h(
    "fieldset",
    { class: "condition", "data-index": index },
    h("legend", {}, `Condition ${index + 1}`),
    h("div", { class: "condition-grid" }, labelled("Kind", kind), labelled("When", direction), valueField, tfField, averageField, periodField, period2Field, remove ? h("div", { class: "field condition-remove" }, remove) : null),
    error,
  );
  show();

  const row: ConditionRow = {
    node,
    value: () => ({ ...current }),
    set(c) {
      current = { ...c };
      show();
    },
    validate() {
      read();
      const problem = conditionProblem(current);
      error.textContent = problem ?? "";
      for (const control of [value, period, period2]) control.removeAttribute("aria-invalid");
      if (problem) {
        const badPeriod = /^[1-9]\d{0,3}$/.test(current.period.trim()) ? period2 : period;
        const bad = /period/i.test(problem) ? badPeriod : value;
        bad.setAttribute("aria-invalid", "true");
      }
      return problem === null;
    },
    focus() {
      (node.querySelector('[aria-invalid="true"]') as HTMLElement | null)?.focus() ?? kind.focus();
    },
  };
  return row;
}
