import { useReactFlow } from '@xyflow/react';
import { useEffect, useState } from 'react';
import { StartStopButton } from '../runs/start-stop-button.tsx';
import { FIT_VIEW_ANIMATED } from '../designer/canvas/fit.ts';
import { applyAutoLayout } from '../designer/store/commands.ts';
import { useDesigner, useDesignerStore, useHistory } from '../designer/store/context.tsx';
import { documentLabel, isDirty, unsavedNote } from '../designer/store/store.ts';
import { DoctorDialog } from '../doctor/doctor-dialog.tsx';
import { ExportMenu, ImportDialog } from '../import-export/index.ts';
import { SettingsButton } from '../settings/settings-button.tsx';
import { NewMenu } from '../topologies/new-menu.tsx';
import { OpenDialog } from '../topologies/open-dialog.tsx';
import type { useTopologyFiles } from '../topologies/use-topology-files.ts';
import { openShortcutSheet } from './shortcut-sheet.tsx';
import { setTheme, useTheme } from './theme.ts';
import './top-bar.css';

type Files = ReturnType<typeof useTopologyFiles>;

function ToolButton({
  testId,
  title,
  onClick,
  disabled,
  children,
}: {
  testId: string;
  title: string;
  onClick: () => void;
  disabled?: boolean;
  children: React.ReactNode;
}) {
  return (
    <button
      type="button"
      className="tool"
      data-testid={testId}
      title={title}
      // Only a symbol needs a spoken name; a worded button is named by its words.
      aria-label={typeof children === 'string' && /[A-Za-z]/.test(children) ? undefined : title}
      disabled={disabled}
      onClick={onClick}
    >
      {children}
    </button>
  );
}

/** Document name and state, file actions, history, view actions and the run controls. */
export function TopBar({ files }: { files: Files }) {
  const store = useDesignerStore();
  const name = useDesigner((s) => s.name);
  const label = useDesigner(documentLabel);
  const unsaved = useDesigner(unsavedNote);
  const dirty = useDesigner(isDirty);
  const topology = useDesigner((s) => s.topology);
  const problems = useDesigner((s) => s.problems);
  const plan = useDesigner((s) => s.plan);
  const caps = useDesigner((s) => s.caps);
  const canUndo = useHistory((s) => s.pastStates.length > 0);
  const canRedo = useHistory((s) => s.futureStates.length > 0);
  const flow = useReactFlow();
  const theme = useTheme();
  const [opening, setOpening] = useState(false);
  const [importing, setImporting] = useState(false);
  const [doctoring, setDoctoring] = useState(false);
  useEffect(() => {
    document.title = `${label}${unsaved === null ? '' : ` (${unsaved})`}${dirty ? ' ●' : ''} · mpqemu studio`;
  }, [label, unsaved, dirty]);
  const fit = () => void flow.fitView(FIT_VIEW_ANIMATED);

  return (
    <header className="topbar" data-testid="topbar">
      <div className="topbar__brand">
        mpqemu<span>studio</span>
      </div>
      <div
        className="topbar__doc"
        title={
          name === null
            ? 'Not saved on the server yet: Save asks for a name'
            : `Save writes "${name}" on the server`
        }
      >
        <span className="topbar__name" data-testid="topology-name">
          {label}
        </span>
        {unsaved !== null && (
          <span className="topbar__unsaved muted" data-testid="topology-unsaved">
            {unsaved}
          </span>
        )}
        {dirty && (
          <span
            className="topbar__dirty"
            data-testid="dirty-marker"
            title="Unsaved changes"
            aria-label="Unsaved changes"
          >
            ●
          </span>
        )}
      </div>
      <nav className="topbar__group" aria-label="File">
        <NewMenu files={files} />
        <ToolButton
          testId="tb-open"
          title="Open a saved topology or a sample"
          onClick={() => setOpening(true)}
        >
          Open
        </ToolButton>
        <ToolButton testId="tb-save" title="Save (Ctrl+S)" onClick={() => void files.save()}>
          Save
        </ToolButton>
        <ToolButton
          testId="tb-save-as"
          title="Save under a new name"
          onClick={() => void files.saveAs()}
        >
          Save as…
        </ToolButton>
        <ToolButton
          testId="tb-rename"
          title="Rename the saved topology"
          disabled={name === null}
          onClick={() => void files.rename()}
        >
          Rename
        </ToolButton>
        <ToolButton
          testId="tb-delete"
          title="Delete the saved topology from the server"
          disabled={name === null}
          onClick={() => void files.remove()}
        >
          Delete
        </ToolButton>
      </nav>
      <nav className="topbar__group" aria-label="Import and export">
        <ToolButton
          testId="tb-import"
          title="Import QEMU command lines or a topology JSON (paste or file)"
          onClick={() => setImporting(true)}
        >
          Import…
        </ToolButton>
        <ExportMenu topology={topology} planned={plan} />
      </nav>
      <nav className="topbar__group" aria-label="History">
        <ToolButton
          testId="tb-undo"
          title="Undo (Ctrl+Z)"
          disabled={!canUndo}
          onClick={() => store.getState().undo()}
        >
          ↶
        </ToolButton>
        <ToolButton
          testId="tb-redo"
          title="Redo (Ctrl+Shift+Z)"
          disabled={!canRedo}
          onClick={() => store.getState().redo()}
        >
          ↷
        </ToolButton>
      </nav>
      <nav className="topbar__group" aria-label="View">
        <ToolButton testId="tb-fit" title="Fit the design in view" onClick={fit}>
          Fit
        </ToolButton>
        <ToolButton
          testId="tb-layout"
          title="Arrange automatically (dagre)"
          onClick={() => {
            applyAutoLayout(store);
            requestAnimationFrame(fit);
          }}
        >
          Auto-layout
        </ToolButton>
        <ToolButton
          testId="theme-toggle"
          title={theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
        >
          {theme === 'dark' ? '☀' : '☾'}
        </ToolButton>
        <ToolButton
          testId="tb-shortcuts"
          title="Keyboard shortcuts (?)"
          onClick={openShortcutSheet}
        >
          ?
        </ToolButton>
        <SettingsButton />
      </nav>
      <nav className="topbar__group" aria-label="Host">
        <ToolButton
          testId="tb-doctor"
          title="Doctor: measure what this host's QEMU does with each model as a proxied device"
          onClick={() => setDoctoring(true)}
        >
          Doctor
        </ToolButton>
      </nav>
      <div className="topbar__run">
        <StartStopButton topology={topology} topologyName={name} problems={problems} />
      </div>
      {opening && <OpenDialog files={files} onClose={() => setOpening(false)} />}
      {doctoring && <DoctorDialog onClose={() => setDoctoring(false)} />}
      {importing && (
        <ImportDialog
          capabilities={caps}
          onClose={() => setImporting(false)}
          onImport={(imported, result) =>
            void files
              .importDocument(imported, `VM "${imported.vm.name}"`, result)
              .then((done) => done && setImporting(false))
          }
        />
      )}
    </header>
  );
}
