// The DesktopPorts for plain Node (the browser twin): conf for settings, a 0600 file for secrets
// (flagged as not encrypted), and child processes for the gateway. All of it lives under the state
// dir, so two twins with two state dirs share nothing.

import { resolveStateDir } from '../config/paths';
import { createFileSecretStore } from './node-secret-store';
import { createNodeKeyValueStore } from './node-settings-store';
import { createNodeSpawner, type NodeSpawnerOptions } from './node-spawner';
import type { DesktopPorts } from './ports';

export function createNodeDesktopPorts(env: Record<string, string | undefined> = process.env, spawner: NodeSpawnerOptions = {}): DesktopPorts {
  const stateDir = resolveStateDir(env);
  return {
    store: createNodeKeyValueStore(stateDir),
    secrets: createFileSecretStore(stateDir),
    spawnGateway: createNodeSpawner(spawner),
    env,
  };
}
