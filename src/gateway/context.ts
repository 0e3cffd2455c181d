// Everything the gateway's methods and connections share, created once at start-up.

import type { ServerAuth } from '../config/gateway-settings';
import type { ChatServices } from './chat/index';
import type { ConfigStore } from './config-store';
import type { DeviceStore } from './devices/store';
import type { EventHub } from './events/hub';
import type { GatewayLogger } from './log/logger';
import type { NodeRegistry } from './nodes/registry';
import type { HealthMonitor } from './state/health';
import type { PresenceTracker } from './state/presence';
import type { GatewayTimers } from './timers';

export interface GatewayContext {
  startedAt: number;
  stateDir: string;
  configPath: string;
  auth: ServerAuth;
  timers: GatewayTimers;
  log: GatewayLogger;
  hub: EventHub;
  config: ConfigStore;
  health: HealthMonitor;
  presence: PresenceTracker;
  nodes: NodeRegistry;
  devices: DeviceStore;
  chat: ChatServices;
}
