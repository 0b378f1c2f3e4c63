import { useState } from 'react';
import { SettingsDialog } from './settings-dialog.tsx';

/** The top bar's Settings button and its dialog. */
export function SettingsButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="tool"
        data-testid="tb-settings"
        title="Settings: image roots"
        aria-label="Settings: image roots"
        onClick={() => setOpen(true)}
      >
        Settings
      </button>
      {open && <SettingsDialog onClose={() => setOpen(false)} />}
    </>
  );
}
