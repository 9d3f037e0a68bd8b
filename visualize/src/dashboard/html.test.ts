import { describe, expect, it } from "vitest";
import { attr, escapeHtml, listReferencedFiles, relativeUrl } from "./html.js";
import { agentPageName, agentPagePath } from "./pages.js";

describe("escapeHtml / attr", () => {
  it("escapes markup and both quote kinds", () => {
    expect(escapeHtml(`<script>"a" & 'b'</script>`)).toBe(
      "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;",
    );
    expect(escapeHtml(undefined)).toBe("");
    expect(attr("title", `"><x`)).toBe(' title="&quot;&gt;&lt;x"');
    expect(attr("hidden", true)).toBe(" hidden");
    expect(attr("hidden", false)).toBe("");
  });
});

describe("relativeUrl", () => {
  it("computes the path from the page and percent-encodes every segment", () => {
    expect(relativeUrl("index.html", "charts/web-01/cpu.png")).toBe("charts/web-01/cpu.png");
    expect(relativeUrl("agents/web-01.html", "charts/web-01/cpu.png")).toBe("../charts/web-01/cpu.png");
    expect(relativeUrl("agents/x.html", "index.html")).toBe("../index.html");
    expect(relativeUrl("index.html", "charts/a #1?/x.png")).toBe("charts/a%20%231%3F/x.png");
    expect(relativeUrl("index.html", "javascript:alert(1)")).toBe("javascript%3Aalert(1)");
  });
});

describe("agentPageName", () => {
  it("keeps ordinary names readable", () => {
    expect(agentPageName("web-01")).toBe("web-01.html");
    expect(agentPageName("db_1.example@dc")).toBe("db_1.example@dc.html");
    expect(agentPagePath("web-01")).toBe("agents/web-01.html");
  });

  it("yields safe, distinct file names for hostile names", () => {
    const names = [
      "../etc/passwd",
      "..",
      ".",
      "",
      "a/b",
      "a\\b",
      "a:b",
      "a~3ab",
      "<script>",
      "é",
      "a b",
      "~",
    ];
    const files = names.map(agentPageName);
    expect(new Set(files).size).toBe(names.length);
    for (const file of files) {
      expect(file).toMatch(/^[A-Za-z0-9_@~-][A-Za-z0-9_.@~-]*\.html$/);
      expect(file.startsWith(".")).toBe(false);
    }
    expect(agentPageName("a:b")).not.toBe(agentPageName("a~3ab"));
  });

  it("bounds long names and keeps them distinct", () => {
    const a = agentPageName("x".repeat(400) + "a");
    const b = agentPageName("x".repeat(400) + "b");
    expect(a.length).toBeLessThanOrEqual(200);
    expect(a).not.toBe(b);
  });
});

describe("listReferencedFiles", () => {
  it("lists relative href/src targets, decoded, without query or fragment", () => {
    const html = `<link rel="stylesheet" href="../style.css"><a href="a%20b.html#top">x</a>
      <img src='charts/x.png?v=1' alt=""><a href="#local">l</a><a href="https://example.com/">e</a>
      <a href="//cdn.example/x.js">c</a><a href="/abs.html">a</a><a href="mailto:x@y">m</a>
      <a href="a&amp;b.html">amp</a><a href="../style.css">again</a>`;
    expect(listReferencedFiles(html)).toEqual(["../style.css", "a b.html", "charts/x.png", "a&b.html"]);
  });
});
