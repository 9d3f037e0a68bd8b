import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { AgentConfig } from "./config/load-config.js";
import { agentInfo, readStaticFacts } from "./agent-info.js";
import type { Logger } from "../../common/src/logging.js";
import { REAL_HOST, type HostPaths } from "./metrics/family.js";
import { createCollectors, createSecurityCollector } from "./platform-collectors.js";
import { describeAgentDiff, diffAgentConfigs, type AgentConfigDiff } from "./config-diff.js";
import type { MetricFamily } from "../../common/src/contract/protocol.js";
import { METRIC_FAMILIES, XMLRPC_METHODS } from "../../common/src/contract/protocol.js";
import { Sampler } from "./sampler.js";
import { AccessPolicy } from "./server/access-policy.js";
import { Dispatcher, expectParams } from "./server/dispatcher.js";
import { createTransport } from "./server/http-transport.js";
import { rateLimited } from "./server/rate-limited-log.js";
import { FAULT, XmlRpcFault, type XmlRpcValue } from "../../common/src/xmlrpc/index.js";

export interface RunningAgent {
  url: string;
  port: number;
  sampler: Sampler;
  /**
   * Applies a reloaded config without dropping the listener: allowlist, token, enabled families
   * and the security checks' settings. Returns what changed and what needs a restart.
   */
  reload(next: AgentConfig): { diff: AgentConfigDiff; summary: string };
  stop(): Promise<void>;
}

/** Wires config, sampler, dispatcher and transport together, takes the first sample, then listens. */
export async function startAgent(
  config: AgentConfig,
  logger: Logger,
  paths: HostPaths = REAL_HOST,
): Promise<RunningAgent> {
  const facts = await readStaticFacts(config.name);
  const sampler = new Sampler({
    collectors: await createCollectors(paths, config),
    enabled: enabledFamilies(config),
    intervalMs: config.check_interval * 1000,
    agentInfo: () => agentInfo(facts),
    limits: {
      maxListItems: config.limits.max_list_items,
      maxSshSources: config.limits.max_ssh_sources,
      maxCpuCores: config.limits.max_cpu_cores,
    },
    onSampleError: (family, error) => logger.warn(`metric family ${family} failed: ${error.message}`),
  });
  await sampler.start();

  const dispatcher = new Dispatcher(
    {
      ping: { help: XMLRPC_METHODS.ping, handler: (params) => (expectParams(params, 0), "pong") },
      get_metrics: {
        help: XMLRPC_METHODS.get_metrics,
        handler: (params) => {
          expectParams(params, 0);
          const snapshot = sampler.latest();
          if (snapshot === undefined) throw new XmlRpcFault(FAULT.INTERNAL_ERROR, "no snapshot yet");
          return snapshot as unknown as XmlRpcValue;
        },
      },
    },
    {
      fault: (method, code, message) => logger.info(`fault ${code} for ${method}: ${message}`),
      internalError: (method, error) => logger.error(`internal error in ${method}`, { error: String(error) }),
    },
  );

  const logRefused = rateLimited(10, 60_000, (message) => logger.warn(message));
  const access = new AccessPolicy(config.security.allowed_ips, config.token);
  const server = createTransport({
    allowlist: access,
    maxBodyBytes: config.max_body_bytes,
    maxConnections: config.max_connections,
    tls:
      config.tls.cert_file !== undefined && config.tls.key_file !== undefined
        ? { cert: readFileSync(config.tls.cert_file), key: readFileSync(config.tls.key_file) }
        : undefined,
    checkToken: (headers) => access.checkToken(headers),
    handle: (body) => dispatcher.handle(body),
    onRefused: (address) =>
      logRefused(`refused connection from ${address ?? "unknown"} (not in security.allowed_ips)`),
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const scheme = config.tls.cert_file === undefined ? "http" : "https";
  const shownHost = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `${scheme}://${shownHost}:${port}/`;

  let running = config;

  return {
    url,
    port,
    sampler,
    reload(next) {
      const diff = diffAgentConfigs(config, running, next);
      if (diff.allowlist || diff.token) access.replace(next.security.allowed_ips, next.token);
      if (diff.enabled.length + diff.disabled.length > 0) sampler.setEnabled(enabledFamilies(next));
      if (diff.securityChecks) {
        // made anew: the SSH check reads its log again from the start, so its window is whole
        const security = createSecurityCollector(paths, { ...next, state_dir: config.state_dir });
        if (security !== undefined) sampler.replaceCollector(security);
      }
      running = next;
      return { diff, summary: describeAgentDiff(diff, next) };
    },
    stop: async () => {
      sampler.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, 2_000).unref();
      });
    },
  };
}

function enabledFamilies(config: AgentConfig): Record<MetricFamily, boolean> {
  return Object.fromEntries(
    METRIC_FAMILIES.map((family) => [family, config.metrics[`enable_${family}`]]),
  ) as Record<MetricFamily, boolean>;
}
