/**
 * The part of noVNC's RFB client (the API document of @novnc/novnc 1.7) that the screen uses. The
 * DefinitelyTyped package describes an older layout (`lib/rfb`), not 1.7's ESM export.
 */
declare module '@novnc/novnc' {
  export interface RfbOptions {
    shared?: boolean;
    wsProtocols?: string[];
  }

  export default class RFB extends EventTarget {
    constructor(target: HTMLElement, urlOrChannel: string | WebSocket, options?: RfbOptions);
    /** Scale the remote screen to fit the target element. */
    scaleViewport: boolean;
    /** Clip the screen to the element instead of growing it; with scrolling by drag. */
    clipViewport: boolean;
    resizeSession: boolean;
    viewOnly: boolean;
    focusOnClick: boolean;
    background: string;
    disconnect(): void;
    sendCtrlAltDel(): void;
    focus(options?: FocusOptions): void;
  }
}
