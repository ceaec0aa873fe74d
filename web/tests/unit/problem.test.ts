import { describe, expect, it } from "vitest";
import { ApiError, errorMessage, problemMessage } from "../../src/api/problem";

describe("problem messages", () => {
  it("prefers detail, then title, then the status", () => {
    expect(problemMessage(400, { title: "Bad Request", detail: "  username is taken " })).toBe("username is taken");
    expect(problemMessage(400, { title: "Bad Request" })).toBe("Bad Request");
    expect(problemMessage(418, {})).toBe("The server answered 418.");
  });

  it("explains a network failure", () => {
    expect(errorMessage(new TypeError("Failed to fetch"))).toMatch(/cannot be reached/);
    expect(errorMessage(new ApiError(409, { detail: "you cannot change your own account" }))).toBe("you cannot change your own account");
    expect(errorMessage("weird")).toBe("Something went wrong.");
  });
});
