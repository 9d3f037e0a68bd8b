import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    reporters: ["default", "./test-support/summary-reporter.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["{common,agent,collector,visualize,quickstart}/**/*.test.ts"],
          exclude: ["**/*.integration.test.ts", "node_modules/**", "dist/**"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["{common,agent,collector,visualize,quickstart}/**/*.integration.test.ts"],
          exclude: ["node_modules/**", "dist/**"],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
