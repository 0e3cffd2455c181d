// GatewayClient for Node programs (the CLI, the desktop core): the `ws` transport and, unless turned
// off, the device identity and device tokens kept in <identityDir> (~/.clawdbot/identity for the CLI).

import { GatewayClient, type GatewayClientOptions } from '../gateway-client';
import { loadOrCreateDeviceIdentity } from './device-identity';
import { DeviceTokenFile } from './device-token-file';
import { nodeWebSocketFactory } from './ws-transport';

export interface NodeGatewayClientOptions extends GatewayClientOptions {
  /** Folder of device.json and device-auth.json; omit to connect without a device identity. */
  identityDir?: string;
}

export function createNodeGatewayClient(options: NodeGatewayClientOptions): GatewayClient {
  const { identityDir, ...rest } = options;
  const identity = identityDir
    ? { device: loadOrCreateDeviceIdentity(identityDir), deviceTokens: new DeviceTokenFile(identityDir) }
    : {};
  return new GatewayClient({ createWebSocket: nodeWebSocketFactory, platform: process.platform, ...identity, ...rest });
}

export { connectionOver, nodeWebSocketFactory, streamWebSocketFactory } from './ws-transport';
export { loadOrCreateDeviceIdentity } from './device-identity';
export { DeviceTokenFile } from './device-token-file';
