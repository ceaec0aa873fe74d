// The AI assistant's shapes (the REST and real-time contract of the ai module).
export interface Mode {
  id: string;
  name: string;
  description?: string;
  tools?: string[];
}

export interface Conversation {
  id: string;
  mode: string;
  title: string;
  created_at: string | number;
  updated_at: string | number;
}

export interface ToolCall {
  id: string;
  name: string;
  arguments?: unknown;
  result?: unknown;
}

export interface NumberMark {
  start: number;
  end: number;
  text: string;
}

export interface Proposal {
  id: string;
  kind: string;
  arguments: Record<string, unknown>;
  status: "pending" | "confirmed" | "declined";
}

export interface AiMessage {
  id: string;
  role: "user" | "assistant";
  content: string;
  created_at: string | number;
  status: "complete" | "streaming" | "cancelled" | "failed";
  mode?: string;
  tool_calls?: ToolCall[];
  marks?: NumberMark[];
  citations?: { title: string; url: string }[];
  annotations?: unknown;
  proposals?: Proposal[];
  provider?: string;
  model?: string;
  usage?: { input_tokens?: number; output_tokens?: number; cost_usd?: number };
  plan?: string[];
  error?: string;
}
