// Feeds DesktopState to the notification policy, wakes up when a pending drop becomes due, and shows
// what the policy decides with electron's Notification (a click opens the view the notice names).

import { Notification } from 'electron';
import type { DesktopCore } from '../desktop/ports';
import type { Notice, NotificationPolicy } from './notification-policy';
import type { ShellView } from './views';

export interface NotifierOptions {
  core: Pick<DesktopCore, 'on'>;
  policy: NotificationPolicy;
  show: (notice: Notice) => void;
}

export function startNotifier({ core, policy, show }: NotifierOptions): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;

  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    const due = policy.nextCheckInMs();
    if (due === null) return;
    timer = setTimeout(() => {
      timer = null;
      for (const notice of policy.poll()) show(notice);
      schedule();
    }, due);
  };

  const unsubscribe = core.on('state', (state) => {
    for (const notice of policy.observe(state)) show(notice);
    schedule();
  });

  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}

export function showElectronNotification(openView: (view: ShellView) => void): (notice: Notice) => void {
  // Held until closed: a collected Notification loses its click handler.
  const live = new Set<Notification>();
  return (notice) => {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title: notice.title, body: notice.body });
    live.add(notification);
    notification.on('click', () => openView(notice.view));
    notification.on('close', () => live.delete(notification));
    notification.show();
  };
}
