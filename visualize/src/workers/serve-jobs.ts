import { parentPort } from "node:worker_threads";

/** The worker side of WorkerPool: runs each job and answers `{id, ...result}` or `{id, error}`. */
export function serveJobs<J extends { id: number }, R extends object>(handle: (job: J) => Promise<R>): void {
  parentPort?.on("message", (job: J) => {
    handle(job).then(
      (result) => parentPort?.postMessage({ ...result, id: job.id }),
      (error: unknown) =>
        parentPort?.postMessage({
          id: job.id,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  });
}
