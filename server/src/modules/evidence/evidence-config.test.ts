/** EVIDENCE_MAX_BYTES and EVIDENCE_ALLOWED_TYPES: defaults, overrides, wildcards, and refusals. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../config.js";
import { resolveType } from "./evidence-files.js";

describe("evidence configuration", () => {
  it("defaults to 25 MiB and a list of evidence types without HTML or SVG", () => {
    const { evidence } = loadConfig({});
    expect(evidence.maxBytes).toBe(25 * 1024 * 1024);
    expect(evidence.allowedTypes).toEqual(
      expect.arrayContaining(["image/png", "application/pdf", "application/vnd.tcpdump.pcap"]),
    );
    expect(evidence.allowedTypes).not.toContain("text/html");
    expect(evidence.allowedTypes).not.toContain("image/svg+xml");
  });

  it("reads overrides, with type/* wildcards, and reports bad values by name", () => {
    const { evidence } = loadConfig({ EVIDENCE_MAX_BYTES: "1024", EVIDENCE_ALLOWED_TYPES: "Image/*, text/plain" });
    expect(evidence).toEqual({ maxBytes: 1024, allowedTypes: ["image/*", "text/plain"] });
    const gif = Uint8Array.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61]);
    expect(resolveType("image/gif", "a.gif", gif, evidence.allowedTypes)).toEqual({ ok: true, type: "image/gif" });
    expect(resolveType("application/pdf", "a.pdf", gif, evidence.allowedTypes).ok).toBe(false);
    expect(() => loadConfig({ EVIDENCE_MAX_BYTES: "-1", EVIDENCE_ALLOWED_TYPES: "pdf" })).toThrow(ConfigError);
    try {
      loadConfig({ EVIDENCE_MAX_BYTES: "lots", EVIDENCE_ALLOWED_TYPES: "pdf" });
    } catch (error) {
      expect((error as ConfigError).problems.join("\n")).toMatch(/EVIDENCE_MAX_BYTES[\s\S]*EVIDENCE_ALLOWED_TYPES/);
    }
  });
});
