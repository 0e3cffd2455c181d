// health, status, system-presence, last-heartbeat, channels.status (spec §9.1).

import type { GatewayContext } from '../context';
import { DEFAULT_AGENT_ID, heartbeatSettings } from '../state/heartbeat-config';
import type { MethodTable } from './types';

export const systemMethods: MethodTable<GatewayContext> = {
  health: (call) => {
    // Other keys (e.g. the mac app's timeout) are ignored, as in the reference.
    call.respond.ok(call.services.health.answer(call.params.probe === true));
  },

  status: (call) => {
    const hb = heartbeatSettings(call.services.config.get());
    call.respond.ok({
      heartbeat: { defaultAgentId: DEFAULT_AGENT_ID, agents: [{ agentId: DEFAULT_AGENT_ID, enabled: hb.enabled, every: hb.every, everyMs: hb.everyMs }] },
      channelSummary: [],
      queuedSystemEvents: [],
      sessions: call.services.chat.statusSessions(),
    });
  },

  'system-presence': (call) => {
    call.respond.ok(call.services.presence.list());
  },

  // No heartbeat runner in this gateway, so no heartbeat ever ran.
  'last-heartbeat': (call) => {
    call.respond.ok(null);
  },

  // No channel plugins: the empty shape `status --deep` expects.
  'channels.status': (call) => {
    call.respond.ok({
      ts: Date.now(),
      channelOrder: [],
      channelLabels: {},
      channelDetailLabels: {},
      channelSystemImages: {},
      channelMeta: [],
      channels: {},
      channelAccounts: {},
      channelDefaultAccountId: {},
    });
  },
};
