// The window: the gateway status, the connection banner, the view tabs and the host-key dialog.
import { useEffect, type ComponentType } from 'react';
import { ConnectionBanner } from './components/ConnectionBanner';
import { HostKeyDialog } from './components/HostKeyDialog';
import { StatusRegion } from './components/StatusRegion';
import { TabBar, panelId, tabId } from './components/TabBar';
import { TokenPrompt } from './control-ui/TokenPrompt';
import type { ViewId } from './store/app-store';
import { useAppState } from './store/store-context';
import { applyTheme } from './theme/apply-theme';
import { ChatView } from './views/ChatView';
import { HealthView } from './views/HealthView';
import { LogsView } from './views/LogsView';
import { SettingsView } from './views/SettingsView';

const VIEW_COMPONENTS: Record<ViewId, ComponentType> = { chat: ChatView, health: HealthView, settings: SettingsView, logs: LogsView };

export function App() {
  const active = useAppState((s) => s.activeView);
  const theme = useAppState((s) => s.settings?.theme ?? 'system');
  const dialogOpen = useAppState((s) => s.desktop?.hostKeyPrompt != null);
  const controlUi = useAppState((s) => s.host === 'control-ui');
  useEffect(() => applyTheme(theme), [theme]);
  const View = VIEW_COMPONENTS[active];

  return (
    <>
      <div className="app" inert={dialogOpen}>
        <header className="app-header">
          <h1>{controlUi ? 'Clawdbot Control' : 'Clawdbot'}</h1>
          <StatusRegion />
        </header>
        <ConnectionBanner />
        <TokenPrompt />
        <TabBar />
        <main role="tabpanel" id={panelId(active)} aria-labelledby={tabId(active)} className={`panel panel-${active}`}>
          <View />
        </main>
      </div>
      <HostKeyDialog />
    </>
  );
}
