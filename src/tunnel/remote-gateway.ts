// Starting the gateway on the remote host over the SSH session, detached so it outlives the session.

/** `clawdbot gateway run` in the background, logging to ~/.clawdbot/gateway.log. */
export function remoteGatewayCommand(port: number): string {
  return `mkdir -p ~/.clawdbot && nohup clawdbot gateway run --port ${Math.trunc(port)} >~/.clawdbot/gateway.log 2>&1 </dev/null &`;
}
