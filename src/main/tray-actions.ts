// What each tray menu action does. Calls go through the same core the window uses; a failure is shown
// to the user (with its hint) and, for a mode switch, Settings opens where it can be fixed.

import type { DesktopCore } from '../desktop/ports';
import { toErrorInfo, type ErrorInfo } from '../shared/errors';
import type { TrayAction } from './tray-menu';
import type { ShellView } from './views';

export interface TrayActionDeps {
  core: Pick<DesktopCore, 'call' | 'getState'>;
  showView: (view: ShellView) => void;
  copyText: (text: string) => void;
  startAtLogin: () => boolean;
  quit: () => void;
  reportError: (error: ErrorInfo) => void;
}

export function createTrayActionHandler(deps: TrayActionDeps): (action: TrayAction) => void {
  const run = (work: Promise<unknown>, onError?: () => void): void => {
    work.catch((err: unknown) => {
      deps.reportError(toErrorInfo(err));
      onError?.();
    });
  };

  return (action) => {
    switch (action.kind) {
      case 'open':
        deps.showView(action.view);
        return;
      case 'setMode':
        run(deps.core.call('setMode', { mode: action.mode }), () => deps.showView('settings'));
        return;
      case 'reconnect':
        run(deps.core.call('reconnectNow', undefined));
        return;
      case 'copyGatewayUrl': {
        const url = deps.core.getState().endpointUrl;
        if (url) deps.copyText(url);
        return;
      }
      case 'copyDiagnostics':
        run(deps.core.call('copyDiagnostics', undefined).then(({ text }) => deps.copyText(text)));
        return;
      case 'toggleStartAtLogin':
        run(deps.core.call('saveSettings', { startAtLogin: !deps.startAtLogin() }));
        return;
      case 'quit':
        deps.quit();
        return;
    }
  };
}
