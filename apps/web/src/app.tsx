import { ReactFlowProvider } from '@xyflow/react';
import { useState } from 'react';
import { Canvas } from './designer/canvas/canvas.tsx';
import { Inspector } from './designer/inspector/inspector.tsx';
import { Palette } from './designer/palette/palette.tsx';
import { useHostCheck } from './designer/problems/use-host-check.ts';
import { useShortcuts, useUnloadGuard } from './designer/shortcuts.ts';
import { DesignerProvider, useDesigner } from './designer/store/context.tsx';
import { createDesignerStore, isDirty } from './designer/store/store.ts';
import { DialogHost } from './shell/dialogs.tsx';
import { Dock } from './shell/dock.tsx';
import { NoticeToast } from './shell/notice.tsx';
import { ShortcutSheet } from './shell/shortcut-sheet.tsx';
import { TopBar } from './shell/top-bar.tsx';
import { useBootstrap } from './topologies/bootstrap.ts';
import { useTopologyFiles } from './topologies/use-topology-files.ts';
import './shell/workbench.css';

function Workbench() {
  const ready = useBootstrap();
  const files = useTopologyFiles();
  const dirty = useDesigner(isDirty);
  const loadCount = useDesigner((s) => s.loadCount);
  useShortcuts(() => void files.save());
  useHostCheck();
  useUnloadGuard(dirty);
  return (
    <div className="app" data-testid="app" data-ready={ready}>
      <TopBar files={files} />
      <Palette />
      <main className="centre">
        {/* Re-mounted per opened document so that the first view fits it. */}
        <Canvas key={loadCount} />
        <Dock />
      </main>
      <Inspector />
      <NoticeToast />
      <DialogHost />
      <ShortcutSheet />
    </div>
  );
}

/** The designer: one store for the page, React Flow's provider around everything that pans. */
export function App() {
  const [store] = useState(() => createDesignerStore());
  return (
    <DesignerProvider store={store}>
      <ReactFlowProvider>
        <Workbench />
      </ReactFlowProvider>
    </DesignerProvider>
  );
}
