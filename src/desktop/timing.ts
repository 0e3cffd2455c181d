// Every interval and timeout of the core, in one place, so tests run it fast without faking time.

import { DEFAULT_LOCAL_GATEWAY_TIMING, type LocalGatewayTiming } from './local-gateway';

export interface DesktopTiming extends LocalGatewayTiming {
  healthIntervalMs: number;
  healthTimeoutMs: number;
  /** How long one probe (connect + health) may take. */
  probeTimeoutMs: number;
  /** The gateway connection's own reconnect backoff (a kick skips it). */
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  /** The SSH tunnel's retry backoff (the engine's defaults: a low cap, since a retry costs one SYN). */
  tunnelRetryInitialMs: number;
  tunnelRetryMaxMs: number;
  /** A chat run with no event for this long ends as an error (gateways that never finish, spec §9.3). */
  chatRunTimeoutMs: number;
  /** How often the Clawdbot config file is checked for changes made by the CLI or an editor. */
  configPollMs: number;
}

export const DEFAULT_TIMING: DesktopTiming = {
  ...DEFAULT_LOCAL_GATEWAY_TIMING,
  healthIntervalMs: 30_000,
  healthTimeoutMs: 10_000,
  probeTimeoutMs: 5_000,
  reconnectInitialMs: 1000,
  reconnectMaxMs: 30_000,
  tunnelRetryInitialMs: 100,
  tunnelRetryMaxMs: 1000,
  chatRunTimeoutMs: 10 * 60_000,
  configPollMs: 2000,
};
