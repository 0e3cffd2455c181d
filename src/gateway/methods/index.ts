// The method table: the gateway's own methods plus the chat services' (chat.*, agent, sessions.*,
// send). features.methods lists exactly these names.

import type { ChatServices } from '../chat/index';
import type { GatewayContext } from '../context';
import { configMethods } from './config';
import { deviceMethods } from './devices';
import { logMethods } from './logs';
import { modelMethods } from './models';
import { nodeMethods } from './nodes';
import { systemMethods } from './system';
import type { MethodTable } from './types';

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
