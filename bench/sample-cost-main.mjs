// Child process of measureSampleCost: runs with the agent's own V8 flags and prints JSON.
import { sampleCostInProcess } from "./sample-cost.mjs";

const iterations = Number(process.argv[2] ?? 200);
process.stdout.write(JSON.stringify(await sampleCostInProcess(iterations)));
