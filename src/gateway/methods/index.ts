// The method table: the gateway's own methods plus the chat services' (chat.*, agent, sessions.*,
// send). features.methods lists these names, except the few the reference handles without
// advertising them (spec §9.3: chat.inject); clients use the list to enable features.

import type { ChatServices } from '../chat/index';
import type { GatewayContext } from '../context';
import { configMethods } from './config';
import { deviceMethods } from './devices';
import { logMethods } from './logs';
import { modelMethods } from './models';
import { nodeMethods } from './nodes';
import { systemMethods } from './system';
import type { MethodTable } from './types';

/** Handled, but left out of features.methods as the reference does. */
const NOT_ADVERTISED = new Set(['chat.inject']);

/** The names hello-ok's features.methods lists. */
export function advertisedMethods(table: MethodTable<unknown>): string[] {
  return Object.keys(table).filter((name) => !NOT_ADVERTISED.has(name));
}

export function buildMethodTable(chat: ChatServices): MethodTable<unknown> {
  const own: MethodTable<GatewayContext> = {
    ...systemMethods,
    ...logMethods,
    ...configMethods,
    ...modelMethods,
    ...deviceMethods,
    ...nodeMethods,
  };
  // Handlers receive the GatewayContext as `services`; chat handlers close over their own deps.
  return { ...(own as MethodTable<unknown>), ...chat.methods };
}
