/**
 * Tests that run in Node, not workerd: the rehearsal (it starts its own workerd through
 * Miniflare and a viewer process) and its pure verdict and report; the OpenAPI document
 * under Redocly's linter and openapi-typescript.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/rehearsal/**/*.node.ts", "test/contract/**/*.node.ts"],
    fileParallelism: false,
    testTimeout: 300_000,
  },
});
