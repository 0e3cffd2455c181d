// The app's version, injected at build time (scripts/build.mjs) and in tests (vitest.config.ts).
declare const __CLAWDBOT_VERSION__: string;

export const VERSION: string = typeof __CLAWDBOT_VERSION__ === 'string' ? __CLAWDBOT_VERSION__ : '0.0.0-dev';
