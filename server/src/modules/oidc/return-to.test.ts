/** returnTo validation: no open redirect, whatever the spelling. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config.js";
import { resolveReturnTo, withParams } from "./return-to.js";

const config = loadConfig({
  NODE_ENV: "test",
  APP_URL: "https://app.example.com",
  OIDC_REDIRECT_ALLOWLIST: "https://admin.example.com,https://spa.example.org/auth/callback/",
});

describe("resolveReturnTo", () => {
  it("refuses anything outside the allowlist, look-alikes included", () => {
    for (const bad of [
      "https://evil.example",
      "https://app.example.com.evil.example/",
      "https://app.example.com@evil.example/",
      "https://user:pass@app.example.com/",
      "http://app.example.com/",
      "https://spa.example.org/auth/callbackevil",
      "https://spa.example.org/other",
      "//evil.example/x",
      "/\\evil.example/x",
      "javascript:alert(1)",
      "data:text/html,hi",
      "not a url",
    ]) {
      expect(() => resolveReturnTo(config, bad), bad).toThrow(/returnTo/);
    }
  });

  it("accepts APP_URL's origin, listed origins and paths under a listed prefix; drops fragments", () => {
    expect(resolveReturnTo(config, undefined)).toBe("https://app.example.com/");
    expect(resolveReturnTo(config, "/signed-in?x=1#frag")).toBe("https://app.example.com/signed-in?x=1");
    expect(resolveReturnTo(config, "https://admin.example.com/any/where")).toBe("https://admin.example.com/any/where");
    expect(resolveReturnTo(config, "https://spa.example.org/auth/callback")).toBe(
      "https://spa.example.org/auth/callback",
    );
    expect(resolveReturnTo(config, "https://spa.example.org/auth/callback/done")).toBe(
      "https://spa.example.org/auth/callback/done",
    );
  });

  it("adds parameters without disturbing the existing ones", () => {
    expect(withParams("https://app.example.com/x?keep=1&code=old", { code: "new" })).toBe(
      "https://app.example.com/x?keep=1&code=new",
    );
  });
});
