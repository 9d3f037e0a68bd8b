import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { callSignal } from "./call-signal.js";

describe("callSignal", () => {
  it("leaves nothing hooked on the caller's long-lived signal once calls end", () => {
    const shutdown = new AbortController();
    for (let i = 0; i < 10_000; i++) callSignal(5_000, shutdown.signal).dispose();
    expect(getEventListeners(shutdown.signal, "abort")).toHaveLength(0);
  });

  it("aborts when the caller cancels, and says it was cancelled", () => {
    const shutdown = new AbortController();
    const call = callSignal(5_000, shutdown.signal);
    shutdown.abort(new Error("stopping"));
    expect(call.signal.aborted).toBe(true);
    expect(call.cancelled).toBe(true);
    expect((call.signal.reason as Error).message).toBe("stopping");
    call.dispose();
  });

  it("aborts at once when the caller had cancelled already", () => {
    const shutdown = new AbortController();
    shutdown.abort();
    const call = callSignal(5_000, shutdown.signal);
    expect([call.signal.aborted, call.cancelled]).toEqual([true, true]);
    call.dispose();
  });

  it("aborts at the deadline as a timeout, not a cancel", async () => {
    const call = callSignal(20, new AbortController().signal);
    await new Promise((resolve) => call.signal.addEventListener("abort", resolve));
    expect(call.cancelled).toBe(false);
    expect((call.signal.reason as DOMException).name).toBe("TimeoutError");
    call.dispose();
  });

  it("does not abort after it was disposed", async () => {
    const call = callSignal(20, undefined);
    call.dispose();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(call.signal.aborted).toBe(false);
  });
});
