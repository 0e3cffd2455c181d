// The string a device signs at connect (spec §7.2): v2 carries the challenge nonce; v1 (legacy, local
// peers only) has none. Pure string code, shared by the gateway (verify) and clients (sign).

export interface DeviceAuthPayloadInput {
  deviceId: string;
  clientId: string;
  clientMode: string;
  /** The effective role (default operator). */
  role: string;
  /** The scopes as sent (an empty list gives an empty field). */
  scopes: readonly string[];
  signedAtMs: number;
  /** auth.token as sent (shared or device token), else empty. Passwords are never signed. */
  token?: string | null;
  /** The challenge nonce; present → v2, absent → v1. */
  nonce?: string | null;
}

export function buildDeviceAuthPayload(input: DeviceAuthPayloadInput): string {
  const base = [input.deviceId, input.clientId, input.clientMode, input.role, input.scopes.join(','), String(input.signedAtMs), input.token ?? ''];
  return input.nonce ? ['v2', ...base, input.nonce].join('|') : ['v1', ...base].join('|');
}
