// The alerts module's shapes (docs/alerts.md).
import type { Timeframe } from "../market/types";

export type EvaluateOn = "tick" | "close";
export type Frequency = "once" | "once_per_bar" | "every_time";
export type Channel = "in_app" | "email" | "webhook";
export type AlertStatus = "active" | "fired" | "disabled" | "expired";

export interface Alert {
  id: string;
  symbol: string;
  name: string;
  expression: string;
  evaluate_on: EvaluateOn;
  timeframe: Timeframe;
  frequency: Frequency;
  cooldown_ms: number;
  expires_at_ms: number | null;
  channels: Channel[];
  webhook_url: string | null;
  webhook_secret?: string;
  status: AlertStatus;
  created_at_ms: number;
  updated_at_ms: number;
  last_fired_ms: number | null;
  fire_count: number;
}

/** The body of `POST /api/v1/alerts`. */
export interface AlertBody {
  symbol: string;
  name: string;
  expression: string;
  evaluate_on: EvaluateOn;
  timeframe: Timeframe;
  frequency: Frequency;
  cooldown_ms?: number;
  expires_at_ms?: number | null;
  channels: Channel[];
  webhook_url?: string;
}

export interface BacktestResult {
  symbol: string;
  expression: string;
  timeframe: string;
  bars: number;
  items: { time_ms: number; price: number }[];
}
