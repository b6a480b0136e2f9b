/**
 * The viewer's language: chosen from the phone's languages unless the viewer picked one, and
 * the two dictionaries say the same things (every key, and the same values to fill in).
 */
import { describe, expect, it } from "vitest";
import { pickLanguage } from "../../static-assets/js/i18n.js";
import { EN } from "../../static-assets/js/strings/en.js";
import { ZH_CN } from "../../static-assets/js/strings/zh-cn.js";

describe("viewer language", () => {
  it("follows the phone's first Chinese or English language, else Chinese, unless the viewer chose", () => {
    expect(pickLanguage(["zh-CN", "en-US"], null)).toBe("zh-CN");
    expect(pickLanguage(["en-GB", "zh-Hans-CN"], null)).toBe("en");
    expect(pickLanguage(["fr-FR", "zh-TW", "en"], null)).toBe("zh-CN");
    expect(pickLanguage(["de-DE"], null)).toBe("zh-CN");
    expect(pickLanguage([], null)).toBe("zh-CN");
    expect(pickLanguage(["zh-CN"], "en")).toBe("en");
    expect(pickLanguage(["en"], "zh-CN")).toBe("zh-CN");
    expect(pickLanguage(["en"], "klingon")).toBe("en");
  });

  it("has every string in both languages, with the same values to fill in", () => {
    expect(Object.keys(ZH_CN).sort()).toEqual(Object.keys(EN).sort());
    for (const [key, value] of Object.entries(EN)) {
      const zh = (ZH_CN as Record<string, unknown>)[key];
      expect(typeof zh, key).toBe(typeof value);
      if (typeof value === "function") expect((zh as (...a: unknown[]) => string).length, key).toBe(value.length);
      if (typeof value === "string" && !["switchLanguage", "switchLanguageLabel"].includes(key)) expect(zh, key).not.toBe(value);
    }
  });
});
