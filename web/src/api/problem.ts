// RFC 9457 problem documents: the server's error answers, turned into an Error whose
// message is the text to show the user (the problem's `detail`, else its `title`).

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  request_id?: string;
  mfa_required?: boolean;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problemMessage(status, problem));
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }

  /** The server's answer to a correct password on an account with MFA on. */
  get mfaRequired(): boolean {
    return this.status === 401 && this.problem.mfa_required === true;
  }
}

export function problemMessage(status: number, problem: Problem): string {
  const detail = typeof problem.detail === "string" ? problem.detail.trim() : "";
  if (detail) return detail;
  const title = typeof problem.title === "string" ? problem.title.trim() : "";
  if (title) return title;
  if (status === 0) return "The server cannot be reached. Check your connection and try again.";
  return `The server answered ${status}.`;
}

/** Reads a failed response's body as a problem document, whatever it contains. */
export async function problemFrom(res: Response): Promise<Problem> {
  const text = await res.text().catch(() => "");
  if (!text) return { status: res.status, title: res.statusText };
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Problem;
  } catch {
    // not JSON: fall through
  }
  return { status: res.status, title: res.statusText || `HTTP ${res.status}` };
}

/** The message to show for anything a request threw (network failures included). */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof TypeError) return problemMessage(0, {});
  if (err instanceof Error && err.message) return err.message;
  return "Something went wrong.";
}
