// The Electron preload's window.clawdbot, answering from memory: installed in a page before app.js
// (page.addInitScript) by the built-renderer tests and the UI benchmark. It runs in the browser, so it
// may use nothing from its module scope.

export interface FakePreloadOptions {
  historySize: number;
  mode?: 'local' | 'remote';
}

/** Runs in the page before app.js: the preload's window.clawdbot, answering from memory. */
export function installFakePreload({ historySize, mode = 'local' }: FakePreloadOptions): void {
  const listeners: Record<string, Array<(p: unknown) => void>> = {};
  const history = Array.from({ length: historySize }, (_, i) => ({
    id: `m${i}`,
    role: i % 2 ? 'assistant' : 'user',
    text: i % 2 ? `Reply **${i}**\n\n\`\`\`js\nconsole.log(${i});\n\`\`\`` : `Question ${i}`,
    timestamp: i,
    status: 'final',
  }));
  const remote = { target: 'gpu-box', resolvedDescription: 'alice@gpu-box.example.com:22 via jump1', tunnelState: 'ready', localPort: 18790, remotePort: 18789, forwards: [] };
  const state = {
    mode, phase: 'ready', statusText: 'Connected to the local gateway on port 18789', endpointUrl: 'ws://127.0.0.1:18789',
    health: { ok: true, checkedAt: 0, latencyMs: 3, latencyHistory: [4, 3, 5, 3, 6, 4, 3, 3, 4, 5], consecutiveMisses: 0, gatewayVersion: '0.1.0', uptimeMs: 5000, sessionCount: 1 },
    lastError: null, transitions: [], local: mode === 'local' ? { port: 18789, adopted: false, restarts: 0 } : null, remote: mode === 'remote' ? remote : null, hostKeyPrompt: null,
    gatewayConnected: true, warnings: [], version: '0.1.0',
  };
  const settings = {
    version: 1, mode, localPort: 18789, theme: 'system', startAtLogin: false, hasGatewayToken: false, hasGatewayPassword: false,
    remote: { target: mode === 'remote' ? 'gpu-box' : '', identityFile: '', remotePort: 18789, localPort: null, hostKeyPolicy: 'ask', knownHostsFile: '', startGatewayIfDown: false, forwards: [] },
  };
  const sent: unknown[] = [];
  const saved: unknown[] = [];
  const answers: Record<string, (input: { clientMessageId?: string }) => unknown> = {
    getState: () => state,
    getSettings: () => settings,
    getLogs: () => [],
    chatListSessions: () => [{ key: 'agent:main:main', updatedAt: 2 }, { key: 'agent:main:notes', displayName: 'Notes', updatedAt: 1, lastMessagePreview: 'file the report' }],
    previewSshTarget: () => ({ ok: true, description: 'alice@gpu-box.example.com:22 via jump1 (ssh agent)', user: 'alice', host: 'gpu-box.example.com', port: 22, proxyJump: ['jump1'] }),
    // A long unbroken fingerprint, as real host-key layers have.
    testRemote: () => [
      { layer: 'dns', label: 'Name resolution', status: 'pass', message: 'gpu-box.example.com is 10.0.0.7' },
      { layer: 'host-key', label: 'Host key', status: 'pass', message: 'SHA256:2Jc7mBq3v0Yx9Q3rS4aV1nTzKp8LwEeFhGiHjJkLmNo matches known_hosts' },
      { layer: 'gateway-auth', label: 'Gateway auth', status: 'fail', message: 'The gateway refused the token.', hint: 'Use "Read port and token from the remote" or paste gateway.auth.token.' },
    ],
    saveSettings: (patch) => {
      saved.push(patch);
      return settings;
    },
    chatHistory: () => history,
    chatSend: (input) => {
      sent.push(input);
      return { runId: input.clientMessageId };
    },
  };
  (window as unknown as { sentMessages: unknown[] }).sentMessages = sent;
  (window as unknown as { savedPatches: unknown[] }).savedPatches = saved;
  (window as unknown as { clawdbot: unknown }).clawdbot = {
    call: async (name: string, input: { clientMessageId?: string }) => {
      const answer = answers[name];
      if (!answer) throw { info: { errorClass: 'Internal', message: `${name} is not faked`, hint: '', retryable: false } };
      return answer(input);
    },
    on: (event: string, listener: (p: unknown) => void) => {
      (listeners[event] ??= []).push(listener);
      return () => undefined;
    },
  };
}
