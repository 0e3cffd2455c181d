// The preload of the app window: exposes exactly the DesktopApi as `window.clawdbot`.

import { contextBridge, ipcRenderer } from 'electron';
import { createDesktopApi } from './desktop-api-bridge';

contextBridge.exposeInMainWorld('clawdbot', createDesktopApi(ipcRenderer));
