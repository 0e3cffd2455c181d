// The browser twin (`clawdbot ui`, src/web) marks the pages it serves with this meta tag, and the
// renderer reads it to know it talks to the twin and not to a gateway (src/renderer/host).
export const TWIN_MARKER = { name: 'clawdbot-host', content: 'twin' } as const;

export const TWIN_MARKER_TAG = `<meta name="${TWIN_MARKER.name}" content="${TWIN_MARKER.content}">`;
