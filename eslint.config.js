// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "var/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ["**/*.ts"] })),
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      eqeqeq: ["error", "always", { null: "ignore" }],
      // an async function without await is how this code base returns a promise for an
      // interface (Store, HistoryReader); the type-checked rules above catch what matters
      // (floating and misused promises, awaiting a non-promise)
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // tests read JSON back and pass methods to expect(): any and unbound methods are their trade
    files: ["**/*.test.ts", "**/test/**/*.ts", "**/test-*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/unbound-method": "off",
    },
  },
  // Package faces: an arrow between packages goes one way only (common <- agent, collector <-
  // visualize <- quickstart); a backdoor import fails lint. Tests may reach across (a collector
  // test runs a real agent in-process).
  ...packageBoundaries(),
  ...browserScripts(),
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        Buffer: "readonly",
        performance: "readonly",
      },
    },
  },
);

/**
 * The dashboard's browser scripts (visualize/src/dashboard/browser, type-checked by their own
 * tsconfig with the DOM and without Node): each is inlined into the pages as a classic <script>
 * allowed by its CSP hash, so a module statement or a Node global there would break in the page.
 */
function browserScripts() {
  const readonly = (/** @type {string[]} */ names) => Object.fromEntries(names.map((n) => [n, "readonly"]));
  return [
    {
      files: ["visualize/src/dashboard/browser/**/*.ts"],
      languageOptions: {
        globals: readonly([
          "window",
          "document",
          "location",
          "history",
          "localStorage",
          "navigator",
          "console",
          "setTimeout",
          "clearTimeout",
          "URL",
          "URLSearchParams",
          "Event",
          "StorageEvent",
          "HTMLElement",
          "HTMLInputElement",
          "HTMLSelectElement",
          "HTMLTableRowElement",
          "HTMLTimeElement",
        ]),
      },
      rules: {
        "no-restricted-globals": [
          "error",
          ...["process", "Buffer", "require", "module", "global", "__dirname", "__filename"].map((name) => ({
            name,
            message: "A dashboard browser script runs in the page, not in Node.",
          })),
        ],
        "no-restricted-syntax": [
          "error",
          ...[
            "ImportDeclaration",
            "ExportNamedDeclaration",
            "ExportDefaultDeclaration",
            "ExportAllDeclaration",
            "ImportExpression",
          ].map((selector) => ({
            selector,
            message: "A dashboard browser script is inlined as a classic <script>: no import/export.",
          })),
        ],
      },
    },
  ];
}

/** no-restricted-imports per package, for production files only. */
function packageBoundaries() {
  const NOT_COLLECTOR = ["**/agent/src/**", "**/visualize/**", "**/quickstart/**"];
  const tests = ["**/*.test.ts", "**/test-*.ts", "**/test/**"];
  /** @param {string[]} files @param {string[]} group @param {string} message @param {string[]} ignores */
  const deny = (files, group, message, ignores = []) => ({
    files,
    ignores: [...tests, ...ignores],
    rules: { "no-restricted-imports": ["error", { patterns: [{ group, message }] }] },
  });
  return [
    deny(
      ["common/src/**/*.ts"],
      ["**/agent/**", "**/collector/**", "**/visualize/**", "**/quickstart/**"],
      "common/ is imported by the programs, never the other way round.",
    ),
    deny(
      ["agent/src/**/*.ts"],
      ["**/collector/**", "**/visualize/**", "**/quickstart/**"],
      "The agent stands alone: shared code lives in common/.",
    ),
    // the collector: shared code from common/, storage and delivery through their faces
    deny(
      ["collector/src/**/*.ts"],
      [
        ...NOT_COLLECTOR,
        "**/storage/*",
        "**/storage/**",
        "!**/storage/index.js",
        "**/delivery/*",
        "**/delivery/**",
        "!**/delivery/index.js",
      ],
      "The collector imports shared code from common/ (not the agent), storage through storage/index.ts and delivery through delivery/index.ts.",
      ["collector/src/storage/**", "collector/src/delivery/**", "collector/src/config/reference/**"],
    ),
    deny(
      ["collector/src/storage/*.ts"],
      [...NOT_COLLECTOR, "**/delivery/**", "**/file/*", "**/mysql/*", "!**/*/index.js"],
      "Storage imports shared code from common/, and a backend's files only through its index.js; it knows nothing of delivery.",
    ),
    deny(
      ["collector/src/storage/*/**/*.ts"],
      [...NOT_COLLECTOR, "**/delivery/**"],
      "Storage imports shared code from common/, not from the agent or delivery.",
    ),
    // delivery: storage through its face, its own folders through their index.js
    deny(
      ["collector/src/delivery/*.ts"],
      [
        ...NOT_COLLECTOR,
        "**/storage/*",
        "**/storage/**",
        "!**/storage/index.js",
        "**/spool/*",
        "**/writer/*",
        "!**/*/index.js",
      ],
      "Delivery reaches storage through storage/index.ts, and spool/ and writer/ through their index.js.",
    ),
    deny(
      ["collector/src/delivery/*/**/*.ts"],
      [...NOT_COLLECTOR, "**/storage/*", "**/storage/**", "!**/storage/index.js"],
      "Delivery reaches storage through storage/index.ts.",
    ),
    // the config reference documents the agent's options too (npm run docs:config)
    deny(
      ["collector/src/config/reference/**/*.ts"],
      ["**/visualize/**", "**/quickstart/**"],
      "Not from visualize.",
    ),
    deny(
      ["visualize/src/**/*.ts", "quickstart/src/**/*.ts"],
      ["**/agent/src/**", "**/collector/src/storage/**", "!**/collector/src/storage/index.js"],
      "Shared code lives in common/, not in the agent; storage is imported through collector/src/storage/index.ts.",
    ),
    // no-restricted-imports does not see import(): a lazy load past the storage face
    {
      files: ["visualize/src/**/*.ts", "quickstart/src/**/*.ts", "collector/src/**/*.ts"],
      ignores: [...tests, "collector/src/storage/**"],
      rules: {
        "no-restricted-syntax": [
          "error",
          {
            selector: "ImportExpression[source.value=/storage\\/(?!index\\.js$)/]",
            message: "Storage is loaded through collector/src/storage/index.ts (loadMysqlBackend for MySQL).",
          },
        ],
      },
    },
  ];
}
